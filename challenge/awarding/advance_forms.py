"""Forms of 前置兑现 (advance subsidy) and 递补 (runner-up)."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms_common import AppForm, DateStringField, WanField, options
from ..inputs import percent_bp
from ..states import RunnerUpTrigger
from ..timeutil import local_today


class AdvanceTermsForm(AppForm):
    share = StringField(_l("前置兑现比例（占政府补助的 %）"),
                        render_kw={"inputmode": "decimal", "placeholder": "%"})
    cap = WanField(_l("每份合同前置兑现上限（万元）"), minimum_fen=0, required=False)

    share_bp: int | None = 0

    def validate_share(self, field):
        self.share_bp = None
        try:
            self.share_bp = percent_bp(field.data) or 0
        except ValueError:
            raise ValidationError(_l("应为 0 到 100 之间、最多两位小数的百分数，如 30。")) from None


class AdvanceForm(AppForm):
    amount = WanField(_l("前置兑现金额（万元）"))
    paid_on = DateStringField(_l("付款日期"))
    reference = StringField(_l("凭证号 / 银行流水号"), validators=[
        DataRequired(_l("请填写凭证号或银行流水号，便于对账。")),
        Length(max=100, message=_l("不超过 100 个字符。"))])
    note = TextAreaField(_l("备注"), validators=[Length(max=1000, message=_l("不超过 1000 字。"))])

    def validate_paid_on(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("请填写付款日期。"))
        if field.date is not None and field.date > local_today():
            raise ValidationError(_l("付款日期不能晚于今天。"))


class RunnerUpForm(AppForm):
    trigger = RadioField(_l("递补原因"), choices=options(RunnerUpTrigger),
                         validators=[DataRequired(_l("请选择递补原因。"))])
    reason = TextAreaField(_l("理由"), validators=[
        DataRequired(_l("请写明递补的理由（如放弃声明、尽职调查结论）。")),
        Length(max=2000, message=_l("理由不超过 %(n)d 字。", n=2000))])
