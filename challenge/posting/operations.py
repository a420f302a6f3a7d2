"""发榜 operations: each writes, audits and notifies in one place; the caller commits."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Refused
from ..extensions import db
from ..locales import in_language_of
from ..locking import lock_for_write
from ..models import (
    AccessGrant,
    AccessLog,
    Challenge,
    ChallengeIndicator,
    ChallengeInvitation,
    Notification,
    User,
)
from ..notices import challenge_link, issuer_user_ids
from ..permissions import grant_for, is_invited
from ..states import SYSTEM, AccessState, ChallengeState, Confidentiality, Role
from ..timeutil import utcnow
from ..workflow import perform, record

AUDITED_FIELDS = ("title", "kind", "field", "industry_tags", "summary", "detail", "bounty_fen",
                  "investment_fen", "funding_mode", "max_winners", "deadline_at", "period_months",
                  "eligible_org_types", "eligible_regions", "qualifications", "confidentiality",
                  "contact_name", "contact_phone", "contact_email",
                  "title_en", "summary_en", "worldwide")
# The English face is optional: values without it (older callers) leave it as it is.
OPTIONAL_FIELDS = {"title_en": "", "summary_en": "", "worldwide": False}


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)


def _indicator_rows(challenge: Challenge) -> list[dict]:
    return [{k: getattr(i, k) or "" for k in ChallengeIndicator.TEXT_COLUMNS} for i in challenge.indicators]


def _apply(challenge: Challenge, values: dict) -> dict:
    """Write form values onto the 榜; return {field: [before, after]} for what changed."""
    changes = {}
    for name in AUDITED_FIELDS:
        if name not in values and name in OPTIONAL_FIELDS:
            continue
        before, after = getattr(challenge, name), values[name]
        if before is None and name in OPTIONAL_FIELDS:  # a new 榜: its column default
            before = OPTIONAL_FIELDS[name]
        if before != after:
            changes[name] = [_plain(before), _plain(after)]
            setattr(challenge, name, after)
    rows = [{"name_en": "", **row} for row in values["indicators"]]
    if _indicator_rows(challenge) != rows:
        changes["indicators"] = [_indicator_rows(challenge), rows]
        challenge.indicators = [ChallengeIndicator(position=n, **row) for n, row in enumerate(rows)]
    return changes


def create_challenge(actor: User, values: dict) -> Challenge:
    challenge = Challenge(issuer_org_id=actor.organization_id, created_by_id=actor.id,
                          state=ChallengeState.DRAFT)
    changes = _apply(challenge, values)
    db.session.add(challenge)
    db.session.flush()
    record(challenge, "create", actor, to_state=ChallengeState.DRAFT,
           changes={k: [None, v[1]] for k, v in changes.items()})
    return challenge


def update_challenge(challenge: Challenge, actor: User, values: dict, note: str = "") -> dict:
    changes = _apply(challenge, values)
    if changes:
        record(challenge, "edit", actor, reason=note, changes=changes)
    return changes


def publish(challenge: Challenge, actor: User, deadline_at: datetime, worldwide: bool,
            note: str = "") -> None:
    """The bureau publishes (or republishes an unclaimed) 榜, deciding 面向全球发布 as it does:
    a changed mark is recorded as an edit, then the door's guards see it (a worldwide 榜
    needs its whole English face); refused, the caller's rollback undoes both."""
    if challenge.worldwide != worldwide:
        record(challenge, "edit", actor,
               changes={"worldwide": [challenge.worldwide, worldwide]})
        challenge.worldwide = worldwide
    action = "republish" if challenge.state is ChallengeState.UNCLAIMED else "publish"
    perform(challenge, action, actor, reason=note, deadline_at=deadline_at)


def close_expired(now: datetime | None = None) -> list[Challenge]:
    """Move every open 榜 whose deadline has passed to reviewing (the clock is the actor)."""
    now = now or utcnow()
    closed = []
    due = db.session.scalars(select(Challenge).where(
        Challenge.state == ChallengeState.OPEN, Challenge.deadline_at <= now)).all()
    for challenge in due:
        try:
            perform(challenge, "close", SYSTEM, now=now)
            db.session.commit()
            closed.append(challenge)
        except (StaleDataError, Refused):
            db.session.rollback()  # someone else closed it first
    return closed


def request_access(challenge: Challenge, user: User, note: str) -> AccessGrant:
    """Ask for the confidential body; a request sent twice at once (double click) is one."""
    lock_for_write(User, user.id)  # the user's grants: one per 榜
    existing = grant_for(user, challenge)
    if existing is not None:
        return existing
    grant = AccessGrant(challenge_id=challenge.id, user_id=user.id, request_note=note.strip(),
                        state=AccessState.REQUESTED)
    db.session.add(grant)
    db.session.flush()
    record(grant, "request", user, to_state=AccessState.REQUESTED, reason=note.strip())
    text = _l("有揭榜方申请查阅「%(title)s」的保密内容。", title=challenge.title)
    for uid in issuer_user_ids(challenge):
        db.session.add(Notification(user_id=uid, message=text,
                                    link=f"{challenge_link(challenge)}/access"))
    return grant


def decide_access(grant: AccessGrant, actor: User, decision: str, reason: str = "") -> None:
    if decision not in ("grant", "refuse", "revoke"):
        raise Refused(_("未知操作：%(action)s", action=decision))
    perform(grant, decision, actor, reason=reason)


def accept_undertaking(grant: AccessGrant, user: User) -> None:
    grant.undertaking_accepted_at = utcnow()
    record(grant, "accept_undertaking", user)


def log_body_view(challenge: Challenge, user: User, ip: str) -> None:
    db.session.add(AccessLog(challenge_id=challenge.id, user_id=user.id, ip=ip or ""))


def invite_solver(challenge: Challenge, actor: User, solver: User) -> ChallengeInvitation | None:
    """Invite a solver; on a 定向 榜 the invitation is also the access grant. None if the
    solver is invited already."""
    lock_for_write(User, solver.id)  # the solver's invitations and grants: one per 榜
    if is_invited(solver, challenge):
        return None
    invitation = ChallengeInvitation(challenge_id=challenge.id, user_id=solver.id,
                                     invited_by_id=actor.id)
    db.session.add(invitation)
    db.session.flush()
    record(invitation, "invite", actor, object_type="invitation",
           changes={"challenge": [None, challenge.id], "user": [None, solver.id]})
    if challenge.confidentiality is Confidentiality.DIRECTED:
        grant = grant_for(solver, challenge)
        note = in_language_of(actor, _l("定向邀请"))  # the issuer's words, in their language
        if grant is None:
            grant = AccessGrant(challenge_id=challenge.id, user_id=solver.id,
                                request_note=note, state=AccessState.REQUESTED)
            db.session.add(grant)
            db.session.flush()
        if grant.state is not AccessState.GRANTED:
            perform(grant, "grant", actor, reason=note)
    db.session.add(Notification(
        user_id=solver.id, link=challenge_link(challenge),
        message=_l("您受邀参与揭榜：「%(title)s」。", title=challenge.title)))
    return invitation


def find_solver(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower(),
                                                User.role == Role.SOLVER, User.active.is_(True)))
