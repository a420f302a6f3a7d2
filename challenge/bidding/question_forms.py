"""答疑 forms: a solver's question and the issuer's answer."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms_common import AppForm

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
