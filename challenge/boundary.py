"""The request boundary: what no view should ever be handed.

Text a database cannot store is refused here, once, with a 400 page: NUL (PostgreSQL refuses
it in text), lone surrogates (no UTF-8 for them) and the other C0 control characters (they
cannot be written into an xlsx export). No browser sends them from typed text, so refusing
beats stripping: stripping would silently change what was sent (a password, a search, a name)
and the check a view made would not be about what it stored. An <int:...> path argument is a
row id: more than ten digits, or beyond MAX_ID, finds nothing (404)."""

import re

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from .inputs import MAX_ID

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


class UnstorableText(BadRequest):
    description = "control characters in the request"


class RowIdConverter(IntegerConverter):
    """`<int:...>` for row ids: ASCII digits, 0..MAX_ID (beyond it the URL names no row)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered (their rules take the int converter then)."""
    app.url_map.converters["int"] = RowIdConverter
    app.before_request(refuse_unstorable_text)

    @app.errorhandler(UnstorableText)
    def unstorable(e):
        return render_template(
            "errors/error.html", code=400, title=_("内容包含无法保存的字符"),
            message=_("提交的内容含有控制字符（例如 NUL），无法保存。请返回上一页，删除这些字符后重试。"),
        ), 400


def _texts():
    yield request.path
    for multi in (request.args, request.form):
        for key, value in multi.items(multi=True):
            yield key
            yield value
    for key, upload in request.files.items(multi=True):
        yield key
        yield upload.filename or ""
    for value in request.headers.values():
        yield value
    if request.is_json:
        yield from _strings(request.get_json(silent=True))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def refuse_unstorable_text() -> None:
    # One search over the texts joined by a newline (a character the pattern allows): the same
    # answer as one search per text, at a fraction of the cost on every request.
    if UNSTORABLE.search("\n".join(_texts())):
        raise UnstorableText()
