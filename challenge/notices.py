"""Who hears of a step, shared by every stage's flows: in-app notices (and e-mail for news a
party must not miss) as (user id, text, link) triples the door stores. Stage-neutral."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .extensions import db
from .locales import later
from .mail import queue_email
from .models import Challenge, User
from .states import Role


def challenge_link(challenge: Challenge) -> str:
    return f"/challenges/{challenge.id}"


def issuer_user_ids(challenge: Challenge) -> list[int]:
    """the issuing enterprise"""
    return list(db.session.scalars(select(User.id).where(
        User.organization_id == challenge.issuer_org_id, User.role == Role.ENTERPRISE,
        User.active.is_(True))))


def admin_user_ids(obj=None) -> list[int]:
    """the bureau (科技局)"""
    return list(db.session.scalars(select(User.id).where(User.role == Role.ADMIN,
                                                         User.active.is_(True))))


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if (doc or "").strip() else ""


def tell(message, recipients, link):
    """Notices for a step: *message* (with %(title)s and %(reason)s) to *recipients(obj)*,
    linking to *link(obj)*, each in the recipient's language; nobody is told about their own
    action. The notice's docstring is
    the recipients' first docstring line (the workflow table shows it)."""
    def notices(obj, ctx):
        challenge = obj if isinstance(obj, Challenge) else obj.challenge
        text = later(message, {"title": challenge.title, "reason": ctx.reason})
        return [(uid, text, link(obj)) for uid in recipients(obj) if uid != ctx.actor_id]
    notices.__doc__ = _first_line(recipients.__doc__)
    return notices


def mailed(notices_fn):
    """The same notices, also queued in the e-mail outbox (news a user must not miss)."""
    def notices(obj, ctx):
        found = list(notices_fn(obj, ctx))
        challenge = obj if isinstance(obj, Challenge) else obj.challenge
        subject = _l("揭榜挂帅平台通知：%(title)s", title=challenge.title)
        for user_id, text, link in found:
            queue_email(db.session.get(User, user_id), subject, text, link)
        return found
    notices.__doc__ = f"{_first_line(notices_fn.__doc__)} (also by e-mail)"
    return notices
