from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..filesize import format_filesize
from ..forms_common import AppForm, SubForm, options
from ..inputs import parse_int
from ..locales import punctuation
from ..models.expert import named_lines, parse_affiliations
from ..states import OrgType, WorkKind
from ..validators import MOBILE_RE
from .importing import EXTENSIONS, MAX_BYTES, MAX_WORKS, normalise_phone

# Names of profile fields in the audit trail.
FIELD_LABELS = {
    "name": _l("姓名"), "title": _l("职称"), "organization": _l("单位"), "fields": _l("研究领域"),
    "keywords": _l("关键词"), "email": _l("邮箱"), "phone": _l("手机"), "bio": _l("简介"),
    "works": _l("代表性成果"), "active": _l("在库状态"), "affiliations": _l("任职经历"),
    "relations": _l("亲属与学生"),
}


class ImportUploadForm(AppForm):
    file = FileField(_l("专家信息文件（.xlsx 或 .csv）"), validators=[
        FileRequired(_l("请选择要导入的文件。")),
        FileAllowed(EXTENSIONS, _l("只支持 .xlsx 和 .csv 文件；旧版 .xls 请在 Excel 中另存为 .xlsx。"))])
    valid_only = BooleanField(_l("仅导入无误的行（有误的行跳过，不影响其他行）"))

    def validate_file(self, field):
        """Read the upload once; `.content` holds its bytes for the view."""
        field.content = field.data.read(MAX_BYTES + 1)
        if len(field.content) > MAX_BYTES:
            raise ValidationError(_("文件不能超过 %(size)s，请拆分后分批导入。",
                                    size=format_filesize(MAX_BYTES)))


class ImportConfirmForm(AppForm):
    valid_only = BooleanField(_l("仅导入无误的行"))

    def __init__(self, *args, has_problems: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_problems = has_problems

    def validate_valid_only(self, field):
        if self.has_problems and not field.data:
            raise ValidationError(_l("文件中有错误的行：请修改后重新上传，或勾选“仅导入无误的行”。"))


class WorkForm(SubForm):
    """One representative result: a row of the works list on a profile."""

    kind = SelectField(_l("类型"), choices=options(WorkKind), default=WorkKind.PAPER.value)
    title = StringField(_l("标题"), validators=[Length(max=300, message=_l("标题不超过 300 字。"))])
    abstract = TextAreaField(_l("摘要"), validators=[Length(max=2000, message=_l("摘要不超过 2000 字。"))])
    year = StringField(_l("年份"), render_kw={"inputmode": "numeric", "maxlength": 4})
    authors = StringField(_l("合作者（合著者、共同发明人，逗号分隔）"), validators=[
        Length(max=1000, message=_l("合作者不超过 1000 字。"))])

    def validate_year(self, field):
        text = str(field.data or "").strip()
        if text and not (len(text) == 4 and parse_int(text, 1900, 2100)):
            raise ValidationError(_l("年份应为四位数字，如 2023。"))

    def is_blank(self) -> bool:
        return not any(str(f.data or "").strip()
                       for f in (self.title, self.abstract, self.year, self.authors))

    def value(self) -> dict:
        year = str(self.year.data or "").strip()
        return {"kind": self.kind.data, "title": self.title.data.strip(),
                "abstract": (self.abstract.data or "").strip(), "year": int(year) if year else None,
                "authors": (self.authors.data or "").strip()}


class WorksMixin:
    """A profile form's works rows: blank rows are ignored, a filled row needs a title."""

    works = FieldList(FormField(WorkForm), min_entries=1, max_entries=MAX_WORKS)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for entry in self.works:
            if not entry.form.is_blank() and not (entry.form.title.data or "").strip():
                entry.form.title.errors.append(_l("请填写成果标题。"))
                ok = False
        return ok

    def works_values(self) -> list[dict]:
        return [entry.form.value() for entry in self.works if not entry.form.is_blank()]


class ProfileFieldsForm(WorksMixin, AppForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请输入姓名。")), Length(max=50)])
    title = StringField(_l("职称 / 职务"), validators=[Length(max=50)])
    fields = StringField(_l("研究领域（逗号分隔）"), validators=[Length(max=300)])
    keywords = StringField(_l("关键词（逗号分隔）"), validators=[Length(max=500)])
    bio = TextAreaField(_l("个人简介"), validators=[Length(max=3000)])
    affiliations = TextAreaField(_l("任职经历（近年单位，用于回避审查）"), validators=[
        Length(max=3000, message=_l("任职经历不超过 3000 字。"))])
    relations = TextAreaField(_l("亲属与学生（用于回避审查）"), validators=[
        Length(max=3000, message=_l("亲属与学生不超过 3000 字。"))])

    def validate_affiliations(self, field):
        bad = parse_affiliations(field.data or "")[1]
        if bad:
            raise ValidationError(_(
                "第 %(lines)s 行无法识别：每行写“起始年–结束年 单位全称”，如“2019–2023 江淮理工大学”；"
                "仍在任职写“2021– 单位全称”。", lines=punctuation("、").join(map(str, bad))))

    def validate_relations(self, field):
        for name, _note in named_lines(field.data or ""):
            if not name or len(name) > 50:
                raise ValidationError(_l("每行写“姓名：关系”，如“张三：学生”；姓名不超过 50 字。"))

    def values(self) -> dict:
        return {name: (self[name].data or "").strip() for name in (
            "name", "title", "fields", "keywords", "bio", "affiliations", "relations")}


class ExpertEditForm(ProfileFieldsForm):
    """The bureau's edit of a pool profile: the person's fields plus organization and contact."""

    org_name = StringField(_l("单位"), validators=[
        DataRequired(_l("请输入单位全称。")), Length(min=2, max=100)])
    org_type = SelectField(_l("单位类型（新单位时使用）"), choices=options(OrgType),
                           default=OrgType.OTHER.value)
    email = EmailField(_l("邮箱"), validators=[Optional(), Email(_l("邮箱格式不正确。")), Length(max=120)])
    phone = StringField(_l("手机"), validators=[Optional(), Length(max=20)])

    def validate_phone(self, field):
        field.data = normalise_phone(field.data or "")
        if field.data and not MOBILE_RE.match(field.data):
            raise ValidationError(_l("请输入 11 位手机号。"))

    def values(self) -> dict:
        values = super().values()
        values.update(email=(self.email.data or "").strip().lower(), phone=self.phone.data or "")
        return values
