"""Sealed scoring: a reviewer scores each qualified bid of their panel on the 榜's rubric; nobody
but the bureau sees any score until every seated reviewer has submitted every review."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..errors import Refused
from ..extensions import db
from ..models import Challenge, Proposal, Review, ReviewAssignment, ReviewOpening, User
from ..permissions import has_pledged
from ..states import ChallengeState, PanelSeatState, ProposalState, ReviewState, Role
from ..workflow import perform, record
from .aggregate import Aggregate, aggregate, rank
from .rubric import rubric_for

SCORED_STATES = (ProposalState.QUALIFIED, ProposalState.SELECTED, ProposalState.NOT_SELECTED)


def seated_reviewer_ids(challenge: Challenge) -> set[int]:
    return set(db.session.scalars(select(ReviewAssignment.reviewer_id).where(
        ReviewAssignment.challenge_id == challenge.id,
        ReviewAssignment.state == PanelSeatState.ASSIGNED)))


def scored_proposals(challenge: Challenge) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(
        Proposal.challenge_id == challenge.id, Proposal.state.in_(SCORED_STATES))
        .options(selectinload(Proposal.lead_org)).order_by(Proposal.id)))


def panel_progress(challenge: Challenge) -> tuple[int, int]:
    """(reviews submitted, reviews owed): every seated reviewer owes one per qualified bid."""
    done = set(db.session.execute(select(Review.proposal_id, Review.reviewer_id).where(
        Review.challenge_id == challenge.id, Review.state == ReviewState.SUBMITTED)).all())
    return _progress({p.id for p in scored_proposals(challenge)}, seated_reviewer_ids(challenge), done)


def _progress(bids: set[int], reviewers: set[int], done: set[tuple[int, int]]) -> tuple[int, int]:
    """(submitted, owed) from the bids, the seated reviewers and the (bid, reviewer) pairs done."""
    submitted = sum((bid, reviewer) in done for bid in bids for reviewer in reviewers)
    return submitted, len(bids) * len(reviewers)


def panel_complete(challenge: Challenge, progress: tuple[int, int] | None = None) -> bool:
    """Every seated reviewer has submitted a review of every qualified bid (*progress* when the
    caller has it already)."""
    submitted, owed = progress or panel_progress(challenge)
    return owed > 0 and submitted == owed


def panel_open(challenge: Challenge, progress: tuple[int, int] | None = None) -> bool:
    """A panel works while its 榜 is under review and a review is still owed; once every review
    is in (the reviewers then see the scores) or the 榜 has moved on, its seats are history."""
    return challenge.state is ChallengeState.REVIEWING and not panel_complete(challenge, progress)


def can_see_panel_scores(user, challenge: Challenge, seated: set[int] | None = None,
                         progress: tuple[int, int] | None = None) -> bool:
    """Sealed: the bureau always; a seated reviewer once the panel is complete; nobody else
    (*seated* and *progress* when the caller has them already)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role is Role.ADMIN:
        return True
    return (user.role is Role.REVIEWER
            and user.id in (seated_reviewer_ids(challenge) if seated is None else seated)
            and panel_complete(challenge, progress))


def panels_for_reviewer(user, challenges: list[Challenge]) -> dict[int, tuple[list[Proposal], bool]]:
    """For many 榜 at once (a reviewer's list page): the scored bids of each and whether *user*
    may see its panel's scores — `scored_proposals` and `can_see_panel_scores` per 榜, in three
    statements whatever the number of 榜."""
    ids = [c.id for c in challenges]
    seats: dict[int, set[int]] = {i: set() for i in ids}
    bids: dict[int, list[Proposal]] = {i: [] for i in ids}
    done: dict[int, set[tuple[int, int]]] = {i: set() for i in ids}
    if ids:
        for challenge_id, reviewer_id in db.session.execute(
                select(ReviewAssignment.challenge_id, ReviewAssignment.reviewer_id).where(
                    ReviewAssignment.challenge_id.in_(ids),
                    ReviewAssignment.state == PanelSeatState.ASSIGNED)):
            seats[challenge_id].add(reviewer_id)
        for proposal in db.session.scalars(select(Proposal).where(
                Proposal.challenge_id.in_(ids), Proposal.state.in_(SCORED_STATES))
                .options(selectinload(Proposal.lead_org)).order_by(Proposal.id)):
            bids[proposal.challenge_id].append(proposal)
        for challenge_id, proposal_id, reviewer_id in db.session.execute(
                select(Review.challenge_id, Review.proposal_id, Review.reviewer_id).where(
                    Review.challenge_id.in_(ids), Review.state == ReviewState.SUBMITTED)):
            done[challenge_id].add((proposal_id, reviewer_id))
    return {c.id: (bids[c.id], can_see_panel_scores(
        user, c, seats[c.id], _progress({b.id for b in bids[c.id]}, seats[c.id], done[c.id])))
        for c in challenges}


