from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import ObjectionState, PanelSeatState, ReviewState
from ..timeutil import utcnow
from .base import UTCDateTime, enum_column, stamped

if TYPE_CHECKING:
    from .challenge import Challenge
    from .proposal import Proposal
    from .user import User


class ReviewAssignment(db.Model):
    """A reviewer's seat on a 榜's panel: assigned by the bureau, or declined (回避)."""

    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint("challenge_id", "reviewer_id"),
        stamped("declined_stamped", (PanelSeatState.DECLINED,), "declined_at"),
        # Seats of a period; reviewer workload per account (migration 0008).
        Index("ix_review_assignments_assigned_state", "assigned_at", "state", "reviewer_id", "challenge_id"),
        Index("ix_review_assignments_reviewer_state_time", "reviewer_id", "state", "assigned_at",
              "challenge_id"),
    )

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

    challenge: Mapped["Challenge"] = relationship("Challenge")
    reviewer: Mapped["User"] = relationship("User", foreign_keys=[reviewer_id])
    assigned_by: Mapped["User"] = relationship("User", foreign_keys=[assigned_by_id])

    def __repr__(self) -> str:
        return f"<ReviewAssignment challenge={self.challenge_id} reviewer={self.reviewer_id} {self.state}>"


class ReviewPledge(db.Model):
    """评审承诺书: a seated reviewer's signature (confidentiality, no contact with bidders,
    conflicts declared), one per seat, with the text as it was signed; the bids and a
    confidential body open to the seat only after it."""

    __tablename__ = "review_pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("review_assignments.id"), unique=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")

    seat: Mapped["ReviewAssignment"] = relationship("ReviewAssignment")

    def __repr__(self) -> str:
        return f"<ReviewPledge seat={self.seat_id} reviewer={self.reviewer_id}>"


class Review(db.Model):
    """One reviewer's scores for one bid: per criterion points, a comment; sealed until the
    whole panel has submitted."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer_id"),
        stamped("submitted_stamped", (ReviewState.SUBMITTED,), "submitted_at"),
        # Periods of statistics and exports, reviewer workload per account, from the indexes
        # alone (migration 0008); a reviewer's reviews per 榜 (0007).
        Index("ix_reviews_submitted_state", "submitted_at", "state", "reviewer_id", "challenge_id"),
        Index("ix_reviews_reviewer_state_time", "reviewer_id", "state", "submitted_at", "challenge_id"),
        Index("ix_reviews_reviewer_challenge", "reviewer_id", "challenge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[ReviewState] = enum_column(ReviewState, default=ReviewState.DRAFT)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # {criterion key: points}
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    proposal: Mapped["Proposal"] = relationship("Proposal")
    reviewer: Mapped["User"] = relationship("User")

    def __repr__(self) -> str:
        return f"<Review proposal={self.proposal_id} reviewer={self.reviewer_id} {self.state}>"

    @property
    def total(self) -> int:
        return sum(int(v) for v in (self.scores or {}).values())


class Objection(db.Model):
    """异议 during 公示: anyone signed in may file; the bureau must answer before contracting."""

    __tablename__ = "objections"
    __table_args__ = (stamped("answered_stamped", (ObjectionState.UPHELD, ObjectionState.DISMISSED),
                              "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    filer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[ObjectionState] = enum_column(ObjectionState, default=ObjectionState.OPEN)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    challenge: Mapped["Challenge"] = relationship("Challenge")
    filer: Mapped["User"] = relationship("User", foreign_keys=[filer_id])

    def __repr__(self) -> str:
        return f"<Objection {self.id} challenge={self.challenge_id} {self.state}>"


class PanelDraw(db.Model):
    """One random draw of a 榜's panel (challenge/reviewing/draw.py): the candidate pool in its
    order with match scores, the public value the seed came from (the audit chain's head before
    the draw), the seed and who was drawn. Written once, with the audit event "draw" that
    carries the same values; `flask panel replay-draw` recomputes the draw from it."""

    __tablename__ = "panel_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    audit_event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"), unique=True)
    algorithm: Mapped[str] = mapped_column(String(40))
    chain_head: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str] = mapped_column(String(64))
    pool_size: Mapped[int] = mapped_column()  # K the bureau asked for
    seats: Mapped[int] = mapped_column()      # open seats the draw filled
    candidates: Mapped[list] = mapped_column(JSON)  # [{"reviewer": id, "score": 0-100}, ...]
    drawn: Mapped[list] = mapped_column(JSON)       # reviewer ids, in the order drawn

    challenge: Mapped["Challenge"] = relationship("Challenge")
    drawn_by: Mapped["User"] = relationship("User")

    def __repr__(self) -> str:
        return f"<PanelDraw {self.id} challenge={self.challenge_id} drawn={self.drawn}>"


@event.listens_for(PanelDraw, "before_update")
def _refuse_draw_update(mapper, connection, target):
    raise RuntimeError("a panel draw is recorded once and never changed")


@event.listens_for(PanelDraw, "before_delete")
def _refuse_draw_delete(mapper, connection, target):
    raise RuntimeError("a panel draw is recorded once and never changed")
class ReviewOpening(db.Model):
    """When a reviewer first opened a bid's score page: the start of the review's writing time
    (a review is created only at its first save, often in the same request as its submission)."""

    __tablename__ = "review_openings"
    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FlagAcknowledgement(db.Model):
    """The bureau's acknowledgement, with a reason, of one score anomaly flagged on a 榜's
    decision page (reviewing/anomalies.py); the decision waits for one per flag. Audited."""

    __tablename__ = "flag_acknowledgements"
    __table_args__ = (UniqueConstraint("challenge_id", "flag_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    flag_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    flag_text: Mapped[str] = mapped_column(Text)  # what the flag said when acknowledged
    reason: Mapped[str] = mapped_column(Text)
    acknowledged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    acknowledged_by: Mapped["User"] = relationship("User")

    def __repr__(self) -> str:
        return f"<FlagAcknowledgement challenge={self.challenge_id} {self.flag_key}>"
class ReviewReminder(db.Model):
    """A reminder sent to a reviewer who still owed reviews on a panel: "before" its due date
    (REVIEW_REMIND_DAYS_BEFORE) or "due" on it. One row per seat and kind, so each is sent once."""

    __tablename__ = "review_reminders"
    __table_args__ = (UniqueConstraint("challenge_id", "reviewer_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "before" | "due"
    due_on: Mapped[date] = mapped_column(Date)  # the due date the reminder was about
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ReviewReminder challenge={self.challenge_id} reviewer={self.reviewer_id} {self.kind}>"


class ReviewerRating(db.Model):
    """The bureau's rating of one reviewer's work on one panel (一项目一评价): timeliness and
    quality of comments, 1–5 each, with a note. Kept on the expert's record; audited."""

    __tablename__ = "reviewer_ratings"
    __table_args__ = (
        UniqueConstraint("challenge_id", "reviewer_id"),
        CheckConstraint("timeliness BETWEEN 1 AND 5", name="timeliness_range"),
        CheckConstraint("quality BETWEEN 1 AND 5", name="quality_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    timeliness: Mapped[int] = mapped_column()
    quality: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    challenge: Mapped["Challenge"] = relationship("Challenge")
    reviewer: Mapped["User"] = relationship("User", foreign_keys=[reviewer_id])

    def __repr__(self) -> str:
        return f"<ReviewerRating challenge={self.challenge_id} reviewer={self.reviewer_id}>"

    @property
    def mean(self) -> float:
        return (self.timeliness + self.quality) / 2
