"""After a failure: the determination, an R&D spend receipt, its verification, the 榜's
compensation cap and a 风险补偿 payment. Forms parse fields; the rules are the operations'."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms_common import AppForm, DateStringField, WanField, options
from ..states import DeterminedBy, Diligence, IntegrityGrade


def _required_date(message):
    def check(form, field):
        if not (field.data or "").strip():
            raise ValidationError(message)
    return check


class DeterminationForm(AppForm):
    verdict = RadioField(_l("认定结论"), choices=options(Diligence),
                         validators=[DataRequired(_l("请选择尽职或失职。"))])
    determined_by = RadioField(_l("认定主体"), choices=options(DeterminedBy),
                               validators=[DataRequired(_l("请选择专家组或第三方专业机构。"))])
    determiners = StringField(_l("专家组成员 / 机构名称"), validators=[
        DataRequired(_l("请填写作出认定的专家组成员或机构名称。")),
        Length(max=500, message=_l("不超过 500 个字符。"))])
    reasons = TextAreaField(_l("认定理由"), validators=[
        DataRequired(_l("请填写认定理由。")), Length(max=4000, message=_l("不超过 4000 字。"))])
    evidence = FileField(_l("证据材料（可选）"))
    # a negligent determination records the 失信 finding against the solver at once
    grade = SelectField(_l("失信等级"), choices=options(IntegrityGrade), validate_choice=False)
    expires_on = DateStringField(_l("失信记录失效日期"), future=True)
    published = BooleanField(_l("在单位公开页面公示"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.verdict.data == Diligence.NEGLIGENT.value:
            if self.grade.data not in {g.value for g in IntegrityGrade}:
                self.grade.errors.append(str(_l("请选择失信等级。")))
                ok = False
            if self.expires_on.date is None and not self.expires_on.errors:
                self.expires_on.errors.append(str(_l("认定失职时请填写失信记录的失效日期。")))
                ok = False
        return ok


class ReceiptForm(AppForm):
    description = StringField(_l("支出说明"), validators=[
        DataRequired(_l("请填写支出说明。")), Length(max=200, message=_l("不超过 200 个字符。"))])
    amount = WanField(_l("金额（万元）"))
    spent_on = DateStringField(_l("支出日期"), validators=[_required_date(_l("请填写支出日期。"))])
    file = FileField(_l("凭证文件"), validators=[FileRequired(_l("请选择凭证文件。"))])


class VerifyForm(AppForm):
    verified = WanField(_l("核定金额（万元）"), minimum_fen=0)
    note = TextAreaField(_l("核定意见"), validators=[Length(max=1000, message=_l("不超过 1000 字。"))])


class CapForm(AppForm):
    cap = WanField(_l("本榜风险补偿上限（万元）"), minimum_fen=0)


class CompensationForm(AppForm):
    amount = WanField(_l("补偿金额（万元）"))
    paid_on = DateStringField(_l("付款日期"), validators=[_required_date(_l("请填写付款日期。"))])
    reference = StringField(_l("凭证号 / 银行流水号"), validators=[
        DataRequired(_l("请填写凭证号或银行流水号，便于对账。")),
        Length(max=100, message=_l("不超过 100 个字符。"))])