def may_score(user, proposal: Proposal) -> bool:
    return (getattr(user, "is_authenticated", False) and user.role is Role.REVIEWER
            and user.active and proposal.state is ProposalState.QUALIFIED
            and proposal.challenge.state.value == "reviewing"
            and user.id in seated_reviewer_ids(proposal.challenge)
            and has_pledged(user, proposal.challenge))  # the 评审承诺书 first (SPEC §13)


def review_of(user: User, proposal: Proposal) -> Review | None:
    return db.session.scalar(select(Review).where(Review.proposal_id == proposal.id,
                                                  Review.reviewer_id == user.id))


def note_opening(user: User, proposal: Proposal) -> None:
    """Keep when *user* first opened *proposal* to score it: where a review's writing time
    starts (anomalies.py flags one written in implausibly short time). Once per pair."""
    if not may_score(user, proposal) or db.session.scalar(select(ReviewOpening.id).where(
            ReviewOpening.proposal_id == proposal.id, ReviewOpening.reviewer_id == user.id)):
        return
    try:
        with db.session.begin_nested():
            db.session.add(ReviewOpening(proposal_id=proposal.id, reviewer_id=user.id))
            db.session.flush()
    except IntegrityError:
        pass  # another request of the same reviewer noted it first


def review_problems(review: Review) -> list[str]:
    """What keeps a review from being submitted (the form shows the same next to fields)."""
    challenge = review.proposal.challenge
    problems = []
    for criterion in rubric_for(challenge):
        value = (review.scores or {}).get(criterion["key"])
        if value is None:
            problems.append(_("请为「%(c)s」打分。", c=criterion["name"]))
        elif not 0 <= int(value) <= criterion["max"]:
            problems.append(_("「%(c)s」应在 0 到 %(m)d 分之间。", c=criterion["name"],
                              m=criterion["max"]))
    if not problems and review.total < challenge.pass_mark and not review.comment.strip():
        problems.append(_("总分低于合格分 %(p)d 分，请填写评审意见说明理由。", p=challenge.pass_mark))
    return problems


def save_review(user: User, proposal: Proposal, scores: dict, comment: str) -> Review:
    """Create or update this reviewer's draft; two racing saves leave exactly one review."""
    if not may_score(user, proposal):
        raise Refused(_("您不能为该方案评分。"))
    review = review_of(user, proposal)
    if review is None:
        review = Review(challenge_id=proposal.challenge_id, proposal_id=proposal.id,
                        reviewer_id=user.id, scores={}, comment="")
        try:
            with db.session.begin_nested():
                db.session.add(review)
                db.session.flush()
        except IntegrityError:
            review = review_of(user, proposal)  # the other request created it first
    if review.state is ReviewState.SUBMITTED:
        raise Refused(_("评分已提交，不能修改。"))
    changes = {}
    if review.scores != scores:
        changes["scores"] = [review.scores, scores]
        review.scores = scores
    if review.comment != comment:
        changes["comment"] = [bool(review.comment), bool(comment)]
        review.comment = comment
    if changes:
        record(review, "score", user, changes={"total": [None, review.total]})
    return review


def submit_review(user: User, review: Review) -> None:
    perform(review, "submit", user)


@dataclass
class BidResult:
    proposal: Proposal
    reviews: list[Review] = field(default_factory=list)
    aggregate: Aggregate | None = None
    rank: int | None = None
    passes: bool = False


def results(challenge: Challenge) -> list[BidResult]:
    """Per scored bid: submitted reviews, aggregate and rank; best first."""
    bids = scored_proposals(challenge)
    submitted = db.session.scalars(select(Review).where(
        Review.challenge_id == challenge.id, Review.state == ReviewState.SUBMITTED)
        .options(selectinload(Review.reviewer)).order_by(Review.id)).all()
    by_bid: dict[int, list[Review]] = {}
    for review in submitted:
        by_bid.setdefault(review.proposal_id, []).append(review)
    rows = []
    for bid in bids:
        reviews = by_bid.get(bid.id, [])
        agg = aggregate([r.total for r in reviews]) if reviews else None
        rows.append(BidResult(bid, reviews, agg, None,
                              bool(agg and agg.score >= challenge.pass_mark)))
    places = rank({row.proposal.id: row.aggregate.score for row in rows if row.aggregate})
    for row in rows:
        row.rank = places.get(row.proposal.id)
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.proposal.id))
