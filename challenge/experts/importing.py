"""The 专家库 spreadsheet: one column layout for the template, the import and the export.

Reading accepts .xlsx (openpyxl, read-only) and .csv (UTF-8 with or without BOM, or GBK as Excel
saves it on Chinese Windows). Checking reports every problem as (row, column, message), rows
numbered as Excel shows them (the header is row 1). Nothing here touches the database: the caller
passes what it knows of existing profiles and organizations.
"""

import csv
import io
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from ..exports.writers import TEXT, XlsxBook, csv_chunks
from ..exports.writers import Column as SheetColumn
from ..filesize import format_filesize
from ..states import OrgType, WorkKind
from ..validators import MOBILE_RE

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_WORKS = 30
MAX_SCANNED_ROWS = 100_000  # blank but formatted rows count here; beyond this the file is refused
MAX_COLUMNS = 60
EXTENSIONS = ("xlsx", "csv")

# The file format speaks Chinese whatever the interface language, so these words are data.
ORG_TYPE_WORDS = {"企业": OrgType.ENTERPRISE, "高校": OrgType.UNIVERSITY,
                  "科研院所": OrgType.INSTITUTE, "其他": OrgType.OTHER}
WORK_KIND_WORDS = {"论文": WorkKind.PAPER, "专利": WorkKind.PATENT, "项目": WorkKind.PROJECT,
                   "其他": WorkKind.OTHER}
LIST_SEPARATORS = re.compile(r"[;；,，、\n]+")
WORK_SEPARATORS = re.compile(r"[|｜]")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # row 1 of the file; "*" marks a required column
    required: bool = False
    max_length: int | None = None
    help: object = ""
    example: str = ""

    @property
    def title(self) -> str:
        return self.header + ("*" if self.required else "")


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, 50, _l("专家姓名，不超过 50 字。"), "张伟"),
    Column("title", "职称", False, 50, _l("如教授、研究员、高级工程师。"), "教授"),
    Column("organization", "单位", True, 100,
           _l("单位全称。与平台已登记的单位名称完全相同时直接关联，否则新建单位。"), "江淮理工大学"),
    Column("org_type", "单位类型", False, None,
           _l("企业 / 高校 / 科研院所 / 其他；不填按“其他”。单位已登记时可不填，填写须与登记一致。"), "高校"),
    Column("region", "地区", False, 60, _l("新建单位时使用，如：示范市高新区。"), "示范市"),
    Column("fields", "研究领域", False, 300, _l("多个领域用；或 , 分隔。"), "新材料；高分子材料"),
    Column("keywords", "关键词", False, 500, _l("多个关键词用；或 , 分隔，用于匹配榜单。"),
           "熔喷；驻极；过滤材料"),
    Column("email", "邮箱", False, 120, _l("联系邮箱（无平台账号的专家用于联系）。"),
           "zhangwei@example.edu.cn"),
    Column("phone", "手机", False, 20, _l("11 位手机号。"), "13800001234"),
    Column("works", "代表性成果", False, None,
           _l("每项一行（单元格内换行），格式“类型|标题|摘要|年份|合作者”；类型为 论文 / 专利 / 项目 / 其他，"
              "摘要、年份和合作者可不填，合作者（合著者、共同发明人）用逗号分隔，用于回避审查，"
              "如“专利|一种高效熔喷材料||2022|李明, 王芳”。最多 30 项。"),
           "论文|聚丙烯熔喷材料驻极稳定性研究|研究驻极电荷的衰减机理与热稳定性。|2023|张伟, 李明\n"
           "专利|一种高效低阻熔喷过滤材料及其制备方法||2022"),
    Column("bio", "简介", False, 3000, _l("个人简介，不超过 3000 字。"),
           "长期从事高分子非织造材料研究，主持省部级项目 10 余项。"),
)
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str  # the column header as the user sees it
    message: str


@dataclass
class WorkLine:
    kind: WorkKind
    title: str
    abstract: str = ""
    year: int | None = None
    authors: str = ""  # co-authors / co-inventors, for 回避


@dataclass
class ExpertRow:
    """One checked row, ready to become an ExpertProfile."""

    row: int
    name: str
    organization: str
    title: str = ""
    org_type: OrgType | None = None
    region: str = ""
    fields: str = ""
    keywords: str = ""
    email: str = ""
    phone: str = ""
    bio: str = ""
    works: list[WorkLine] = field(default_factory=list)


@dataclass
class Report:
    filename: str
    rows: int = 0  # non-blank data rows
    valid: list[ExpertRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    @property
    def clean(self) -> bool:
        return not self.problems


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as Excel shows it, cells)


# -- reading ---------------------------------------------------------------------------------

