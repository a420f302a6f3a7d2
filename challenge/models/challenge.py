from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import ChallengeKind, ChallengeState, Confidentiality, FundingMode, OrgType
from ..timeutil import utcnow
from .base import CreatedMixin, UTCDateTime, csv_list, enum_column, stamped

if TYPE_CHECKING:
    from .organization import Organization
    from .user import User

CS = ChallengeState
# 发布 stamps published_at and the deadline; 签约, 验收, 结榜 / 失败 stamp theirs (challenge.workflow).
PUBLISHED = (CS.OPEN, CS.REVIEWING, CS.PUBLICITY, CS.CONTRACTED, CS.ACCEPTED, CS.AWARDED, CS.CLOSED,
             CS.UNCLAIMED, CS.FAILED)


class Challenge(CreatedMixin, db.Model):
    """A 榜: a public, desensitised face (summary) and a confidential body (detail)."""

    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint("bounty_fen >= 0", name="bounty_nonnegative"),
        CheckConstraint("investment_fen >= 0", name="investment_nonnegative"),
        CheckConstraint("max_winners >= 1", name="max_winners_positive"),
        CheckConstraint("period_months >= 1", name="period_positive"),
        CheckConstraint("reviewers_required >= 1", name="reviewers_required_positive"),
        stamped("submitted_stamped", (CS.SCREENING, *PUBLISHED), "submitted_at"),
        stamped("published_stamped", PUBLISHED, "published_at", "deadline_at"),
        stamped("publicity_stamped", (CS.PUBLICITY,), "publicity_ends_at"),
        stamped("contracted_stamped", (CS.CONTRACTED, CS.ACCEPTED, CS.AWARDED, CS.CLOSED),
                "contracted_at"),
        stamped("accepted_stamped", (CS.ACCEPTED, CS.AWARDED, CS.CLOSED), "accepted_at"),
        stamped("ended_stamped", (CS.CLOSED, CS.FAILED), "ended_at"),
        Index("ix_challenges_state_deadline", "state", "deadline_at"),
        # List pages at scale (migration 0007, measured by bench/pages.py).
        Index("ix_challenges_state_published", "state", "published_at"),
        Index("ix_challenges_state_updated", "state", "updated_at"),
        Index("ix_challenges_updated_at", "updated_at"),
        Index("ix_challenges_state_kind", "state", "kind", "field", "confidentiality"),
        Index("ix_challenges_state_publicity", "state", "publicity_ends_at", "confidentiality"),
        # The statistics' period scans read these alone, never the wide rows (migration 0008).
        Index("ix_challenges_submitted_state", "submitted_at", "state"),
        Index("ix_challenges_published_scope", "published_at", "kind", "field", "issuer_org_id"),
        Index("ix_challenges_contracted_scope", "contracted_at", "kind", "field", "issuer_org_id",
              "bounty_fen", "investment_fen", "published_at"),
        Index("ix_challenges_accepted_contracted", "accepted_at", "contracted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    kind: Mapped[ChallengeKind] = enum_column(ChallengeKind, index=True)
    field: Mapped[str] = mapped_column(String(50), index=True)
    industry_tags: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)
    # The English face (optional): public face only, never the body; the bureau may publish the
    # 榜 面向全球发布 (worldwide), which needs it whole (english_face_missing).
    title_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    summary_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    worldwide: Mapped[bool] = mapped_column(default=False, server_default=false())
    bounty_fen: Mapped[int] = mapped_column(BigInteger)
    # 风险补偿: the most the government compensates over this 榜's failed contracts (0 = none).
    compensation_cap_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    investment_fen: Mapped[int] = mapped_column(BigInteger)
    funding_mode: Mapped[FundingMode] = enum_column(FundingMode)
    max_winners: Mapped[int] = mapped_column(default=1)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    period_months: Mapped[int] = mapped_column(default=12)
    eligible_org_types: Mapped[str] = mapped_column(String(100), default="")
    eligible_regions: Mapped[str] = mapped_column(String(200), default="")
    qualifications: Mapped[str] = mapped_column(Text, default="")
    confidentiality: Mapped[Confidentiality] = enum_column(Confidentiality)
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(String(30))
    contact_email: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[ChallengeState] = enum_column(ChallengeState, default=ChallengeState.DRAFT)
    issuer_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewers_required: Mapped[int] = mapped_column(default=3, server_default="3")
    # 评榜: the rubric [{key, name, max}] (None = the default of SPEC §6) and the pass mark.
    rubric: Mapped[list | None] = mapped_column(JSON)
    pass_mark: Mapped[int] = mapped_column(default=60, server_default="60")
    # The panel's due date (a local day): set at the first seat (REVIEW_DAYS on) or by the bureau
    # on the panel page; reviewers owing a review are reminded before it and on it.
    review_due_on: Mapped[date | None] = mapped_column(Date)
    # 盲评: reviewers see neither bidding organisations nor team names until every review is in.
    blind_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    decision_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    publicity_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 评估后前置兑现, set by the bureau: the share of each contract's subsidy that may be paid in
    # advance once signed, and its cap per contract (0: no advance).
    advance_share_bp: Mapped[int] = mapped_column(default=0, server_default="0")
    advance_cap_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # 奖榜 milestones of the 榜 itself, stamped by the door (statistics measure time between them).
    contracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # closed, failed
    # Optimistic locking: two concurrent transitions cannot both win.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    issuer: Mapped["Organization"] = relationship("Organization")
    created_by: Mapped["User"] = relationship("User")
    indicators: Mapped[list["ChallengeIndicator"]] = relationship(
        "ChallengeIndicator", back_populates="challenge", order_by="ChallengeIndicator.position",
        cascade="all, delete-orphan")
    invitations: Mapped[list["ChallengeInvitation"]] = relationship(
        "ChallengeInvitation", back_populates="challenge", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.title!r} {self.state}>"

    @property
    def tag_list(self) -> list[str]:
        return csv_list(self.industry_tags)

    @property
    def eligible_type_list(self) -> list[OrgType]:
        return [OrgType(v) for v in csv_list(self.eligible_org_types)]

    @property
    def region_list(self) -> list[str]:
        return csv_list(self.eligible_regions)

    def face_title(self, english: bool) -> str:
        """The title a reader of English (*english*) or Chinese is shown as plain text."""
        return self.title_en if english and self.title_en else self.title

    def english_face_missing(self) -> list[str]:
        """What a 榜 published worldwide lacks of its English face: "title_en", "summary_en",
        "indicators" (an indicator without its English name); empty when it is whole."""
        missing = [name for name in ("title_en", "summary_en")
                   if not (getattr(self, name) or "").strip()]
        if any(not (i.name_en or "").strip() for i in self.indicators):
            missing.append("indicators")
        return missing

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality is not Confidentiality.PUBLIC

    def is_open_for_bids(self, now: datetime | None = None) -> bool:
        """揭榜中 and before its deadline: bids are drafted, submitted, changed, withdrawn."""
        return (self.state is ChallengeState.OPEN and self.deadline_at is not None
                and self.deadline_at > (now or utcnow()))

    def publicity_open(self, now: datetime | None = None) -> bool:
        """In 公示 and before its end: objections are received."""
        return (self.state is ChallengeState.PUBLICITY and self.publicity_ends_at is not None
                and (now or utcnow()) < self.publicity_ends_at)


class ChallengeIndicator(db.Model):
    """A quantified technical indicator: what must be reached and how it is measured."""

    __tablename__ = "challenge_indicators"
    # What the 榜 form edits of each row, and the audit trail compares.
    TEXT_COLUMNS = ("name", "name_en", "target", "unit", "method")

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    target: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(30), default="")
    method: Mapped[str] = mapped_column(String(200), default="")

    challenge: Mapped["Challenge"] = relationship("Challenge", back_populates="indicators")

    def __repr__(self) -> str:
        return f"<ChallengeIndicator {self.name} {self.target}{self.unit}>"


class ChallengeInvitation(CreatedMixin, db.Model):
    """Who may see a 定向 (invitation-only) 榜."""

    __tablename__ = "challenge_invitations"
    __table_args__ = (UniqueConstraint("challenge_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    challenge: Mapped["Challenge"] = relationship("Challenge", back_populates="invitations")
    user: Mapped["User"] = relationship("User", foreign_keys=[user_id])
    invited_by: Mapped["User"] = relationship("User", foreign_keys=[invited_by_id])

    def __repr__(self) -> str:
        return f"<ChallengeInvitation {self.challenge_id} user={self.user_id}>"
