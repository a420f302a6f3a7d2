from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms_common import AppForm, DateStringField
from ..money import MoneyError, parse_wan, wan_input


class ExtensionForm(AppForm):
    deadline = DateStringField(_l("新的揭榜截止日期"), future=True)
    note = TextAreaField(_l("延期说明（可选）"), validators=[Length(max=5000)])

    def validate_deadline(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("请填写新的揭榜截止日期。"))


class AddendumForm(AppForm):
    body = TextAreaField(_l("补充通知内容"), validators=[
        DataRequired(_l("请填写补充通知的内容。")), Length(max=5000)])


class AnswerForm(AppForm):
    reason = TextAreaField(_l("理由"), validators=[Length(max=1000)])


def budget_text(lines: list[dict]) -> str:
    """Budget lines as the form shows them: 科目 | 金额（万元） | 备注, one a line."""
    return "\n".join(f"{line['item']} | {wan_input(line['amount_fen'])} | {line.get('note', '')}".rstrip(" |")
                     for line in lines)


def change_form(milestones):
    """A change request form with a date field per milestone that may still move."""
    class ChangeForm(AppForm):
        reason = TextAreaField(_l("变更理由"), validators=[
            DataRequired(_l("请说明变更的理由。")), Length(max=2000)])
        budget = TextAreaField(_l("预算（每行：科目 | 金额（万元） | 备注）"), render_kw={"rows": 5})

        def validate_budget(self, field):
            self.budget_lines = []
            for n, row in enumerate((field.data or "").splitlines(), 1):
                if not row.strip():
                    continue
                parts = [p.strip() for p in row.replace("｜", "|").split("|")]
                if len(parts) < 2 or not parts[0]:
                    raise ValidationError(_l("第 %(n)s 行应写成「科目 | 金额（万元） | 备注」。", n=n))
                try:
                    amount = parse_wan(parts[1])
                except MoneyError as exc:
                    raise ValidationError(_l("第 %(n)s 行金额：%(e)s", n=n, e=str(exc))) from None
                self.budget_lines.append({"item": parts[0], "amount_fen": amount,
                                          "note": parts[2] if len(parts) > 2 else ""})

    for m in milestones:
        setattr(ChangeForm, f"due_{m.id}", DateStringField(m.title))
    return ChangeForm
