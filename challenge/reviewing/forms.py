from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms_common import AppForm, options
from . import anomalies
from .decision import OBJECTION_MAX, REASON_MAX


class DecisionForm(AppForm):
    """The decision's reason; the picked bids and per-bid exception reasons are read beside it
    and checked by the operation, which knows the scores."""

    reason = TextAreaField(_l("确定理由"), render_kw={"maxlength": REASON_MAX})


class ObjectionForm(AppForm):
    reason = TextAreaField(_l("异议事实和理由"), validators=[
        DataRequired(_l("请写明异议的事实和理由。")),
        Length(max=OBJECTION_MAX, message=_l("异议不超过 2000 字。"))])


class ObjectionAnswerForm(AppForm):
    decision = RadioField(_l("处理结果"), choices=options([
        ("dismiss", _l("驳回（维持评定结果）")), ("uphold", _l("异议成立（撤回评定，重新评定）"))]),
        validators=[DataRequired(_l("请选择处理结果。"))])
    reason = TextAreaField(_l("答复"), validators=[
        DataRequired(_l("请填写答复理由。")), Length(max=1000, message=_l("答复不超过 1000 字。"))])


class AcknowledgeFlagForm(AppForm):
    """The bureau's reason for one score anomaly (the flag's key rides along)."""

    flag = HiddenField()
    reason = TextAreaField(_l("核实情况与理由"), validators=[
        DataRequired(_l("请写明已核实该提示的理由。")),
        Length(max=anomalies.REASON_MAX, message=_l("理由不超过 1000 字。"))],
        render_kw={"maxlength": anomalies.REASON_MAX})