def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def read_table(filename: str, data: bytes) -> Table:
    """The header and the non-blank rows of an uploaded file, or FileProblem."""
    ext = extension(filename)
    if ext not in EXTENSIONS:
        raise FileProblem(_("只支持 .xlsx 和 .csv 文件；旧版 .xls 请在 Excel 中另存为 .xlsx。"))
    if not data:
        raise FileProblem(_("文件是空的。"))
    if len(data) > MAX_BYTES:
        raise FileProblem(_("文件不能超过 %(size)s，请拆分后分批导入。", size=format_filesize(MAX_BYTES)))
    lines = _xlsx_lines(data) if ext == "xlsx" else _csv_lines(data)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(lines, start=1):
        if number > MAX_SCANNED_ROWS:
            raise FileProblem(_("表格超过 %(n)d 行（含空行），请删除多余的行后重试。", n=MAX_SCANNED_ROWS))
        cells = [_cell_text(v) for v in cells[:MAX_COLUMNS]]
        if header is None:
            header = cells
            continue
        if any(cells):
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise FileProblem(_("数据超过 %(n)d 行，请拆分后分批导入。", n=MAX_ROWS))
    if header is None or not any(header):
        raise FileProblem(_("文件是空的：第 1 行应为表头，请使用导入模板。"))
    if not rows:
        raise FileProblem(_("文件中没有数据行（表头在第 1 行，数据从第 2 行开始）。"))
    return Table(header=header, rows=rows)


def _xlsx_lines(data: bytes) -> Iterator[tuple]:
    if not data.startswith(b"PK\x03\x04"):
        raise FileProblem(_("文件内容不是有效的 Excel（.xlsx）文件，请在 Excel 中另存为 .xlsx 后重试。"))
    try:
        with warnings.catch_warnings():  # openpyxl warns about features it does not read
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or foreign zip: openpyxl raises many kinds
        raise FileProblem(_("无法读取该 Excel 文件，文件可能已损坏或加密；请另存为 .xlsx 后重试。")) from None
    try:
        if not workbook.worksheets:
            raise FileProblem(_("Excel 文件中没有工作表。"))
        sheet = workbook.worksheets[0]
        try:
            yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        except FileProblem:
            raise
        except Exception:
            raise FileProblem(_("读取 Excel 内容时出错，文件可能已损坏；请另存为 .xlsx 后重试。")) from None
    finally:
        workbook.close()


