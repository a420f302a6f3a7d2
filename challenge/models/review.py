from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import PanelSeatState
from ..timeutil import utcnow
from .base import UTCDateTime, enum_column


class ReviewAssignment(db.Model):
    """A reviewer's seat on a 榜's panel: assigned by the bureau, or declined (回避)."""

    __tablename__ = "review_assignments"
    __table_args__ = (UniqueConstraint("challenge_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[PanelSeatState] = enum_column(PanelSeatState, default=PanelSeatState.ASSIGNED)
    match_score: Mapped[int] = mapped_column(default=0)  # 0-100 when assigned, for the record
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conflict_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    challenge = relationship("Challenge")
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])

    def __repr__(self) -> str:
        return f"<ReviewAssignment challenge={self.challenge_id} reviewer={self.reviewer_id} {self.state}>"
