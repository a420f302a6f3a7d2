"""Third-party professional bodies (第三方专业机构): the bureau appoints a body account to a 榜
for a purpose; the body (or the bureau, for an expert panel) records a finding, which the
bureau adopts or overrides with a reason (the door: FINDING_TRANSITIONS)."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import BodyPurpose, FindingSource, FindingState
from ..timeutil import utcnow
from .base import CreatedMixin, UTCDateTime, enum_column, stamped

if TYPE_CHECKING:
    from .challenge import Challenge, ChallengeIndicator
    from .user import User


class BodyAppointment(CreatedMixin, db.Model):
    """A body appointed to a 榜 for one purpose; ended_at set when the bureau ends it."""

    __tablename__ = "body_appointments"
    __table_args__ = (UniqueConstraint("challenge_id", "body_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[BodyPurpose] = enum_column(BodyPurpose)
    appointed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped["Challenge"] = relationship("Challenge")
    body: Mapped["User"] = relationship("User", foreign_keys=[body_id])

    @property
    def active(self) -> bool:
        return self.ended_at is None

    def __repr__(self) -> str:
        return f"<BodyAppointment challenge={self.challenge_id} body={self.body_id} {self.purpose}>"


class Finding(CreatedMixin, db.Model):
    """A body's or an expert panel's finding on a 榜 for one purpose, with its conclusion
    (passed); the bureau's decision (final_passed) is the finding's when adopted, the bureau's
    own when overridden (the reason is the override's audit event)."""

    __tablename__ = "findings"
    __table_args__ = (stamped("decided_stamped",
                              (FindingState.ADOPTED, FindingState.OVERRIDDEN), "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    purpose: Mapped[BodyPurpose] = enum_column(BodyPurpose)
    source: Mapped[FindingSource] = enum_column(FindingSource)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    panel_names: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    passed: Mapped[bool] = mapped_column()
    state: Mapped[FindingState] = enum_column(FindingState, default=FindingState.SUBMITTED)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    final_passed: Mapped[bool | None] = mapped_column()

    challenge: Mapped["Challenge"] = relationship("Challenge")
    body: Mapped["User | None"] = relationship("User", foreign_keys=[body_id])
    items: Mapped[list["FindingItem"]] = relationship(
        "FindingItem", back_populates="finding", order_by="FindingItem.position",
        cascade="all, delete-orphan")
    files: Mapped[list["FindingFile"]] = relationship(
        "FindingFile", back_populates="finding", order_by="FindingFile.id",
        cascade="all, delete-orphan")

    @property
    def author(self) -> str:
        """Who reached it: the body's organisation (or account) name, or the panel's names."""
        if self.source is FindingSource.PANEL:
            return self.panel_names
        body = self.body
        return body.organization.name if body and body.organization else (body.name if body else "")

    def __repr__(self) -> str:
        return f"<Finding {self.id} {self.purpose} {self.state}>"


class FindingItem(db.Model):
    """Per indicator (acceptance testing): the measured value and whether it meets the target."""

    __tablename__ = "finding_items"
    __table_args__ = (UniqueConstraint("finding_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("challenge_indicators.id"))
    position: Mapped[int] = mapped_column(default=0)
    measured_value: Mapped[str] = mapped_column(String(100), default="")
    passed: Mapped[bool] = mapped_column()

    finding: Mapped["Finding"] = relationship("Finding", back_populates="items")
    indicator: Mapped["ChallengeIndicator"] = relationship("ChallengeIndicator")


class FindingFile(db.Model):
    """A test report or other evidence of a finding (stored outside static/, area "findings")."""

    __tablename__ = "finding_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    finding: Mapped["Finding"] = relationship("Finding", back_populates="files")
