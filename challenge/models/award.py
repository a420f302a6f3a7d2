"""奖榜: the contract per winning bid, its milestones, acceptance against the 榜's indicators,
and the append-only payments ledger."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    case,
    event,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import money
from ..extensions import db
from ..states import (
    AcceptanceState,
    ContractState,
    EntryKind,
    FailureRule,
    FundingMode,
    MilestoneState,
    Payer,
)
from ..timeutil import utcnow
from .base import CreatedMixin, UTCDateTime, enum_column, stamped

if TYPE_CHECKING:
    from .challenge import Challenge, ChallengeIndicator
    from .organization import Organization
    from .proposal import Proposal
    from .user import User


class Contract(CreatedMixin, db.Model):
    """The contract signed for one winning bid. Money in 分; the government subsidy (rate in
    basis points, capped) is kept apart from the enterprise's bounty (`amount_fen`)."""

    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint(f"subsidy_rate_bp BETWEEN 0 AND {money.SHARE_TOTAL}", name="subsidy_rate_range"),
        CheckConstraint("subsidy_cap_fen >= 0", name="subsidy_cap_nonnegative"),
        CheckConstraint("recovery_fen >= 0", name="recovery_nonnegative"),
        stamped("signed_stamped", (ContractState.ACTIVE, ContractState.ACCEPTED,
                                   ContractState.ELIMINATED), "signed_at"),
        stamped("ended_stamped", (ContractState.ACCEPTED, ContractState.ELIMINATED,
                                  ContractState.FAILED), "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    solver_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    number: Mapped[str] = mapped_column(String(50), unique=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    start_on: Mapped[date] = mapped_column(Date)
    funding_mode: Mapped[FundingMode] = enum_column(FundingMode)
    subsidy_rate_bp: Mapped[int] = mapped_column(default=0)
    subsidy_cap_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[ContractState] = enum_column(ContractState, default=ContractState.DRAFT, index=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # accepted, eliminated or failed
    failure_rule: Mapped[FailureRule | None] = enum_column(FailureRule, nullable=True)
    recovery_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    end_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    challenge: Mapped["Challenge"] = relationship("Challenge")
    proposal: Mapped["Proposal"] = relationship("Proposal")
    solver_org: Mapped["Organization"] = relationship("Organization")
    milestones: Mapped[list["ContractMilestone"]] = relationship(
        "ContractMilestone", back_populates="contract", order_by="ContractMilestone.position",
        cascade="all, delete-orphan")
    entries: Mapped[list["LedgerEntry"]] = relationship(
        "LedgerEntry", back_populates="contract", order_by="LedgerEntry.id")
    acceptance: Mapped["Acceptance | None"] = relationship(
        "Acceptance", back_populates="contract", uselist=False)

    def __repr__(self) -> str:
        return f"<Contract {self.number} challenge={self.challenge_id} {self.state}>"

    @hybrid_property
    def subsidy_fen(self) -> int:
        """The government's commitment: rate × amount, at most the cap (exact, rounded down)."""
        return money.subsidy_fen(self.amount_fen, self.subsidy_rate_bp, self.subsidy_cap_fen)

    @subsidy_fen.inplace.expression
    @classmethod
    def _subsidy_fen_sql(cls):
        """The same formula in SQL, for the statistics' sums."""
        return money.subsidy_fen(cls.amount_fen, cls.subsidy_rate_bp, cls.subsidy_cap_fen,
                                 least=lambda a, b: case((a < b, a), else_=b))


class ContractMilestone(db.Model):
    """A milestone of the contract, copied from the bid and editable until signing."""

    __tablename__ = "contract_milestones"
    __table_args__ = (CheckConstraint(f"share_bp BETWEEN 0 AND {money.SHARE_TOTAL}", name="share_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    deliverable: Mapped[str] = mapped_column(String(500), default="")
    share_bp: Mapped[int] = mapped_column()
    state: Mapped[MilestoneState] = enum_column(MilestoneState, default=MilestoneState.PENDING,
                                                index=True)
    report: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")
    overdue_notified_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    contract: Mapped["Contract"] = relationship("Contract", back_populates="milestones")
    files: Mapped[list["AwardFile"]] = relationship(
        "AwardFile", back_populates="milestone", order_by="AwardFile.id")

    @property
    def challenge(self):
        return self.contract.challenge

    def __repr__(self) -> str:
        return f"<ContractMilestone {self.title!r} {self.share_bp}bp {self.state}>"


class Acceptance(db.Model):
    """验收: one per contract, an item per indicator of the 榜."""

    __tablename__ = "acceptances"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), unique=True)
    state: Mapped[AcceptanceState] = enum_column(AcceptanceState, default=AcceptanceState.DRAFT)
    summary: Mapped[str] = mapped_column(Text, default="")
    enterprise_opinion: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    contract: Mapped["Contract"] = relationship("Contract", back_populates="acceptance")
    items: Mapped[list["AcceptanceItem"]] = relationship(
        "AcceptanceItem", back_populates="acceptance", order_by="AcceptanceItem.position",
        cascade="all, delete-orphan")

    @property
    def challenge(self):
        return self.contract.challenge

    def __repr__(self) -> str:
        return f"<Acceptance contract={self.contract_id} {self.state}>"


class AcceptanceItem(db.Model):
    """One indicator: the committed value from the bid, the measured value, met or not."""

    __tablename__ = "acceptance_items"
    __table_args__ = (UniqueConstraint("acceptance_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    acceptance_id: Mapped[int] = mapped_column(ForeignKey("acceptances.id", ondelete="CASCADE"),
                                               index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("challenge_indicators.id"))
    position: Mapped[int] = mapped_column(default=0)
    committed_value: Mapped[str] = mapped_column(String(100), default="")
    measured_value: Mapped[str] = mapped_column(String(100), default="")
    met: Mapped[bool | None] = mapped_column()

    acceptance: Mapped["Acceptance"] = relationship("Acceptance", back_populates="items")
    indicator: Mapped["ChallengeIndicator"] = relationship("ChallengeIndicator")
    files: Mapped[list["AwardFile"]] = relationship(
        "AwardFile", back_populates="item", order_by="AwardFile.id")

    def __repr__(self) -> str:
        return f"<AcceptanceItem indicator={self.indicator_id} {self.measured_value!r} met={self.met}>"


class AwardFile(db.Model):
    """A milestone report's attachment or an acceptance item's evidence (stored outside static/)."""

    __tablename__ = "award_files"
    __table_args__ = (CheckConstraint("(milestone_id IS NULL) != (item_id IS NULL)",
                                      name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("contract_milestones.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("acceptance_items.id", ondelete="CASCADE"),
                                                index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    milestone: Mapped["ContractMilestone | None"] = relationship("ContractMilestone", back_populates="files")
    item: Mapped["AcceptanceItem | None"] = relationship("AcceptanceItem", back_populates="files")

    def __repr__(self) -> str:
        return f"<AwardFile {self.original_name!r}>"


class LedgerEntry(db.Model):
    """A line of the payments ledger. Append-only: a correction is a new reversing entry.

    Payments and reversals are signed (a reversal is negative and names what it reverses);
    a receivable records money the solver must return after a failure, `recovered` its arrival.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("(kind = 'reversal') = (amount_fen < 0)", name="sign_matches_kind"),
        CheckConstraint("amount_fen != 0", name="amount_nonzero"),
        # Money paid in a period, from the index alone (migration 0008).
        Index("ix_ledger_entries_paid_on_kind", "paid_on", "kind", "payer", "amount_fen", "contract_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("contract_milestones.id"), index=True)
    kind: Mapped[EntryKind] = enum_column(EntryKind)
    payer: Mapped[Payer] = enum_column(Payer)
    payee: Mapped[str] = mapped_column(String(100))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped["Contract"] = relationship("Contract", back_populates="entries")
    milestone: Mapped["ContractMilestone | None"] = relationship("ContractMilestone")
    recorded_by: Mapped["User"] = relationship("User")
    reverses: Mapped["LedgerEntry | None"] = relationship("LedgerEntry", remote_side=[id])

    def __repr__(self) -> str:
        return f"<LedgerEntry {self.kind} {self.payer} {self.amount_fen}>"


class LedgerImmutableError(RuntimeError):
    pass


@event.listens_for(LedgerEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise LedgerImmutableError("the payments ledger is append-only")


@event.listens_for(LedgerEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise LedgerImmutableError("the payments ledger is append-only")