def _csv_lines(data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data[:4096] or data.startswith(b"PK\x03\x04"):
        raise FileProblem(_("文件内容不是 CSV 文本；Excel 文件请使用 .xlsx 扩展名。"))
    text = _decode(data)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error:
        raise FileProblem(_("CSV 格式有误（引号不配对等），请用 Excel 另存为 CSV 后重试。")) from None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gbk", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(_("无法识别 CSV 文件的编码，请另存为“CSV UTF-8”后重试。"))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):  # a date typed into a text column
        value = value.isoformat()[:10]
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    # A CSV export escapes formula-like text with a leading quote (exports.writers.csv_text);
    # undo it (a tab or CR after it was stripped above).
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def normalise_header(text: str) -> str:
    """'姓名*', '单位类型(企业/高校…)' and '研究领域（用；分隔）' all name their column."""
    text = re.sub(r"[(（].*?[)）]", "", text or "")
    return text.replace("*", "").replace("＊", "").strip()


# -- checking --------------------------------------------------------------------------------

def duplicate_key(name: str, organization: str) -> tuple[str, str]:
    """Same name and same organization name means the same person."""
    return " ".join(name.split()).casefold(), " ".join(organization.split()).casefold()


def check(table: Table, filename: str, existing: set[tuple[str, str]],
          known_orgs: dict[str, OrgType]) -> Report:
    """Every row checked; `existing` holds duplicate keys of profiles already in the pool,
    `known_orgs` the type of each organization already registered, by exact name."""
    report = Report(filename=filename, rows=len(table.rows))
    index: dict[str, int] = {}
    for position, text in enumerate(table.header):
        header = normalise_header(text)
        if not header:
            continue
        if header in COLUMN_BY_HEADER and header not in index:
            index[header] = position
        else:
            report.ignored_headers.append(text)
    missing = [c.title for c in COLUMNS if c.required and c.header not in index]
    if missing:
        raise FileProblem(_("第 1 行缺少必填列：%(cols)s。请使用导入模板（表头须在第 1 行）。",
                            cols="、".join(missing)))
    seen: dict[tuple[str, str], int] = {}
    new_org_types: dict[str, tuple[OrgType, int]] = {}
    for number, cells in table.rows:
        values = {c.key: (cells[index[c.header]] if c.header in index and index[c.header] < len(cells)
                          else "") for c in COLUMNS}
        problems: list[RowProblem] = []
        row = _check_row(number, values, problems)
        if row is not None:
            _check_duplicate(row, seen, existing, problems)
            _check_org_type(row, known_orgs, new_org_types, problems)
        if problems:
            report.problems.extend(problems)
        else:
            report.valid.append(row)
    return report


def _problem(problems: list[RowProblem], number: int, key: str, message: str) -> None:
    problems.append(RowProblem(number, COLUMN_BY_KEY[key].title, message))


def _check_row(number: int, values: dict[str, str], problems: list[RowProblem]) -> ExpertRow | None:
    for column in COLUMNS:
        text = values[column.key]
        if column.required and not text:
            _problem(problems, number, column.key, _("必填，不能为空。"))
        elif column.max_length and column.key not in ("fields", "keywords") \
                and len(text) > column.max_length:
            _problem(problems, number, column.key, _("不能超过 %(n)d 个字（现有 %(m)d 个）。",
                                                     n=column.max_length, m=len(text)))
    fields = ",".join(split_list(values["fields"]))
    keywords = ",".join(split_list(values["keywords"]))
    for key, joined in (("fields", fields), ("keywords", keywords)):
        if len(joined) > COLUMN_BY_KEY[key].max_length:
            _problem(problems, number, key, _("不能超过 %(n)d 个字（现有 %(m)d 个）。",
                                              n=COLUMN_BY_KEY[key].max_length, m=len(joined)))
    org_type = None
    if values["org_type"]:
        org_type = ORG_TYPE_WORDS.get(values["org_type"]) or _enum_value(OrgType, values["org_type"])
        if org_type is None:
            _problem(problems, number, "org_type", _("“%(v)s”无法识别，应为 企业、高校、科研院所 或 其他。",
                                                     v=values["org_type"]))
    email = values["email"]
    if email and len(email) <= COLUMN_BY_KEY["email"].max_length:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            _problem(problems, number, "email", _("邮箱格式不正确：%(v)s", v=email))
    phone = normalise_phone(values["phone"])
    if values["phone"] and not MOBILE_RE.match(phone):
        _problem(problems, number, "phone", _("应为 11 位手机号，如 13800001234；现为“%(v)s”。",
                                              v=values["phone"]))
    works = _check_works(number, values["works"], problems)
    if problems:
        return None
    return ExpertRow(row=number, name=values["name"], organization=values["organization"],
                     title=values["title"], org_type=org_type, region=values["region"],
                     fields=fields, keywords=keywords, email=email, phone=phone,
                     bio=values["bio"], works=works)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text or "") if part.strip()]


def normalise_phone(text: str) -> str:
    phone = re.sub(r"[\s\-－]", "", text or "")
    return phone[3:] if phone.startswith("+86") else phone


def _enum_value(enum_cls, text: str):
    try:
        return enum_cls(text.strip().lower())
    except ValueError:
        return None


def _check_works(number: int, text: str, problems: list[RowProblem]) -> list[WorkLine]:
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    if len(lines) > MAX_WORKS:
        _problem(problems, number, "works", _("最多 %(n)d 项，现有 %(m)d 项。", n=MAX_WORKS, m=len(lines)))
        return []
    works = []
    for position, line in enumerate(lines, start=1):
        parts = [part.strip() for part in WORK_SEPARATORS.split(line)]
        if len(parts) < 2 or len(parts) > 5:
            _problem(problems, number, "works", _(
                "第 %(i)d 项“%(line)s”格式不对，应为“类型|标题|摘要|年份|合作者”"
                "（摘要、年份、合作者可不填）。",
                i=position, line=_clip(line)))
            continue
        kind_text, title, abstract, year_text, authors = (parts + ["", "", ""])[:5]
        kind = WORK_KIND_WORDS.get(kind_text) or _enum_value(WorkKind, kind_text)
        if kind is None:
            _problem(problems, number, "works", _(
                "第 %(i)d 项的类型“%(v)s”无法识别，应为 论文、专利、项目 或 其他。", i=position,
                v=_clip(kind_text)))
        if not title:
            _problem(problems, number, "works", _("第 %(i)d 项缺少标题。", i=position))
        elif len(title) > 300:
            _problem(problems, number, "works", _("第 %(i)d 项的标题不能超过 300 字。", i=position))
        if len(abstract) > 2000:
            _problem(problems, number, "works", _("第 %(i)d 项的摘要不能超过 2000 字。", i=position))
        year = None
        if year_text:
            if re.fullmatch(r"\d{4}", year_text) and 1900 <= int(year_text) <= 2100:
                year = int(year_text)
            else:
                _problem(problems, number, "works", _(
                    "第 %(i)d 项的年份“%(v)s”应为四位数字，如 2023。", i=position, v=_clip(year_text)))
        if len(authors) > 1000:
            _problem(problems, number, "works", _("第 %(i)d 项的合作者不能超过 1000 字。", i=position))
        if kind is not None and title:
            works.append(WorkLine(kind=kind, title=title, abstract=abstract, year=year,
                                  authors=authors))
    return works


