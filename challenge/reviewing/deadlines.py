"""A panel's due date and the reminders to reviewers who still owe reviews before it.

The due date (Challenge.review_due_on, a local day) is set when the first reviewer is seated
(REVIEW_DAYS on) or by the bureau on the panel page; both are audited. The periodic job
`remind-reviewers` (challenge/jobs) tells every seated reviewer who has not yet submitted a
review of every qualified bid: once REVIEW_REMIND_DAYS_BEFORE days before the due date
("before") and once on it ("due"). A ReviewReminder row per seat and kind, unique in the
database, makes each reminder go out once however often and on however many nodes the job runs;
moving the due date clears the rows so the reminders follow the new date."""

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..errors import Refused
from ..extensions import db
from ..locking import lock_for_write
from ..mail import queue_email
from ..models import (
    Challenge,
    Notification,
    Proposal,
    Review,
    ReviewAssignment,
    ReviewReminder,
    User,
)
from ..states import SYSTEM, ChallengeState, PanelSeatState, ReviewState
from ..timeutil import local_date, local_today
from ..workflow import Actor, record
from .scoring import SCORED_STATES

BEFORE, DUE = "before", "due"


def default_due_date(today: date | None = None) -> date:
    return (today or local_today()) + timedelta(days=int(current_app.config["REVIEW_DAYS"]))


def ensure_due_date(challenge: Challenge, actor: Actor, today: date | None = None) -> None:
    """A panel being seated gets its due date, REVIEW_DAYS from today, unless it has one."""
    if challenge.review_due_on is None:
        due = default_due_date(today)
        record(challenge, "set_review_due", actor,
               changes={"review_due_on": [None, due.isoformat()]})
        challenge.review_due_on = due


def set_due_date(challenge: Challenge, due: date | None, actor: User,
                 today: date | None = None) -> None:
    """The bureau moves a panel's due date: a day from today on, while the 榜 is under review.
    Reminders already sent for the old date are forgotten, so the new date gets its own."""
    lock_for_write(Challenge, challenge.id)
    if challenge.state is not ChallengeState.REVIEWING:
        raise Refused(_("只有评审中的榜可以设置评审截止日期。"), "due_on")
    if due is None:
        raise Refused(_("请填写评审截止日期。"), "due_on")
    if due < (today or local_today()):
        raise Refused(_("评审截止日期不能早于今天。"), "due_on")
    if due == challenge.review_due_on:
        return
    record(challenge, "set_review_due", actor, changes={"review_due_on": [
        challenge.review_due_on.isoformat() if challenge.review_due_on else None, due.isoformat()]})
    challenge.review_due_on = due
    db.session.execute(delete(ReviewReminder).where(ReviewReminder.challenge_id == challenge.id))


def owed_reviews(challenge_ids: list[int]) -> dict[int, dict[int, int]]:
    """{榜 id: {seated reviewer id: reviews still owed}} for reviewers owing at least one: a
    seated reviewer owes a submitted review of every qualified bid."""
    if not challenge_ids:
        return {}
    bids = dict(db.session.execute(
        select(Proposal.challenge_id, func.count()).where(
            Proposal.challenge_id.in_(challenge_ids), Proposal.state.in_(SCORED_STATES))
        .group_by(Proposal.challenge_id)).all())
    done = {(c, r): n for c, r, n in db.session.execute(
        select(Review.challenge_id, Review.reviewer_id, func.count())
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Review.challenge_id.in_(challenge_ids), Review.state == ReviewState.SUBMITTED,
               Proposal.state.in_(SCORED_STATES))
        .group_by(Review.challenge_id, Review.reviewer_id))}
    owed: dict[int, dict[int, int]] = {}
    for challenge_id, reviewer_id in db.session.execute(
            select(ReviewAssignment.challenge_id, ReviewAssignment.reviewer_id).where(
                ReviewAssignment.challenge_id.in_(challenge_ids),
                ReviewAssignment.state == PanelSeatState.ASSIGNED)):
        left = bids.get(challenge_id, 0) - done.get((challenge_id, reviewer_id), 0)
        if left > 0:
            owed.setdefault(challenge_id, {})[reviewer_id] = left
    return owed


def remind_reviewers(today: date | None = None) -> int:
    """Send the reminders due today (see the module's note); the number sent. The caller commits."""
    today = today or local_today()
    ahead = int(current_app.config["REVIEW_REMIND_DAYS_BEFORE"])
    panels = db.session.scalars(select(Challenge).where(
        Challenge.state == ChallengeState.REVIEWING, Challenge.review_due_on.is_not(None),
        Challenge.review_due_on <= today + timedelta(days=ahead)).order_by(Challenge.id)).all()
    owed = owed_reviews([c.id for c in panels])
    sent_already = set(db.session.execute(
        select(ReviewReminder.challenge_id, ReviewReminder.reviewer_id, ReviewReminder.kind).where(
            ReviewReminder.challenge_id.in_([c.id for c in panels]))).all()) if panels else set()
    sent = 0
    for challenge in panels:
        kind = DUE if today >= challenge.review_due_on else BEFORE
        for reviewer_id, left in sorted(owed.get(challenge.id, {}).items()):
            if (challenge.id, reviewer_id, kind) in sent_already:
                continue
            if _remind(challenge, db.session.get(User, reviewer_id), kind, left, today):
                sent += 1
    db.session.flush()
    return sent


def _remind(challenge: Challenge, reviewer: User, kind: str, left: int, today: date) -> bool:
    """One reminder, unless another run wrote its row first (the unique constraint decides)."""
    due = challenge.review_due_on
    try:
        with db.session.begin_nested():
            db.session.add(ReviewReminder(challenge_id=challenge.id, reviewer_id=reviewer.id,
                                          kind=kind, due_on=due))
            db.session.flush()
    except IntegrityError:
        return False
    if kind == BEFORE:
        text = _l("「%(title)s」的评审将于 %(d)s 截止，您还有 %(n)d 份评分未提交。",
                  title=challenge.title, d=due.isoformat(), n=left)
    else:
        text = _l("「%(title)s」的评审截止日 %(d)s 已到，您还有 %(n)d 份评分未提交，请尽快提交。",
                  title=challenge.title, d=due.isoformat(), n=left)
    link = "/reviews"
    db.session.add(Notification(user_id=reviewer.id, message=text, link=link))
    queue_email(reviewer, _l("揭榜挂帅平台通知：%(title)s", title=challenge.title), text, link)
    seat = db.session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.challenge_id == challenge.id, ReviewAssignment.reviewer_id == reviewer.id))
    record(seat, "remind", SYSTEM, changes={
        "reminder": [None, kind], "review_due_on": [None, due.isoformat()], "owed": [None, left]})
    return True


def timeliness(challenge: Challenge, reviewer_ids: list[int]) -> dict[int, tuple[datetime | None, int]]:
    """Per seated reviewer: (their last submission, days late against the due date; 0 = on
    time); (None, 0) for a reviewer who has submitted nothing. The rating form shows it."""
    last = dict(db.session.execute(
        select(Review.reviewer_id, func.max(Review.submitted_at)).where(
            Review.challenge_id == challenge.id, Review.reviewer_id.in_(reviewer_ids),
            Review.state == ReviewState.SUBMITTED).group_by(Review.reviewer_id)).all())
    found = {}
    for reviewer_id in reviewer_ids:
        at = last.get(reviewer_id)
        late = 0
        if at is not None and challenge.review_due_on is not None:
            late = max(0, (local_date(at) - challenge.review_due_on).days)
        found[reviewer_id] = (at, late)
    return found
