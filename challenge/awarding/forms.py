"""奖榜 forms: the contract (terms and milestones), a payment, money recovered, and ending a
contract. Forms parse and check single fields; the contract rules are the operations'."""


from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..bidding.forms import MilestoneForm, RowForm
from ..forms_common import AppForm, DateStringField, WanField, options
from ..inputs import percent_bp
from ..states import FailureRule, Payer
from ..timeutil import local_today

MAX_ROWS = 30


def parse_percent(text: str) -> int | None:
    """'30' or '33.33%' → basis points; None when blank; ValueError when not 0–100 with 2 places."""
    return percent_bp(text)


class ContractMilestoneForm(MilestoneForm):
    """A milestone row as in the bid (shares in %, stored as basis points); the due date may be
    any day on or after the contract's start (checked by the operation)."""

    due = DateStringField(_l("完成日期"))


class ContractForm(AppForm):
    number = StringField(_l("合同编号"), validators=[
        DataRequired(_l("请填写合同编号。")), Length(max=50, message=_l("不超过 50 个字符。"))])
    amount = WanField(_l("合同金额（万元）"))
    start = DateStringField(_l("开始日期"))
    subsidy_rate = StringField(_l("政府补助比例（%）"),
                               render_kw={"inputmode": "decimal", "placeholder": "%"})
    subsidy_cap = WanField(_l("政府补助上限（万元）"), minimum_fen=0, required=False)
    milestones = FieldList(FormField(ContractMilestoneForm), min_entries=1, max_entries=MAX_ROWS)

    subsidy_rate_bp: int | None = 0

    def validate_subsidy_rate(self, field):
        self.subsidy_rate_bp = None
        try:
            self.subsidy_rate_bp = parse_percent(field.data) or 0
        except ValueError:
            raise ValidationError(_l("应为 0 到 100 之间、最多两位小数的百分数，如 30。")) from None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not (self.start.data or "").strip() and not self.start.errors:
            self.start.errors.append(str(_l("请填写开始日期。")))
            ok = False
        for entry in self.milestones:
            if entry.form.is_blank():
                continue
            for name in ("title", "due", "share"):
                sub = entry.form[name]
                if not str(sub.data or "").strip() and not sub.errors:
                    sub.errors.append(str(_l("必填。")))
                    ok = False
        return ok

    def rows(self) -> list:
        return [entry.form for entry in self.milestones if not entry.form.is_blank()]

    def rows_parsed(self) -> bool:
        """Every milestone row (and the start date) read cleanly, so their sum and dates mean
        something even when another field has an error."""
        return self.start.date is not None and all(
            not r.errors and r.share_bp is not None and r.due.date is not None for r in self.rows())

    def values(self) -> dict:
        """What the operation writes (blank rows dropped); unparsed fields fall back to harmless
        values, and problems about them are not shown (the field's own error is)."""
        start = self.start.date or local_today()
        return {
            "number": (self.number.data or "").strip(),
            "amount_fen": self.amount.fen or 0,
            "start_on": start,
            "subsidy_rate_bp": self.subsidy_rate_bp or 0,
            "subsidy_cap_fen": self.subsidy_cap.fen or 0,
            "milestones": [{"title": r.title.data.strip(), "due_on": r.due.date or start,
                            "deliverable": (r.deliverable.data or "").strip(),
                            "share_bp": r.share_bp or 0} for r in self.rows()],
        }


class PaymentForm(AppForm):
    payer = SelectField(_l("付款方"), choices=options(Payer), validate_choice=False)
    amount = WanField(_l("金额（万元）"))
    paid_on = DateStringField(_l("付款日期"))
    milestone = SelectField(_l("对应里程碑"), choices=[], validate_choice=False)
    reference = StringField(_l("凭证号 / 银行流水号"), validators=[
        DataRequired(_l("请填写凭证号或银行流水号，便于对账。")),
        Length(max=100, message=_l("不超过 100 个字符。"))])
    payee = StringField(_l("收款方"), validators=[Length(max=100, message=_l("不超过 100 个字符。"))])
    note = TextAreaField(_l("备注"), validators=[Length(max=1000, message=_l("不超过 1000 字。"))])

    def validate_payer(self, field):
        if field.data not in {p.value for p in Payer}:
            raise ValidationError(_l("请选择付款方。"))

    def validate_paid_on(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("请填写付款日期。"))


class RecoveredForm(AppForm):
    amount = WanField(_l("到账金额（万元）"))
    paid_on = DateStringField(_l("到账日期"))
    reference = StringField(_l("凭证号 / 银行流水号"), validators=[
        DataRequired(_l("请填写凭证号或银行流水号。")),
        Length(max=100, message=_l("不超过 100 个字符。"))])

    def validate_paid_on(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("请填写到账日期。"))
        if field.date is not None and field.date > local_today():
            raise ValidationError(_l("到账日期不能晚于今天。"))


class ReverseForm(AppForm):
    reason = TextAreaField(_l("冲正理由"), validators=[
        DataRequired(_l("冲正需要填写理由。")), Length(max=1000, message=_l("理由不超过 1000 字。"))])


class EliminateForm(AppForm):
    reason = TextAreaField(_l("淘汰理由"), validators=[
        DataRequired(_l("请填写淘汰理由（如阶段评审结论）。")),
        Length(max=1000, message=_l("理由不超过 1000 字。"))])


class FailForm(AppForm):
    rule = RadioField(_l("失败处理规则"), choices=options(FailureRule),
                      validators=[DataRequired(_l("请选择失败处理规则（终止、暂扣或追回）。"))])
    recovery = WanField(_l("追回金额（万元）"), required=False)
    reason = TextAreaField(_l("判定理由"), validators=[
        DataRequired(_l("请填写判定失败的理由。")), Length(max=1000, message=_l("理由不超过 1000 字。"))])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.rule.data == FailureRule.RECOVER.value and self.recovery.fen is None \
                and not self.recovery.errors:
            self.recovery.errors.append(str(_l("选择追回时须填写追回金额。")))
            ok = False
        return ok


__all__ = ["ContractForm", "ContractMilestoneForm", "PaymentForm", "RecoveredForm", "ReverseForm",
           "EliminateForm", "FailForm", "RowForm", "parse_percent"]
