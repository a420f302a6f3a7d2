"""Forms of milestone reports and reviews and of 验收 (acceptance): they validate, never write."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import FieldList, FormField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms_common import AppForm, SubForm, options

ACCEPT_FILES = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.png,.jpg,.jpeg"
MAX_TEXT = 5000


class MilestoneReportForm(AppForm):
    report = TextAreaField(_l("完成情况"), validators=[
        DataRequired(_l("请填写里程碑完成情况。")),
        Length(max=MAX_TEXT, message=_l("完成情况不超过 %(max)d 字。", max=MAX_TEXT))])
    files = MultipleFileField(_l("附件（可多选，可不传）"), render_kw={"accept": ACCEPT_FILES})


class FileUploadForm(AppForm):
    file = FileField(_l("附件"), validators=[FileRequired(_l("请选择文件。"))],
                     render_kw={"accept": ACCEPT_FILES})


class ReviewNoteForm(AppForm):
    """评审通过: the note is optional (a rework needs a reason: posting.forms.ReasonForm)."""

    note = TextAreaField(_l("评审意见（可不填）"), validators=[
        Length(max=1000, message=_l("评审意见不超过 1000 字。"))])


class MeasuredForm(SubForm):
    item_id = HiddenField()
    measured = StringField(_l("实测值"), validators=[
        Length(max=100, message=_l("实测值不超过 100 个字符。"))])
    evidence = FileField(_l("证明材料"), render_kw={"accept": ACCEPT_FILES})


class AcceptanceForm(AppForm):
    """The solver's 验收 material: a measured value and evidence per indicator, and a summary."""

    summary = TextAreaField(_l("验收总结"), validators=[
        Length(max=MAX_TEXT, message=_l("验收总结不超过 %(max)d 字。", max=MAX_TEXT))])
    items = FieldList(FormField(MeasuredForm), min_entries=0, max_entries=100)

    def rows(self) -> dict[int, FormField]:
        """Posted rows by item id (rows with a broken id are ignored)."""
        found = {}
        for row in self.items:
            try:
                found[int(row.item_id.data)] = row
            except (TypeError, ValueError):
                continue
        return found


class JudgementForm(SubForm):
    item_id = HiddenField()
    met = RadioField(_l("是否达标"), choices=options([("1", _l("达标")), ("0", _l("未达标"))]),
                     validate_choice=False)


class SignOffForm(AppForm):
    """The enterprise judges every indicator met or not met and gives its opinion."""

    items = FieldList(FormField(JudgementForm), min_entries=0, max_entries=100)
    opinion = TextAreaField(_l("企业意见"), validators=[
        Length(max=2000, message=_l("企业意见不超过 2000 字。"))])

    def judgements(self) -> dict[int, bool]:
        found = {}
        for row in self.items:
            try:
                item_id = int(row.item_id.data)
            except (TypeError, ValueError):
                continue
            if row.met.data in ("1", "0"):
                found[item_id] = row.met.data == "1"
        return found
