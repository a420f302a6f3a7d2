"""The bureau's finding, the party's objection and the bureau's answer."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms_common import AppForm, DateStringField, options
from ..states import IntegrityGrade


def _required(message):
    def check(form, field):
        if not (field.data or "").strip():
            raise ValidationError(message)
    return check


class FindingForm(AppForm):
    party_kind = RadioField(_l("失信主体"),
                            choices=options([("organization", _l("单位")), ("person", _l("个人"))]),
                            default="organization", validators=[DataRequired(_l("请选择单位或个人。"))])
    party = StringField(_l("单位名称 / 个人邮箱"), validators=[
        DataRequired(_l("请填写单位全称或个人账号邮箱。")),
        Length(max=120, message=_l("不超过 120 个字符。"))])
    grade = SelectField(_l("失信等级"), choices=options(IntegrityGrade), validate_choice=False)
    reason = TextAreaField(_l("失信事由"), validators=[
        DataRequired(_l("请填写失信事由。")), Length(max=2000, message=_l("不超过 2000 字。"))])
    evidence = TextAreaField(_l("证据说明"), validators=[Length(max=2000, message=_l("不超过 2000 字。"))])
    file = FileField(_l("证据文件（可选）"))
    starts_on = DateStringField(_l("生效日期"), validators=[_required(_l("请填写生效日期。"))])
    expires_on = DateStringField(_l("失效日期"), validators=[_required(_l("请填写失效日期。"))])
    published = BooleanField(_l("在单位公开页面公示"))

    def validate_grade(self, field):
        if field.data not in {g.value for g in IntegrityGrade}:
            raise ValidationError(_l("请选择失信等级。"))


class TextForm(AppForm):
    text = TextAreaField(_l("内容"), validators=[
        DataRequired(_l("请填写内容。")), Length(max=2000, message=_l("不超过 2000 字。"))])
