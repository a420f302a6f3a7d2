"""The outcome report form: amounts in 万元 (exact 分 after validation), counts as integers."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from ..forms_common import AppForm, WanField
from ..inputs import parse_int
from .rules import MAX_PATENTS


class CountField(StringField):
    """A whole number 0 … MAX_PATENTS; `.number` holds it after validation (0 when blank)."""

    number: int | None = None

    def __init__(self, label=None, validators=None, **kw):
        kw.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(label, validators, **kw)

    def pre_validate(self, form):
        text = (self.data or "").strip()
        self.number = 0 if not text else parse_int(text, 0, MAX_PATENTS)
        if self.number is None:
            raise ValidationError(_l("请填写 0 到 %(n)s 之间的整数。", n=MAX_PATENTS))


def _length(n: int):
    return Length(max=n, message=_l("不超过 %(n)s 个字符。", n=n))


class OutcomeForm(AppForm):
    tech_contract_no = StringField(_l("技术合同登记号"), validators=[_length(60)])
    tech_contract_amount = WanField(_l("技术合同成交额（万元）"), minimum_fen=0, required=False)
    results_no = StringField(_l("科技成果登记号"), validators=[_length(60)])
    patents_filed = CountField(_l("新申请专利（件）"))
    patents_granted = CountField(_l("新授权专利（件）"))
    products = TextAreaField(_l("新产品 / 新工艺"), validators=[_length(2000)])
    sales = WanField(_l("相关产品销售额（万元）"), minimum_fen=0, required=False)
    rd_spend = WanField(_l("自有研发投入（万元）"), minimum_fen=0, required=False)
    note = TextAreaField(_l("说明"), validators=[_length(2000)])
