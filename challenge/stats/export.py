"""The dashboard's figures as rows (one list for the page's table, the CSV and the workbook),
and the Excel / CSV files: Chinese headers, money as numbers in 万元, frozen header row."""

import io
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..exports.writers import SafeCsvWriter, sheet_row
from ..money import format_wan
from .figures import Dashboard
from .filters import StatsFilter
from .records import BASIS, COUNT, DAYS, MONEY, figure_for
from .scope import FEN_PER_WAN

RATE, RATIO = "rate", "ratio"
SECTIONS = (
    (_l("流程漏斗"), ("submitted", "published", "bid_challenges", "contracted", "accepted")),
    (_l("揭榜与匹配"), ("bids", "published_bids", "matched")),
    (_l("金额"), ("bounty", "investment", "@thresholds", "contracts", "contract_amount",
                 "subsidy_committed", "paid_total", "paid_enterprise", "paid_government")),
    (_l("周期"), ("days_to_contract", "days_to_accept")),
    (_l("执行与评审"), ("overdue", "assignments", "reviews")),
)
# Derived figures: (label, numerator, denominator, unit).
RATES = (
    (_l("发布率（发布 ÷ 征集）"), "published", "submitted", RATE),
    (_l("揭榜率（被揭榜 ÷ 发布）"), "bid_challenges", "published", RATE),
    (_l("签约率（签约 ÷ 被揭榜）"), "contracted", "bid_challenges", RATE),
    (_l("验收率（验收 ÷ 签约）"), "accepted", "contracted", RATE),
    (_l("匹配率（有合格方案的榜 ÷ 发布）"), "matched", "published", RATE),
    (_l("平均每榜方案数（方案 ÷ 发布）"), "published_bids", "published", RATIO),
)
UNITS = {COUNT: _l("项"), MONEY: _l("万元"), DAYS: _l("天"), RATE: "%", RATIO: _l("个/榜")}
XLSX_FORMATS = {COUNT: "#,##0", MONEY: "#,##0.00", DAYS: "0.0", RATE: "0.0%", RATIO: "0.00"}


@dataclass
class Line:
    section: str
    key: str | None      # the drill-down figure, None for derived rates
    label: str
    value: float | int | Decimal | None
    unit: str
    basis: str

    @property
    def shown(self) -> str:
        """The value as the page shows it (万元 with thousands separators, rates in %)."""
        if self.value is None:
            return "—"
        if self.unit == MONEY:
            return format_wan(int(self.value * FEN_PER_WAN))
        if self.unit == RATE:
            return f"{self.value * 100:.1f}%"
        if self.unit == DAYS:
            return f"{self.value:.1f}"
        if self.unit == RATIO:
            return f"{self.value:.2f}"
        return f"{self.value:,}"


def wan(fen: int) -> Decimal:
    return Decimal(fen) / FEN_PER_WAN


def figure_lines(board: Dashboard) -> list[Line]:
    lines = []
    for section, keys in SECTIONS:
        for key in keys:
            for real in ([f"invest_ge:{t}" for t in board.thresholds] if key == "@thresholds" else [key]):
                figure = figure_for(real)
                value = board.values.get(real)
                if figure.unit == MONEY:
                    value = wan(value or 0)
                label = str(figure.label)
                if figure.unit == DAYS:
                    label += _("（%(n)d 个榜）", n=board.counts.get(real, 0))
                lines.append(Line(str(section), real, label, value, figure.unit, str(BASIS[figure.basis])))
    for label, top, bottom, unit in RATES:
        lines.append(Line(_("转化率"), None, str(label), board.rate(top, bottom), unit,
                          _("分子、分母各按其口径计入期间")))
    for state, n in board.states:
        figure = figure_for(f"state:{state.value}")
        lines.append(Line(_("各状态榜单"), figure.key, str(state.label), n, COUNT,
                          str(BASIS[figure.basis])))
    return lines


def _csv_number(line: Line) -> str:
    if line.value is None:
        return ""
    if line.unit == MONEY:
        shown = line.value.quantize(Decimal("0.01"))
        return str(shown if shown == line.value else line.value.normalize())
    if line.unit == RATE:
        return f"{line.value * 100:.1f}"
    if line.unit in (DAYS, RATIO):
        return f"{line.value:.2f}" if line.unit == RATIO else f"{line.value:.1f}"
    return str(line.value)


HEADERS = (_l("类别"), _l("指标"), _l("数值"), _l("单位"), _l("统计口径"))


def to_csv(board: Dashboard, f: StatsFilter) -> bytes:
    """UTF-8 with a BOM so Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow([str(h) for h in HEADERS])
    for line in figure_lines(board):
        writer.writerow([line.section, line.label, _csv_number(line), str(UNITS[line.unit]), line.basis])
    writer.writerow([_("筛选条件"), f.describe(), "", "", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list], formats: dict[int, str],
           widths: list[int], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append([str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F1F3F5")
        cell.alignment = Alignment(vertical="center")
    for row in rows:
        ws.append(sheet_row(ws, row))
    for column, fmt in formats.items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = fmt
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    return ws


def to_xlsx(board: Dashboard, f: StatsFilter) -> bytes:
    wb = Workbook()
    ws = _sheet(wb, _("统计指标"), [str(h) for h in HEADERS], [], {}, [14, 34, 16, 8, 44], first=True)
    for line in figure_lines(board):
        value = line.value
        if isinstance(value, Decimal):
            value = float(value)
        ws.append(sheet_row(ws, [line.section, line.label, value, str(UNITS[line.unit]), line.basis]))
        ws.cell(row=ws.max_row, column=3).number_format = XLSX_FORMATS[line.unit]
    money = "#,##0.00"
    group_headers = [_("发布榜单"), _("签约榜单"), _("揭榜总金额（万元）"), _("带动研发投入（万元）")]
    for title, head, groups in ((_("按榜单类型"), _("榜单类型"), board.by_kind),
                                (_("按领域"), _("领域"), board.by_field),
                                (_("按地区"), _("发榜单位地区"), board.by_region)):
        _sheet(wb, title, [head, *group_headers],
               [[g.label, g.published, g.contracted, float(wan(g.bounty)), float(wan(g.investment))]
                for g in groups], {2: "#,##0", 3: "#,##0", 4: money, 5: money}, [22, 12, 12, 20, 22])
    _sheet(wb, _("趋势"), [_("月份") if board.granularity == "month" else _("年份"), _("发布榜单"),
                          _("签约榜单")],
           [[b.label, b.published, b.contracted] for b in board.trend], {2: "#,##0", 3: "#,##0"},
           [12, 12, 12])
    _sheet(wb, _("评审工作量"), [_("专家"), _("单位"), _("评审分配"), _("提交评分")],
           [[r.name, r.organization, r.assigned, r.reviewed] for r in board.reviewers],
           {3: "#,##0", 4: "#,##0"}, [16, 28, 12, 12])
    _sheet(wb, _("筛选条件"), [_("项目"), _("内容")],
           [[_("统计期间与筛选"), f.describe()]], {}, [18, 60])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
