"""What came of an accepted contract: the outcome reports its two parties owe 1 and 3 years
after acceptance (技术合同登记, 科技成果登记, patents, products and sales). Money in 分."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import CreatedMixin, UTCDateTime

if TYPE_CHECKING:
    from .award import Contract
    from .organization import Organization

OUTCOME_PARTIES = ("solver", "enterprise")   # who reports: the solver, or the issuing enterprise
OUTCOME_YEARS = (1, 3)                       # due this many years after acceptance


class OutcomeReport(CreatedMixin, db.Model):
    """One report owed by one party of an accepted contract at one due date. The row exists
    from the schedule on (`submitted_at` NULL while still owed); a submitted report is final."""

    __tablename__ = "outcome_reports"
    __table_args__ = (
        UniqueConstraint("contract_id", "party", "year"),
        CheckConstraint("party IN ('solver', 'enterprise')", name="party_known"),
        CheckConstraint("year IN (1, 3)", name="year_known"),
        CheckConstraint("tech_contract_fen >= 0 AND sales_fen >= 0 AND rd_spend_fen >= 0",
                        name="money_nonnegative"),
        CheckConstraint("patents_filed >= 0 AND patents_granted >= 0", name="patents_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    party: Mapped[str] = mapped_column(String(12))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    year: Mapped[int] = mapped_column()
    due_on: Mapped[date] = mapped_column(Date, index=True)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    tech_contract_no: Mapped[str] = mapped_column(String(60), default="")   # 技术合同登记号
    tech_contract_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # 成交额
    results_no: Mapped[str] = mapped_column(String(60), default="")        # 科技成果登记号
    patents_filed: Mapped[int] = mapped_column(default=0)
    patents_granted: Mapped[int] = mapped_column(default=0)
    products: Mapped[str] = mapped_column(Text, default="")
    sales_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    rd_spend_fen: Mapped[int] = mapped_column(BigInteger, default=0)       # own R&D spend since
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    contract: Mapped["Contract"] = relationship("Contract")
    organization: Mapped["Organization"] = relationship("Organization")

    @property
    def challenge(self):
        return self.contract.challenge

    def __repr__(self) -> str:
        return f"<OutcomeReport contract={self.contract_id} {self.party} year {self.year}>"
