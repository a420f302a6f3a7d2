"""Two-factor sign-in: TOTP (RFC 6238, pyotp) plus ten single-use recovery codes."""

import hashlib
import re
import secrets

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import RecoveryCode, User
from ..states import Role
from ..timeutil import utcnow
from ..workflow import record

RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_CODE_RE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    return pyotp.random_base32()


def required_for(user: User) -> bool:
    return user.role is Role.ADMIN and bool(current_app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"])


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email,
                                               issuer_name=current_app.config["TOTP_ISSUER"])


def qr_svg(text: str, title: str) -> Markup:
    """The QR code as inline SVG, drawn here (no image service, no inline style)."""
    return Markup(segno.make(text, error="m").svg_inline(scale=5, title=title, border=2))


def totp_ok(secret: str, code: str) -> bool:
    code = re.sub(r"\s", "", code or "")
    return bool(secret) and bool(_CODE_RE.match(code)) and pyotp.TOTP(secret).verify(
        code, valid_window=1)


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
    if totp_ok(user.totp_secret, code):
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


def enable(user: User, secret: str) -> list[str]:
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    record(user, "enable_2fa", user, object_type="user")
    return new_recovery_codes(user)


def disable(user: User, actor: User | None, reason: str = "") -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record(user, "disable_2fa", actor, object_type="user", reason=reason)
