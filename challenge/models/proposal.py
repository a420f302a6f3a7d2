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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..money import SHARE_TOTAL
from ..states import ProposalState
from ..timeutil import utcnow
from .base import CreatedMixin, UTCDateTime, enum_column, stamped

if TYPE_CHECKING:
    from .challenge import Challenge, ChallengeIndicator
    from .organization import Organization
    from .user import User


class Proposal(CreatedMixin, db.Model):
    """A 揭榜方案: one live bid per 榜 per lead organization (a partial unique index)."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("requested_fen >= 0", name="requested_nonnegative"),
        stamped("submitted_stamped", (ProposalState.SUBMITTED, ProposalState.QUALIFIED,
                                      ProposalState.DISQUALIFIED, ProposalState.SELECTED,
                                      ProposalState.NOT_SELECTED), "submitted_at"),
        Index("uq_proposals_live_per_org", "challenge_id", "lead_org_id", unique=True,
              sqlite_where=text("state != 'withdrawn'"),
              postgresql_where=text("state != 'withdrawn'")),
        # Statistics periods and the bids of a 榜 in a state, from the index alone (migration 0007).
        Index("ix_proposals_submitted_at", "submitted_at", "state", "challenge_id"),
        Index("ix_proposals_challenge_state", "challenge_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    team_lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[ProposalState] = enum_column(ProposalState, default=ProposalState.DRAFT)
    title: Mapped[str] = mapped_column(String(120))
    technical_approach: Mapped[str] = mapped_column(Text)
    requested_fen: Mapped[int] = mapped_column(BigInteger)
    budget: Mapped[list] = mapped_column(JSON, default=list)     # [{item, amount_fen, note}]
    members: Mapped[list] = mapped_column(JSON, default=list)    # [{name, title, role, organization}]
    # Experts the team asks to be kept off the panel, one per line "姓名：理由" (回避申请).
    declared_conflicts: Mapped[str] = mapped_column(Text, default="", server_default="")
    commitment_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_no: Mapped[int] = mapped_column(default=0)  # submitted versions so far
    eligibility_note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    challenge: Mapped["Challenge"] = relationship("Challenge")
    lead_org: Mapped["Organization"] = relationship("Organization")
    team_lead: Mapped["User"] = relationship("User")
    partners: Mapped[list["ProposalPartner"]] = relationship(
        "ProposalPartner", back_populates="proposal", order_by="ProposalPartner.position",
        cascade="all, delete-orphan")
    responses: Mapped[list["IndicatorResponse"]] = relationship(
        "IndicatorResponse", back_populates="proposal", cascade="all, delete-orphan")
    milestones: Mapped[list["ProposalMilestone"]] = relationship(
        "ProposalMilestone", back_populates="proposal", order_by="ProposalMilestone.position",
        cascade="all, delete-orphan")
    attachments: Mapped[list["ProposalAttachment"]] = relationship(
        "ProposalAttachment", back_populates="proposal", order_by="ProposalAttachment.id",
        cascade="all, delete-orphan")
    versions: Mapped[list["ProposalVersion"]] = relationship(
        "ProposalVersion", back_populates="proposal", order_by="ProposalVersion.number",
        cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Proposal {self.id} challenge={self.challenge_id} org={self.lead_org_id} {self.state}>"

    @property
    def budget_total_fen(self) -> int:
        return sum(int(row.get("amount_fen", 0)) for row in self.budget or [])


class ProposalPartner(db.Model):
    """A partner organization in the 联合体 and its role."""

    __tablename__ = "proposal_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(default=0)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    organization_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(200), default="")

    proposal: Mapped["Proposal"] = relationship("Proposal", back_populates="partners")

    def __repr__(self) -> str:
        return f"<ProposalPartner {self.organization_name!r}>"


class IndicatorResponse(db.Model):
    """The bid's answer to one indicator of the 榜: the value it commits to and how it shows it."""

    __tablename__ = "indicator_responses"
    __table_args__ = (UniqueConstraint("proposal_id", "indicator_id",
                                       name="uq_indicator_responses_proposal_indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("challenge_indicators.id"))
    committed_value: Mapped[str] = mapped_column(String(100))
    evidence_plan: Mapped[str] = mapped_column(String(500), default="")

    proposal: Mapped["Proposal"] = relationship("Proposal", back_populates="responses")
    indicator: Mapped["ChallengeIndicator"] = relationship("ChallengeIndicator")

    def __repr__(self) -> str:
        return f"<IndicatorResponse indicator={self.indicator_id} {self.committed_value!r}>"


class ProposalMilestone(db.Model):
    """A milestone of the bid; shares are basis points and sum to 10,000 on submission."""

    __tablename__ = "proposal_milestones"
    __table_args__ = (CheckConstraint(f"share_bp BETWEEN 0 AND {SHARE_TOTAL}", name="share_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    deliverable: Mapped[str] = mapped_column(String(500), default="")
    share_bp: Mapped[int] = mapped_column()

    proposal: Mapped["Proposal"] = relationship("Proposal", back_populates="milestones")

    def __repr__(self) -> str:
        return f"<ProposalMilestone {self.title!r} {self.share_bp}bp>"


class ProposalAttachment(db.Model):
    """A file of the bid, stored outside static/ under a random name."""

    __tablename__ = "proposal_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped["Proposal"] = relationship("Proposal", back_populates="attachments")

    def __repr__(self) -> str:
        return f"<ProposalAttachment {self.original_name!r}>"


class ProposalVersion(db.Model):
    """What was submitted, each time: a frozen copy for the record."""

    __tablename__ = "proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number",
                                       name="uq_proposal_versions_proposal_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             index=True)
    number: Mapped[int] = mapped_column()
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict] = mapped_column(JSON)

    proposal: Mapped["Proposal"] = relationship("Proposal", back_populates="versions")

    def __repr__(self) -> str:
        return f"<ProposalVersion {self.proposal_id} v{self.number}>"
