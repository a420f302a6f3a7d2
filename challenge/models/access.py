from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import AccessState
from ..timeutil import utcnow
from .base import UTCDateTime, enum_column, stamped

if TYPE_CHECKING:
    from .challenge import Challenge
    from .user import User


class AccessGrant(db.Model):
    """A solver's request to read a confidential body, and the issuer's answer."""

    __tablename__ = "access_grants"
    __table_args__ = (
        UniqueConstraint("challenge_id", "user_id"),
        stamped("decided_stamped", (AccessState.GRANTED, AccessState.REFUSED), "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[AccessState] = enum_column(AccessState, default=AccessState.REQUESTED)
    request_note: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    undertaking_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    challenge: Mapped["Challenge"] = relationship("Challenge")
    user: Mapped["User"] = relationship("User", foreign_keys=[user_id])
    decided_by: Mapped["User | None"] = relationship("User", foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<AccessGrant challenge={self.challenge_id} user={self.user_id} {self.state}>"


class AccessLog(db.Model):
    """One row per view of a confidential body. Append-only, like the audit trail: the ORM
    refuses updates and deletes, and so does the database (migration 0009)."""

    __tablename__ = "access_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped["User"] = relationship("User")

    def __repr__(self) -> str:
        return f"<AccessLog challenge={self.challenge_id} user={self.user_id} {self.viewed_at}>"


class AccessLogImmutableError(RuntimeError):
    pass


@event.listens_for(AccessLog, "before_update")
def _refuse_update(mapper, connection, target):
    raise AccessLogImmutableError("the access log is append-only")


@event.listens_for(AccessLog, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AccessLogImmutableError("the access log is append-only")
