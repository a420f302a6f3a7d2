"""After a failure (SPEC §14): the diligence determination of a failed contract, the
enterprise's R&D spend receipts for 风险补偿, integrity (失信) findings, and their evidence files.

Each is recorded once and then only added to: a determination is never edited, a receipt is
verified once, a finding takes one objection and one answer (the audit trail keeps who and when).
"""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import DeterminedBy, Diligence, IntegrityGrade
from ..timeutil import utcnow
from .base import UTCDateTime, enum_column

if TYPE_CHECKING:
    from .award import Contract
    from .organization import Organization
    from .user import User


class Determination(db.Model):
    """尽职 or 失职: one per failed contract, made by an expert group or a third-party body and
    recorded by the bureau."""

    __tablename__ = "determinations"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), unique=True)
    verdict: Mapped[Diligence] = enum_column(Diligence)
    reasons: Mapped[str] = mapped_column(Text)
    determined_by: Mapped[DeterminedBy] = enum_column(DeterminedBy)
    determiners: Mapped[str] = mapped_column(String(500))  # the group's names or the body's name
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped["Contract"] = relationship("Contract")
    recorded_by: Mapped["User"] = relationship("User")
    files: Mapped[list["DiligenceFile"]] = relationship(
        "DiligenceFile", back_populates="determination", order_by="DiligenceFile.id")

    def __repr__(self) -> str:
        return f"<Determination contract={self.contract_id} {self.verdict}>"


class SpendReceipt(db.Model):
    """One receipt of the enterprise's R&D spend on a failed contract, with its file; the bureau
    verifies it once (the verified amount, 0 when refused, never above the amount claimed)."""

    __tablename__ = "spend_receipts"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("verified_fen IS NULL OR (verified_fen >= 0 AND verified_fen <= amount_fen)",
                        name="verified_within_claim"),
        CheckConstraint("(verified_fen IS NULL) = (verified_at IS NULL)", name="verified_stamped"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    spent_on: Mapped[date] = mapped_column(Date)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_fen: Mapped[int | None] = mapped_column(BigInteger)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verify_note: Mapped[str] = mapped_column(Text, default="")

    contract: Mapped["Contract"] = relationship("Contract")
    uploaded_by: Mapped["User"] = relationship("User", foreign_keys=[uploaded_by_id])

    def __repr__(self) -> str:
        return f"<SpendReceipt contract={self.contract_id} {self.amount_fen}>"


class IntegrityRecord(db.Model):
    """A 失信 finding against an organisation or a person, in force from `starts_on` until the
    day before `expires_on` (Shanghai dates); the party may object once, the bureau answers."""

    __tablename__ = "integrity_records"
    __table_args__ = (
        CheckConstraint("(organization_id IS NULL) != (user_id IS NULL)", name="one_party"),
        CheckConstraint("expires_on > starts_on", name="expires_after_start"),
        CheckConstraint("(objection = '') = (objected_at IS NULL)", name="objection_stamped"),
        CheckConstraint("(answer = '') = (answered_at IS NULL)", name="answer_stamped"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))  # a 失职 failure
    grade: Mapped[IntegrityGrade] = enum_column(IntegrityGrade)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    objection: Mapped[str] = mapped_column(Text, default="")
    objected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    objected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped["Organization | None"] = relationship("Organization")
    user: Mapped["User | None"] = relationship("User", foreign_keys=[user_id])
    files: Mapped[list["DiligenceFile"]] = relationship(
        "DiligenceFile", back_populates="record", order_by="DiligenceFile.id")

    @property
    def party_name(self) -> str:
        return self.organization.name if self.organization else self.user.name

    def active_on(self, day: date) -> bool:
        return self.starts_on <= day < self.expires_on

    def __repr__(self) -> str:
        return f"<IntegrityRecord org={self.organization_id} user={self.user_id} {self.grade}>"


class DiligenceFile(db.Model):
    """An evidence file of a determination or of an integrity finding."""

    __tablename__ = "diligence_files"
    __table_args__ = (
        CheckConstraint("(determination_id IS NULL) != (record_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    determination_id: Mapped[int | None] = mapped_column(ForeignKey("determinations.id"), index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("integrity_records.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    determination: Mapped["Determination | None"] = relationship("Determination", back_populates="files")
    record: Mapped["IntegrityRecord | None"] = relationship("IntegrityRecord", back_populates="files")

    def __repr__(self) -> str:
        return f"<DiligenceFile {self.original_name!r}>"
