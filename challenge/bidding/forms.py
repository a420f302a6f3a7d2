"""The bid form: drafts may be incomplete; submitting requires everything (same rules as
bidding.rules.submission_problems, shown next to the fields). And the 答疑 forms: a solver's
question and the issuer's answer."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms_common import AppForm, DateStringField, SubForm, WanField
from ..inputs import parse_decimal, parse_id, percent_bp
from ..models.expert import named_lines
from ..money import SHARE_TOTAL, format_share

MAX_ROWS = 30


class RowForm(SubForm):
    def is_blank(self) -> bool:
        return not any(str(f.data or "").strip() for f in self if f.type != "HiddenField")


class PartnerForm(RowForm):
    organization = StringField(_l("合作单位"), validators=[Length(max=100)])
    role = StringField(_l("分工"), validators=[Length(max=200)])


class MemberForm(RowForm):
    name = StringField(_l("姓名"), validators=[Length(max=50)])
    title = StringField(_l("职称"), validators=[Length(max=50)])
    role = StringField(_l("项目分工"), validators=[Length(max=100)])
    organization = StringField(_l("所在单位"), validators=[Length(max=100)])


class ResponseForm(SubForm):
    indicator_id = HiddenField()
    committed_value = StringField(_l("承诺值"), validators=[Length(max=100)])
    evidence_plan = StringField(_l("证明方式"), validators=[Length(max=500)])


class BudgetForm(RowForm):
    item = StringField(_l("科目"), validators=[Length(max=100)])
    amount = WanField(_l("金额（万元）"), minimum_fen=0, required=False)
    note = StringField(_l("说明"), validators=[Length(max=200)])


class MilestoneForm(RowForm):
    title = StringField(_l("里程碑"), validators=[Length(max=200)])
    due = DateStringField(_l("完成日期"), future=True)
    deliverable = StringField(_l("交付物"), validators=[Length(max=500)])
    share = StringField(_l("付款比例（%）"), render_kw={"inputmode": "decimal", "placeholder": "%"})
    share_bp: int | None = None

    def validate_share(self, field):
        self.share_bp = None
        try:
            self.share_bp = percent_bp(field.data, minimum_bp=1)
        except ValueError:
            text = (field.data or "").strip().rstrip("%")
            if parse_decimal(text, -10**6, 10**6) is None:
                raise ValidationError(_l("请输入百分数，如 30 或 33.33。")) from None
            raise ValidationError(_l("应为 0 到 100 之间、最多两位小数的百分数。")) from None


class ProposalForm(AppForm):
    title = StringField(_l("方案名称"), validators=[
        DataRequired(_l("请填写方案名称。")), Length(max=120, message=_l("不超过 120 个字。"))])
    technical_approach = TextAreaField(_l("技术路线与方案"), validators=[
        DataRequired(_l("请填写技术路线与方案。")),
        Length(max=20000, message=_l("不超过 20000 字。"))])
    requested = WanField(_l("申请榜额（万元）"))
    partners = FieldList(FormField(PartnerForm), min_entries=1, max_entries=MAX_ROWS)
    members = FieldList(FormField(MemberForm), min_entries=1, max_entries=MAX_ROWS)
    responses = FieldList(FormField(ResponseForm), max_entries=MAX_ROWS)
    budget = FieldList(FormField(BudgetForm), min_entries=1, max_entries=MAX_ROWS)
    milestones = FieldList(FormField(MilestoneForm), min_entries=1, max_entries=MAX_ROWS)
    declared_conflicts = TextAreaField(_l("申请回避的评审专家（可选）"), validators=[
        Length(max=2000, message=_l("不超过 2000 字。"))])
    commitment = BooleanField(_l("我单位承诺：如揭榜成功，将按方案全力攻关、按期交付；"
                                 "未达到承诺指标的，接受终止、停拨或追回资金等处理。"))

    def __init__(self, *args, challenge=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge

    def validate_declared_conflicts(self, field):
        if any(not name or len(name) > 50 for name, _note in named_lines(field.data or "")):
            raise ValidationError(_l("每行写一位专家：“姓名：理由”，姓名不超过 50 字。"))

    def validate(self, extra_validators=None, for_submit: bool = False) -> bool:
        ok = super().validate(extra_validators)
        for rows, required in ((self.partners, ("organization",)), (self.members, ("name",)),
                               (self.budget, ("item", "amount")),
                               (self.milestones, ("title", "due", "share"))):
            for entry in rows:
                if entry.form.is_blank():
                    continue
                for name in required:
                    sub = entry.form[name]
                    if not str(sub.data or "").strip() and not sub.errors:
                        sub.errors.append(str(_l("必填。")))
                        ok = False
        if self.requested.fen is not None and self.challenge is not None \
                and self.requested.fen > self.challenge.bounty_fen:
            self.requested.errors.append(str(_l("申请金额不能超过榜额。")))
            ok = False
        if for_submit:
            ok = self._complete() and ok
        return ok

    def _complete(self) -> bool:
        ok = True
        for entry in self.responses:
            if not (entry.form.committed_value.data or "").strip():
                entry.form.committed_value.errors.append(str(_l("提交前须逐项响应。")))
                ok = False
        if not [e for e in self.members if not e.form.is_blank()]:
            self.members.errors.append(str(_l("请至少填写一名团队成员。")))
            ok = False
        milestones = [e.form for e in self.milestones if not e.form.is_blank()]
        if not milestones:
            self.milestones.errors.append(str(_l("请至少填写一个里程碑。")))
            ok = False
        elif all(m.share_bp is not None for m in milestones):
            total = sum(m.share_bp for m in milestones)
            if total != SHARE_TOTAL:
                self.milestones.errors.append(str(_l(
                    "付款比例之和必须为 100%%，当前为 %(p)s%%。", p=format_share(total))))
                ok = False
        if not self.commitment.data:
            self.commitment.errors.append(str(_l("提交前须勾选揭榜承诺（军令状）。")))
            ok = False
        return ok

    def values(self) -> dict:
        """What the operation writes; blank rows are dropped."""
        def rows(field_list):
            return [entry.form for entry in field_list if not entry.form.is_blank()]

        return {
            "title": self.title.data.strip(),
            "technical_approach": self.technical_approach.data.strip(),
            "requested_fen": self.requested.fen,
            "commitment": bool(self.commitment.data),
            "partners": [{"organization": f.organization.data.strip(), "role": f.role.data.strip()}
                         for f in rows(self.partners)],
            "members": [{"name": f.name.data.strip(), "title": f.title.data.strip(),
                         "role": f.role.data.strip(),
                         **({"organization": org} if (org := (f.organization.data or "").strip())
                            else {})} for f in rows(self.members)],
            "declared_conflicts": (self.declared_conflicts.data or "").strip(),
            "responses": {parse_id(e.form.indicator_id.data): (
                (e.form.committed_value.data or "").strip(), (e.form.evidence_plan.data or "").strip())
                for e in self.responses if parse_id(e.form.indicator_id.data)},
            "budget": [{"item": f.item.data.strip(), "amount_fen": f.amount.fen or 0,
                        "note": f.note.data.strip()} for f in rows(self.budget)],
            "milestones": [{"title": f.title.data.strip(), "due_on": f.due.date,
                            "deliverable": f.deliverable.data.strip(), "share_bp": f.share_bp}
                           for f in rows(self.milestones)],
        }


class AttachmentForm(AppForm):
    file = FileField(_l("附件"), validators=[FileRequired(_l("请选择文件。"))])


# -- 答疑 ---------------------------------------------------------------------------------------

QUESTION_MAX = 1000
ANSWER_MAX = 2000


def _clean(text: str | None) -> str | None:
    """Browsers post line breaks as CRLF but count them as one character against maxlength."""
    return text.replace("\r\n", "\n").strip() if text else text


class QuestionAskForm(AppForm):
    body = TextAreaField(_l("您的问题"), validators=[
        DataRequired(_l("请填写问题内容。")),
        Length(max=QUESTION_MAX, message=_l("问题不超过 %(n)d 字。", n=QUESTION_MAX))],
        filters=[_clean], render_kw={"rows": 3})


class QuestionAnswerForm(AppForm):
    answer = TextAreaField(_l("回复"), validators=[
        DataRequired(_l("请填写回复内容。")),
        Length(max=ANSWER_MAX, message=_l("回复不超过 %(n)d 字。", n=ANSWER_MAX))],
        filters=[_clean], render_kw={"rows": 4})
