from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, event, func, select
from sqlalchemy.orm import Mapped, Session, column_property, mapped_column

from ..extensions import db
from ..locales import in_language_of
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


@event.listens_for(Session, "before_flush")
def _in_the_recipients_language(session, _context, _instances) -> None:
    """A notice given as a lazy string (`_l(...)`, notices.tell) is stored in its recipient's
    language (User.locale), whoever's request caused it."""
    for obj in session.new:
        if isinstance(obj, Notification) and not isinstance(obj.message, str):
            with session.no_autoflush:
                obj.message = in_language_of(session.get(User, obj.user_id), obj.message)
