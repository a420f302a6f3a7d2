from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..forms_common import (
    AppForm,
    DateStringField,
    MultiCheckboxField,
    RequiredToSubmit,
    SubForm,
    WanField,
    options,
    unix_newlines,
)
from ..models import ChallengeIndicator
from ..models.base import csv_list
from ..money import wan_input
from ..states import ChallengeKind, Confidentiality, FundingMode, OrgType
from ..timeutil import end_of_local_day, local_date
from ..validators import is_valid_phone

MAX_INDICATORS = 20


class IndicatorForm(SubForm):
    name = StringField(_l("指标名称"), validators=[Length(max=100)])
    name_en = StringField(_l("英文指标名称（可选）"), validators=[Length(max=200)])
    target = StringField(_l("目标值"), validators=[Length(max=50)])
    unit = StringField(lazy_pgettext("measure", "单位"), validators=[Length(max=30)])
    method = StringField(_l("测试/考核方法"), validators=[Length(max=200)])

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in self)


class ChallengeForm(AppForm):
    """A 榜. Saving a draft needs only the title; the fields of rules.REQUIRED_TO_SUBMIT are
    required when it is submitted (`submitting`), with the message next to each field."""

    title = StringField(_l("榜单名称"), validators=[
        DataRequired(_l("请填写榜单名称。")), Length(max=80, message=_l("名称不超过 80 个字。"))])
    kind = SelectField(_l("榜单类型"), choices=options(ChallengeKind))
    field = StringField(_l("技术领域"), validators=[
        RequiredToSubmit(_l("请填写技术领域。")), Length(max=50)],
        render_kw={"placeholder": _l("如：新材料、集成电路、生物医药")})
    industry_tags = StringField(_l("产业链 / 产业集群标签"), validators=[Length(max=200)],
                                render_kw={"placeholder": _l("多个标签用逗号分隔")})
    summary = TextAreaField(_l("公开摘要（脱敏）"), filters=[unix_newlines], validators=[
        RequiredToSubmit(_l("请填写公开摘要。")),
        Length(max=2000, message=_l("公开摘要不超过 2000 字。"))])
    detail = TextAreaField(_l("详细需求（保密内容）"), filters=[unix_newlines], validators=[
        RequiredToSubmit(_l("请填写详细需求。")),
        Length(max=10000, message=_l("详细需求不超过 10000 字。"))])
    # The English face (optional): shown to visitors reading English; required by the bureau
    # for a 榜 published worldwide (面向全球发布, rules.ENGLISH_FACE).
    title_en = StringField(_l("英文榜单名称（可选）"), validators=[
        Length(max=200, message=_l("英文名称不超过 200 个字符。"))])
    summary_en = TextAreaField(_l("英文公开摘要（可选）"), filters=[unix_newlines], validators=[
        Length(max=4000, message=_l("英文公开摘要不超过 4000 个字符。"))])
    worldwide = BooleanField(_l("申请面向全球发布（须填写完整英文版，由科技局确认）"))
    indicators = FieldList(FormField(IndicatorForm), min_entries=1, max_entries=MAX_INDICATORS)
    bounty = WanField(_l("榜额（万元）"), required=False,
                      validators=[RequiredToSubmit(_l("请填写金额（单位：万元）。"))])
    investment = WanField(_l("企业研发总投入（万元）"), required=False,
                          validators=[RequiredToSubmit(_l("请填写金额（单位：万元）。"))])
    funding_mode = SelectField(_l("资助方式"), choices=options(FundingMode))
    max_winners = IntegerField(_l("最多揭榜方数量"), default=1, validators=[
        RequiredToSubmit(_l("请填写整数。")), NumberRange(1, 10, _l("应在 1 到 10 之间。"))])
    deadline = DateStringField(_l("期望揭榜截止日期"), future=True)
    period_months = IntegerField(_l("攻关周期（月）"), default=12, validators=[
        RequiredToSubmit(_l("请填写整数。")), NumberRange(1, 120, _l("应在 1 到 120 个月之间。"))])
    eligible_org_types = MultiCheckboxField(_l("可揭榜单位类型（不选表示不限）"),
                                            choices=options(OrgType))
    eligible_regions = StringField(_l("地区限制（不填表示不限）"), validators=[Length(max=200)])
    qualifications = TextAreaField(_l("资质要求"), filters=[unix_newlines],
                                   validators=[Length(max=1000)])
    confidentiality = RadioField(_l("保密级别"), choices=options([
        (Confidentiality.PUBLIC.value, _l("公开：全部内容公开")),
        (Confidentiality.DESENSITIZED.value, _l("脱敏：隐藏企业名称，详细需求仅对获授权的揭榜方可见")),
        (Confidentiality.DIRECTED.value, _l("定向：仅受邀揭榜方可见")),
    ]), default=Confidentiality.DESENSITIZED.value)
    contact_name = StringField(_l("联系人"), validators=[
        RequiredToSubmit(_l("请填写联系人。")), Length(max=50)])
    contact_phone = StringField(_l("联系电话"), validators=[RequiredToSubmit(_l("请填写联系电话。"))])
    contact_email = EmailField(_l("联系邮箱"), validators=[
        Optional(), Email(_l("邮箱格式不正确。")), Length(max=120)])

    def __init__(self, *args, submitting: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting

    def validate_contact_phone(self, field):
        if not is_valid_phone(field.data or ""):
            raise ValidationError(_l("请输入手机号或带区号的固定电话，如 0512-66881234。"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        filled = [entry for entry in self.indicators if not entry.form.is_blank()]
        if self.submitting and not filled:
            self.indicators.errors.append(str(_l("请至少填写一项量化技术指标。")))
            ok = False
        for entry in filled if self.submitting else ():
            for sub in (entry.form.name, entry.form.target):
                if not (sub.data or "").strip():
                    sub.errors.append(_l("必填。"))
                    ok = False
        if self.submitting and self.worldwide.data:
            ok = self._english_face_whole(filled) and ok
        if self.bounty.fen is not None and self.investment.fen is not None \
                and self.investment.fen < self.bounty.fen:
            self.investment.errors.append(_l("研发总投入不应低于榜额。"))
            ok = False
        if self.funding_mode.data == FundingMode.HORSE_RACE.value and (self.max_winners.data or 0) < 2:
            self.max_winners.errors.append(_l("赛马制至少需要 2 个揭榜方。"))
            ok = False
        return ok

    def _english_face_whole(self, filled) -> bool:
        """Asked to be published worldwide: the English face next to each of its fields."""
        ok = True
        for sub, message in ((self.title_en, _l("面向全球发布须填写英文榜单名称。")),
                             (self.summary_en, _l("面向全球发布须填写英文公开摘要。"))):
            if not (sub.data or "").strip():
                sub.errors.append(message)
                ok = False
        for entry in filled:
            if not (entry.form.name_en.data or "").strip():
                entry.form.name_en.errors.append(_l("面向全球发布须填写英文指标名称。"))
                ok = False
        return ok

    def fill_from(self, challenge) -> None:
        """Show a stored 榜 in the form, every field as the user typed it: the inverse of
        `values()`. Built from the values alone (no `obj=`), since an attribute of the model
        that shares a field's name would win over them and a stored "university,institute"
        would reach the checkboxes as letters, ticking none."""
        self.process(data={
            "title": challenge.title, "kind": challenge.kind.value, "field": challenge.field,
            "industry_tags": challenge.industry_tags, "summary": challenge.summary,
            "detail": challenge.detail, "title_en": challenge.title_en,
            "summary_en": challenge.summary_en, "worldwide": challenge.worldwide,
            "indicators": [{k: getattr(i, k) for k in ChallengeIndicator.TEXT_COLUMNS}
                           for i in challenge.indicators] or [{}],
            "bounty": wan_input(challenge.bounty_fen or None),  # 0: not typed yet
            "investment": wan_input(challenge.investment_fen or None),
            "funding_mode": challenge.funding_mode.value, "max_winners": challenge.max_winners,
            "deadline": local_date(challenge.deadline_at).isoformat() if challenge.deadline_at else "",
            "period_months": challenge.period_months,
            "eligible_org_types": csv_list(challenge.eligible_org_types),
            "eligible_regions": challenge.eligible_regions,
            "qualifications": challenge.qualifications,
            "confidentiality": challenge.confidentiality.value,
            "contact_name": challenge.contact_name, "contact_phone": challenge.contact_phone,
            "contact_email": challenge.contact_email,
        })

    def values(self) -> dict:
        """Model attribute values; the operation writes them."""
        return {
            "title": self.title.data.strip(),
            "kind": ChallengeKind(self.kind.data),
            "field": (self.field.data or "").strip(),
            "industry_tags": self.industry_tags.data.strip(),
            "summary": (self.summary.data or "").strip(),
            "detail": (self.detail.data or "").strip(),
            "title_en": (self.title_en.data or "").strip(),
            "summary_en": (self.summary_en.data or "").strip(),
            "worldwide": bool(self.worldwide.data),
            "bounty_fen": self.bounty.fen or 0,  # 0: a draft's amount not typed yet
            "investment_fen": self.investment.fen or 0,
            "funding_mode": FundingMode(self.funding_mode.data),
            "max_winners": self.max_winners.data or self.max_winners.default,
            "deadline_at": end_of_local_day(self.deadline.date) if self.deadline.date else None,
            "period_months": self.period_months.data or self.period_months.default,
            "eligible_org_types": ",".join(self.eligible_org_types.data or []),
            "eligible_regions": self.eligible_regions.data.strip(),
            "qualifications": self.qualifications.data.strip(),
            "confidentiality": Confidentiality(self.confidentiality.data),
            "contact_name": (self.contact_name.data or "").strip(),
            "contact_phone": (self.contact_phone.data or "").strip(),
            "contact_email": (self.contact_email.data or "").strip(),
            "indicators": [
                {k: (entry.form[k].data or "").strip() for k in ChallengeIndicator.TEXT_COLUMNS}
                for entry in self.indicators if not entry.form.is_blank()
            ],
        }


class ReasonForm(AppForm):
    reason = TextAreaField(_l("理由"), validators=[
        DataRequired(_l("请填写理由。")), Length(max=1000, message=_l("理由不超过 1000 字。"))])


class PublishForm(AppForm):
    deadline = DateStringField(_l("揭榜截止日期"), future=True)
    worldwide = BooleanField(_l("面向全球发布（须有完整的英文名称、摘要和指标名称）"))
    note = TextAreaField(_l("审核意见（可选）"), validators=[Length(max=1000)])

    def validate_deadline(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("发布时必须设定揭榜截止日期。"))


class AccessRequestForm(AppForm):
    note = TextAreaField(_l("申请说明"), validators=[
        DataRequired(_l("请简要说明您的团队和申请查阅的理由。")), Length(max=1000)])


class AccessDecisionForm(AppForm):
    decision = RadioField(_l("处理"), choices=options([("grant", _l("同意")), ("refuse", _l("拒绝"))]),
                          validators=[DataRequired(_l("请选择同意或拒绝。"))])
    reason = TextAreaField(_l("说明（拒绝时必填）"), validators=[Length(max=1000)])

    def validate_reason(self, field):
        if self.decision.data == "refuse" and not (field.data or "").strip():
            raise ValidationError(_l("拒绝时请填写理由。"))


class UndertakingForm(AppForm):
    agree = RadioField(_l("保密承诺"), choices=options([("yes", _l("我已阅读并同意遵守上述保密承诺"))]),
                       validators=[DataRequired(_l("请勾选同意保密承诺。"))])


class InviteForm(AppForm):
    email = EmailField(_l("揭榜方邮箱"), validators=[
        DataRequired(_l("请输入受邀人的注册邮箱。")), Email(_l("邮箱格式不正确。"))])
