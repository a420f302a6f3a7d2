"""File sizes as a Chinese reader expects them: 303 字节, 1.2 KB, 10 MB (1 KB = 1024 字节, as
the upload limits count). The one formatter for pages, messages and templates (`|filesize`)."""

from flask_babel import gettext as _

_UNITS = ("KB", "MB", "GB", "TB")


def format_filesize(size: int | None) -> str:
    if size is None:
        return "—"
    size = int(size)
    if abs(size) < 1024:
        return _("%(n)d 字节", n=size)
    value = float(size)
    for unit in _UNITS:
        value /= 1024
        if abs(value) < 1024 or unit == _UNITS[-1]:
            break
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text} {unit}"
