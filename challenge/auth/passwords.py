"""Password rules for registration, change and reset: long enough, not common, not the e-mail."""

import re
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

COMMON_LIST = Path(__file__).with_name("common_passwords.txt")
MAX_LENGTH = 128
# "password2026", "qwerty!!": a common password with digits or symbols appended is still common.
_TAIL = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    lowered = password.lower()
    common = common_passwords()
    return lowered in common or _TAIL.sub("", lowered) in common


def password_problem(password: str, email: str = "", min_length: int | None = None):
    """The first rule the password breaks (a translatable message), or None."""
    minimum = min_length or current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _l("密码至少需要 %(n)d 个字符。", n=minimum)
    if len(password) > MAX_LENGTH:
        return _l("密码不能超过 %(n)d 个字符。", n=MAX_LENGTH)
    if is_common(password):
        return _l("该密码过于常见，容易被猜中，请换一个。")
    lowered, email = password.lower(), (email or "").strip().lower()
    local = email.partition("@")[0]
    if email and (lowered == email or (len(local) >= 3 and local in lowered)):
        return _l("密码不能是邮箱或包含邮箱用户名。")
    return None
