"""Two-factor sign-in: TOTP (RFC 6238, pyotp) plus ten single-use recovery codes."""

import hashlib
import hmac
import logging
import re
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, or_, select, update

from ..extensions import db
from ..models import RecoveryCode, User
from ..states import Role
from ..timeutil import utcnow
from ..workflow import record
from .totp_keys import SecretUnavailable, seal, unseal

log = logging.getLogger(__name__)

RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_CODE_RE = re.compile(r"^[0-9]{6}$")  # ASCII only: compare_digest refuses others


def new_secret() -> str:
    return pyotp.random_base32()


def required_for(user: User) -> bool:
    # A third-party body (专业机构) reads the confidential body of every 榜 it is appointed to
    # and its findings decide 验收 and money: the same exposure as bureau staff, the same rule.
    return (user.role in (Role.ADMIN, Role.BODY)
            and bool(current_app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"]))


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email,
                                               issuer_name=current_app.config["TOTP_ISSUER"])


def qr_svg(text: str, title: str) -> Markup:
    """The QR code as inline SVG, drawn here (no image service, no inline style)."""
    return Markup(segno.make(text, error="m").svg_inline(scale=5, title=title, border=2))


def matching_step(secret: str, code: str, after: int | None = None) -> int | None:
    """The time step (previous, current or next, for clock drift) whose code this is, if any
    later than *after*."""
    code = re.sub(r"\s", "", code or "")
    if not secret or not _CODE_RE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time())
    for step in (current - 1, current, current + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def secret_of(user: User) -> str | None:
    """The account's plain TOTP secret, opened from its sealed column (totp_keys); None when it
    has none or no key opens it (logged: the operators must restore the key)."""
    if not user.totp_secret:
        return None
    try:
        return unseal(user.totp_secret)
    except SecretUnavailable:
        log.error("two-factor secret of user %s cannot be opened: check TOTP_ENCRYPTION_KEYS",
                  user.id)
        return None


def totp_unavailable(user: User) -> bool:
    """Enrolled, but no configured key opens the secret: no TOTP code can be checked."""
    return user.two_factor_enabled and secret_of(user) is None


def use_totp(user: User, code: str) -> bool:
    """A current code not used before; spends its step with one conditional UPDATE, so the same
    code typed twice (or raced) is accepted once. Fails closed when the secret cannot be opened."""
    secret = secret_of(user)
    if secret is None:
        return False
    step = matching_step(secret, code, after=user.totp_last_step)
    if step is None:
        return False
    spent = db.session.execute(update(User).where(
        User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes; the plain codes are shown once and never stored."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
    return codes


def unused_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def second_factor_ok(user: User, code: str) -> bool:
    """A current TOTP code, or an unused recovery code (then spent and audited)."""
    if not user.two_factor_enabled:
        return False
    if use_totp(user, code):
        return True
    normalised = _normalise(code)
    if len(normalised) != 10:
        return False
    # One UPDATE that only an unused code matches: two sign-ins racing with it cannot both win.
    spent = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(normalised),
        RecoveryCode.used_at.is_(None)).values(used_at=utcnow()))
    if spent.rowcount != 1:
        return False
    record(user, "use_recovery_code", user, object_type="user",
           changes={"recovery_codes_left": unused_recovery_codes(user)})
    return True


def enable(user: User, secret: str, code: str) -> list[str] | None:
    """Keep the secret if *code* comes from it (the enrolment code is spent); the new codes."""
    step = matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret = seal(secret)  # never stored in the clear
    user.totp_last_step = step
    user.totp_enabled_at = utcnow()
    record(user, "enable_2fa", user, object_type="user")
    return new_recovery_codes(user)


def disable(user: User, actor: User | None, reason: str = "") -> None:
    user.totp_secret = None
    user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record(user, "disable_2fa", actor, object_type="user", reason=reason)
