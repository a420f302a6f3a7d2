from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column

from ..extensions import db
from .base import CreatedMixin, UTCDateTime
from .user import User


class Notification(CreatedMixin, db.Model):
    """An in-app message to one user, with a link to what it is about."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(200), default="")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Notification user={self.user_id} {self.message[:20]!r}>"


# A user's unread messages, for the navbar: load_user (auth.views) reads it in the same query
# as the signed-in user, so no page runs a query of its own for the counter.
User.unread_notifications = column_property(
    select(func.count(Notification.id))
    .where(Notification.user_id == User.id, Notification.read_at.is_(None))
    .correlate_except(Notification).scalar_subquery(), deferred=True)
