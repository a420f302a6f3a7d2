"""Changes after the fact: a published 榜's deadline extensions and addenda (补充通知), and
change requests to a signed contract with the contract's versions (what each approval changed)."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import AddendumKind, ChangeRequestState, Role
from ..timeutil import utcnow
from .base import UTCDateTime, enum_column

if TYPE_CHECKING:
    from .award import Contract
    from .challenge import Challenge
    from .user import User


class ChallengeAddendum(db.Model):
    """A deadline extension or a 补充通知 the bureau published on a 榜 (shown with its date)."""

    __tablename__ = "challenge_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    kind: Mapped[AddendumKind] = enum_column(AddendumKind)
    body: Mapped[str] = mapped_column(Text, default="")
    old_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    notified: Mapped[int] = mapped_column(default=0)  # how many people were told

    challenge: Mapped["Challenge"] = relationship("Challenge")

    def __repr__(self) -> str:
        return f"<ChallengeAddendum challenge={self.challenge_id} {self.kind}>"


class ChallengeViewer(db.Model):
    """A signed-in user who opened a published 榜's page (once per user: the first time), so
    that an extension or addendum reaches everyone who looked, not only those who asked."""

    __tablename__ = "challenge_viewers"
    __table_args__ = (UniqueConstraint("challenge_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChangeRequest(db.Model):
    """One party's request to change a signed contract's terms: milestone due dates and/or the
    budget lines (`changes` = {"milestones": {milestone id: "YYYY-MM-DD"}, "budget": [lines]})."""

    __tablename__ = "change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    side: Mapped[Role] = enum_column(Role)  # enterprise or solver: the requesting party
    state: Mapped[ChangeRequestState] = enum_column(ChangeRequestState,
                                                    default=ChangeRequestState.PROPOSED)
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    contract: Mapped["Contract"] = relationship("Contract")
    requested_by: Mapped["User"] = relationship("User", foreign_keys=[requested_by_id])

    @property
    def challenge(self):
        return self.contract.challenge

    def __repr__(self) -> str:
        return f"<ChangeRequest contract={self.contract_id} {self.side} {self.state}>"


class ContractVersion(db.Model):
    """The contract's terms as they stood: number 1 as signed, one more per approved change."""

    __tablename__ = "contract_versions"
    __table_args__ = (UniqueConstraint("contract_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    number: Mapped[int] = mapped_column()
    change_request_id: Mapped[int | None] = mapped_column(ForeignKey("change_requests.id"))
    terms: Mapped[dict] = mapped_column(JSON)  # {"milestones": [...], "budget": [...]}
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    change_request: Mapped["ChangeRequest | None"] = relationship("ChangeRequest")

    def __repr__(self) -> str:
        return f"<ContractVersion contract={self.contract_id} v{self.number}>"
