from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime

if TYPE_CHECKING:
    from .challenge import Challenge
    from .user import User


class Question(db.Model):
    """答疑: a solver's question on an open 榜 and the issuer's answer (asker shown to nobody)."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped["Challenge"] = relationship("Challenge")
    asker: Mapped["User"] = relationship("User", foreign_keys=[asker_id])

    def __repr__(self) -> str:
        return f"<Question {self.id} challenge={self.challenge_id} answered={bool(self.answer)}>"
