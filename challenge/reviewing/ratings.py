"""The bureau rates each reviewer per panel (一项目一评价): timeliness and quality of comments,
1–5 each, with a note; audited, kept on the expert's record, and (REVIEWER_RATING_WEIGHT > 0)
weighed when panels are proposed."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..errors import Refused
from ..extensions import db
from ..locking import lock_for_write
from ..models import Challenge, ReviewAssignment, ReviewerRating, User
from ..states import ChallengeState, PanelSeatState
from ..timeutil import utcnow
from ..workflow import record
from .scoring import panel_complete

SCALE = range(1, 6)
NOTE_MAX = 1000


@dataclass(frozen=True)
class RatingInput:
    timeliness: int | None
    quality: int | None
    note: str = ""


def may_rate(challenge: Challenge) -> bool:
    """A panel is rated once its work is done: every review in, or the 榜 decided since."""
    if challenge.state is ChallengeState.REVIEWING:
        return panel_complete(challenge)
    return challenge.state not in (ChallengeState.DRAFT, ChallengeState.SCREENING,
                                   ChallengeState.OPEN, ChallengeState.WITHDRAWN)


def rate(challenge: Challenge, reviewer: User, actor: User, given: RatingInput) -> ReviewerRating:
    """Rate (or re-rate) a reviewer who sat on this panel; raises Refused naming the field."""
    lock_for_write(Challenge, challenge.id)
    if not may_rate(challenge):
        raise Refused(_("评审工作完成后才能评价评审专家。"))
    seated = db.session.scalar(select(ReviewAssignment.id).where(
        ReviewAssignment.challenge_id == challenge.id, ReviewAssignment.reviewer_id == reviewer.id,
        ReviewAssignment.state == PanelSeatState.ASSIGNED))
    if seated is None:
        raise Refused(_("%(name)s 不在本榜的评审组中。", name=reviewer.name))
    for name, value in (("timeliness", given.timeliness), ("quality", given.quality)):
        if value not in SCALE:
            raise Refused(_("请选择 1 到 5 分。"), name)
    note = (given.note or "").strip()
    if len(note) > NOTE_MAX:
        raise Refused(_("评价说明不超过 %(n)d 字。", n=NOTE_MAX), "note")
    rating = db.session.scalar(select(ReviewerRating).where(
        ReviewerRating.challenge_id == challenge.id, ReviewerRating.reviewer_id == reviewer.id))
    before = (None, None) if rating is None else (rating.timeliness, rating.quality)
    if rating is None:
        rating = ReviewerRating(challenge_id=challenge.id, reviewer_id=reviewer.id,
                                rated_by_id=actor.id, timeliness=0, quality=0)
        db.session.add(rating)
    rating.timeliness, rating.quality, rating.note = given.timeliness, given.quality, note
    rating.rated_by_id, rating.rated_at = actor.id, utcnow()
    db.session.flush()
    record(rating, "rate", actor, reason=note, object_type="reviewer_rating", changes={
        "challenge": [None, challenge.id], "reviewer": [None, reviewer.id],
        "timeliness": [before[0], given.timeliness], "quality": [before[1], given.quality]})
    return rating


def ratings_of_panel(challenge: Challenge) -> dict[int, ReviewerRating]:
    return {r.reviewer_id: r for r in db.session.scalars(select(ReviewerRating).where(
        ReviewerRating.challenge_id == challenge.id))}


def ratings_of(reviewer_id: int) -> list[ReviewerRating]:
    """An expert's record: every rating, newest first."""
    return list(db.session.scalars(select(ReviewerRating).where(
        ReviewerRating.reviewer_id == reviewer_id).options(selectinload(ReviewerRating.challenge))
        .order_by(ReviewerRating.rated_at.desc(), ReviewerRating.id.desc())))


def mean_ratings(reviewer_ids) -> dict[int, float]:
    """{reviewer id: mean of (timeliness + quality) / 2 over their ratings}, rated reviewers only."""
    ids = list(reviewer_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(
        ReviewerRating.reviewer_id,
        func.avg((ReviewerRating.timeliness + ReviewerRating.quality) / 2.0))
        .where(ReviewerRating.reviewer_id.in_(ids)).group_by(ReviewerRating.reviewer_id)).all()
    return {reviewer_id: float(mean) for reviewer_id, mean in rows}


def weigh(scores: dict[int, dict[int, float]]) -> dict[int, dict[int, float]]:
    """Match scores ({榜 id: {reviewer id: score}}) adjusted by the bureau's ratings: a score is
    multiplied by 1 + w·(mean − 3)/2, w = REVIEWER_RATING_WEIGHT, so a reviewer rated 5 on
    average gains w, one rated 1 loses w, an unrated one (or w = 0) is left as is."""
    weight = float(current_app.config.get("REVIEWER_RATING_WEIGHT") or 0)
    if not weight:
        return scores
    means = mean_ratings({r for per in scores.values() for r in per})
    return {need: {r: s * (1 + weight * (means[r] - 3) / 2) if r in means else s
                   for r, s in per.items()} for need, per in scores.items()}
