from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime


class OutboundEmail(db.Model):
    """The e-mail outbox: written with the change it reports, delivered by `flask send-mail`."""

    __tablename__ = "outbound_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # A sender's claim (challenge/mail.py): set atomically before sending, so of two senders
    # running at once only one takes each row; a claim older than CLAIM_EXPIRES is abandoned.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(64), default="")

    def __repr__(self) -> str:
        return f"<OutboundEmail {self.id} to={self.to_address} sent={bool(self.sent_at)}>"