def _clip(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _check_duplicate(row: ExpertRow, seen: dict, existing: set, problems: list[RowProblem]) -> None:
    key = duplicate_key(row.name, row.organization)
    if key in seen:
        _problem(problems, row.row, "name", _("与第 %(n)d 行重复（同名同单位）。", n=seen[key]))
    elif key in existing:
        _problem(problems, row.row, "name", _("专家库中已有同名同单位的专家“%(name)s”（%(org)s）。",
                                              name=row.name, org=row.organization))
    else:
        seen[key] = row.row


def _check_org_type(row: ExpertRow, known: dict[str, OrgType], new: dict, problems) -> None:
    """A registered organization keeps its type; a new one gets the type its first row gives."""
    name = row.organization.strip()
    if name in known:
        if row.org_type is not None and row.org_type is not known[name]:
            _problem(problems, row.row, "org_type", _("单位“%(org)s”已登记为“%(t)s”，请改为“%(t)s”或留空。",
                                                      org=name, t=org_type_word(known[name])))
        return
    if name in new:
        org_type, first = new[name]
        if row.org_type is not None and row.org_type is not org_type:
            _problem(problems, row.row, "org_type", _(
                "与第 %(n)d 行为同一单位，单位类型应一致（“%(t)s”）。", n=first, t=org_type_word(org_type)))
    elif row.org_type is not None:
        new[name] = (row.org_type, row.row)


def org_type_word(org_type: OrgType) -> str:
    return next(word for word, value in ORG_TYPE_WORDS.items() if value is org_type)


def work_kind_word(kind: WorkKind) -> str:
    return next(word for word, value in WORK_KIND_WORDS.items() if value is kind)


# -- writing ---------------------------------------------------------------------------------

def work_line(kind: WorkKind, title: str, abstract: str = "", year: int | None = None,
              authors: str = "") -> str:
    """One line of the 代表性成果 cell; separators and line breaks inside the text are replaced."""
    def flat(text: str) -> str:
        return " ".join(WORK_SEPARATORS.sub("/", text or "").split())

    parts = [work_kind_word(kind), flat(title), flat(abstract), str(year) if year else "",
             flat(authors)]
    while parts[-1] == "" and len(parts) > 2:
        parts.pop()
    return "|".join(parts)


def template_rows() -> list[list[str]]:
    return [[c.example for c in COLUMNS]]


WIDTHS = {"name": 10, "title": 12, "organization": 26, "org_type": 10, "region": 14,
          "fields": 22, "keywords": 26, "email": 26, "phone": 14, "works": 60, "bio": 40}


def _columns() -> list[SheetColumn]:
    return [SheetColumn(c.title, TEXT, WIDTHS[c.key]) for c in COLUMNS]


def write_xlsx(rows: Iterable[list[str]], sheet_title: str, notes: bool = False) -> bytes:
    """A workbook in the site's spreadsheet style; optionally the 说明 sheet."""
    book = XlsxBook()
    book.add_table(sheet_title, _columns(), rows)
    if notes:
        _notes_sheet(book)
    return book.bytes()


def _notes_sheet(book: XlsxBook) -> None:
    lines = [[column.title, _("是") if column.required else _("否"), str(column.help), column.example]
             for column in COLUMNS]
    lines.append(["", "", "", ""])
    for line in (
        _("表头须在第 1 行（列的顺序可以调整，带 * 的列必填），数据从第 2 行开始；请勿修改列名。"),
        _("同名且同单位的专家视为重复，不会重复导入。"),
        _("单个文件不超过 %(size)s、%(n)d 行；支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）。",
          size=format_filesize(MAX_BYTES), n=MAX_ROWS),
        _("有错误的文件默认不导入任何数据；可在检查结果页选择“仅导入无误的行”。"),
    ):
        lines.append([line, "", "", ""])
    book.add_table("说明", [SheetColumn(_("列名"), TEXT, 14, wrap=True),
                          SheetColumn(_("必填"), TEXT, 6, wrap=True),
                          SheetColumn(_("说明"), TEXT, 70, wrap=True),
                          SheetColumn(_("示例"), TEXT, 50, wrap=True)], lines)


def write_csv(rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with BOM, so Excel on Chinese Windows opens it without garbling."""
    return b"".join(csv_chunks(_columns(), rows))
