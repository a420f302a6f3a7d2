from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import JoinState, OrgState, OrgType
from ..timeutil import utcnow
from .base import CreatedMixin, UTCDateTime, enum_column, stamped

if TYPE_CHECKING:
    from .user import User


class Organization(CreatedMixin, db.Model):
    """A registered organisation; it publishes or bids only once the bureau has verified it."""

    __tablename__ = "organizations"
    __table_args__ = (stamped("verified_stamped", (OrgState.VERIFIED,), "verified_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    type: Mapped[OrgType] = enum_column(OrgType)
    region: Mapped[str] = mapped_column(String(60), default="")
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    state: Mapped[OrgState] = enum_column(OrgState, default=OrgState.PENDING, index=True)
    # The licence or legal-person certificate, kept by challenge.uploads under "licences/".
    licence_name: Mapped[str] = mapped_column(String(255), default="")
    licence_stored: Mapped[str] = mapped_column(String(64), default="")
    licence_type: Mapped[str] = mapped_column(String(120), default="")
    licence_size: Mapped[int] = mapped_column(default=0)
    licence_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # No foreign key: users already point at organizations, and the audit event names the actor.
    verified_by_id: Mapped[int | None] = mapped_column()
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str] = mapped_column(Text, default="")

    users: Mapped[list["User"]] = relationship("User", back_populates="organization")
    verified_by: Mapped["User | None"] = relationship(
        "User", primaryjoin="foreign(Organization.verified_by_id) == User.id", viewonly=True)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r} {self.type} {self.state}>"

    @property
    def is_verified(self) -> bool:
        return self.state is OrgState.VERIFIED

    @property
    def has_licence(self) -> bool:
        return bool(self.licence_stored)


class JoinRequest(CreatedMixin, db.Model):
    """Someone asks to join an organisation; its org admin (or the bureau) answers."""

    __tablename__ = "org_join_requests"
    __table_args__ = (
        # One open request per person at a time.
        Index("uq_org_join_requests_pending_user", "user_id", unique=True,
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
        stamped("decided_stamped", (JoinState.APPROVED, JoinState.REFUSED), "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[JoinState] = enum_column(JoinState, default=JoinState.PENDING)
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    organization: Mapped["Organization"] = relationship("Organization")
    user: Mapped["User"] = relationship("User", foreign_keys=[user_id])
    decided_by: Mapped["User | None"] = relationship("User", foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<JoinRequest org={self.organization_id} user={self.user_id} {self.state}>"


class OrgInvitation(db.Model):
    """An e-mailed invitation to join; the link is signed and expiring, this row makes it
    single use (accepted_at) and revocable (revoked_at)."""

    __tablename__ = "org_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(120), index=True)
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped["Organization"] = relationship("Organization")
    invited_by: Mapped["User"] = relationship("User", foreign_keys=[invited_by_id])

    def __repr__(self) -> str:
        return f"<OrgInvitation org={self.organization_id} {self.email}>"

    def usable(self, now: datetime | None = None) -> bool:
        return (self.accepted_at is None and self.revoked_at is None
                and (now or utcnow()) < self.expires_at)


__all__ = ["Organization", "JoinRequest", "OrgInvitation"]
