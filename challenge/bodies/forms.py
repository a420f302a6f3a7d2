"""Forms of the 专业机构 pages: appoint a body, record a finding, override one."""

from flask_babel import lazy_gettext as _l
from wtforms import MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..forms_common import AppForm, options
from ..states import BodyPurpose

CONCLUSIONS = options([("1", _l("通过")), ("0", _l("不通过"))])


class AppointForm(AppForm):
    body = SelectField(_l("专业机构"), coerce=int, validate_choice=False)
    purpose = SelectField(_l("委托事项"), choices=options(BodyPurpose))


class FindingForm(AppForm):
    panel_names = StringField(_l("专家组成员"), validators=[Length(max=300)])
    summary = TextAreaField(_l("意见"), validators=[Length(max=5000)])
    passed = RadioField(_l("结论"), choices=CONCLUSIONS, validate_choice=False)
    files = MultipleFileField(_l("测试报告等附件"))


class OverrideForm(AppForm):
    passed = RadioField(_l("科技局的结论"), choices=CONCLUSIONS, validate_choice=False)
    reason = TextAreaField(_l("不采纳的理由"), validators=[Length(max=2000)])


def conclusion(value) -> bool | None:
    """'1' / '0' from a radio group as True / False; anything else None (not chosen)."""
    return {"1": True, "0": False}.get(value or "")
