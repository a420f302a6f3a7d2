import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..states import Role
from ..timeutil import utcnow
from .base import CreatedMixin, UTCDateTime, enum_column

if TYPE_CHECKING:
    from .organization import Organization


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, CreatedMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # 单位管理员: admits and removes the organisation's members (one per organisation).
    org_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Flask-Login's id for this account (session and remember-me cookie): a new value ends
    # every session and cookie that carries the old one.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, index=True,
                                               default=new_session_token)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    terms_version: Mapped[str | None] = mapped_column(String(20))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sealed with Fernet (challenge/auth/totp_keys.py), never the plain base32 secret.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The 30-second step of the last code accepted: a code is good once (RFC 6238 §5.2).
    totp_last_step: Mapped[int | None] = mapped_column()
    # The interface and e-mail language the user chose ("zh" / "en"); None: never chosen.
    locale: Mapped[str | None] = mapped_column(String(8))

    organization: Mapped["Organization | None"] = relationship("Organization", back_populates="users")
    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        "RecoveryCode", back_populates="user", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"

    def get_id(self) -> str:
        if not self.session_token:
            self.session_token = new_session_token()
        return self.session_token

    def rotate_session_token(self) -> None:
        """End every session and remember-me cookie of this account."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def confirm_email(self) -> None:
        if self.email_confirmed_at is None:
            self.email_confirmed_at = utcnow()

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def org_name(self) -> str:
        return self.organization.name if self.organization else ""


class RecoveryCode(db.Model):
    """A single-use two-factor recovery code, stored as a SHA-256 digest (the codes are random)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship("User", back_populates="recovery_codes")

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id} used={bool(self.used_at)}>"
