"""The bureau's to-do list (its dashboard): 榜 past their deadline whose bids wait for the
eligibility check, panels short of reviewers, panels complete and waiting for a decision,
objections to answer, winning bids without a contract. Each list is a few grouped queries,
whatever the number of 榜; the admins are told when an item arrives (reviewing/flows.py)."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from ..extensions import db
from ..models import Challenge, Contract, Objection, Proposal, Review, ReviewAssignment
from ..states import ChallengeState, ObjectionState, PanelSeatState, ProposalState, ReviewState
from .scoring import SCORED_STATES

SHOWN = 10  # rows per list on the dashboard; the count says how many in all


@dataclass
class TodoItem:
    challenge: Challenge
    detail: str  # e.g. "3 个方案" — what waits, in numbers
    link: str


@dataclass
class TodoList:
    key: str
    label: str
    count: int = 0
    items: list[TodoItem] = field(default_factory=list)


def _reviewing():
    return Challenge.state == ChallengeState.REVIEWING


def _under_review(column):
    """*column* (a 榜 id) of a 榜 under review: keeps each grouped count to the few 榜 that
    matter, not the whole history (measured at 100k 榜, see the report of part "deadlines")."""
    return column.in_(select(Challenge.id).where(_reviewing()))


def to_qualify() -> tuple[int, list[tuple[Challenge, int]]]:
    """榜 under review (past their 揭榜 deadline) with bids not yet checked for eligibility."""
    waiting = (select(Proposal.challenge_id, func.count().label("n"))
               .where(Proposal.state == ProposalState.SUBMITTED, _under_review(Proposal.challenge_id))
               .group_by(Proposal.challenge_id).subquery())
    query = (select(Challenge, waiting.c.n).join(waiting, waiting.c.challenge_id == Challenge.id)
             .where(_reviewing()))
    return _counted(query, Challenge.deadline_at)


def to_seat() -> tuple[int, list[tuple[Challenge, int]]]:
    """榜 under review with a bid to review (submitted or qualified) whose panel has fewer
    seated reviewers than it needs; a 榜 without bids needs 流榜, not a panel."""
    seated = (select(ReviewAssignment.challenge_id, func.count().label("n"))
              .where(ReviewAssignment.state == PanelSeatState.ASSIGNED,
                     _under_review(ReviewAssignment.challenge_id))
              .group_by(ReviewAssignment.challenge_id).subquery())
    taken = func.coalesce(seated.c.n, 0)
    has_bids = select(Proposal.id).where(
        Proposal.challenge_id == Challenge.id,
        Proposal.state.in_([ProposalState.SUBMITTED, ProposalState.QUALIFIED])).exists()
    query = (select(Challenge, Challenge.reviewers_required - taken)
             .outerjoin(seated, seated.c.challenge_id == Challenge.id)
             .where(_reviewing(), taken < Challenge.reviewers_required, has_bids))
    return _counted(query, Challenge.deadline_at)


def to_decide() -> tuple[int, list[tuple[Challenge, int]]]:
    """榜 under review whose panel is complete: every seated reviewer has submitted a review of
    every qualified bid (scoring.panel_complete, counted in SQL); the number is of bids."""
    bids = (select(Proposal.challenge_id, func.count().label("n"))
            .where(Proposal.state.in_(SCORED_STATES), _under_review(Proposal.challenge_id))
            .group_by(Proposal.challenge_id).subquery())
    seats = (select(ReviewAssignment.challenge_id, func.count().label("n"))
             .where(ReviewAssignment.state == PanelSeatState.ASSIGNED,
                    _under_review(ReviewAssignment.challenge_id))
             .group_by(ReviewAssignment.challenge_id).subquery())
    done = (select(Review.challenge_id, func.count().label("n"))
            .join(Proposal, Proposal.id == Review.proposal_id)
            .join(ReviewAssignment, and_(ReviewAssignment.challenge_id == Review.challenge_id,
                                         ReviewAssignment.reviewer_id == Review.reviewer_id))
            .where(Review.state == ReviewState.SUBMITTED, Proposal.state.in_(SCORED_STATES),
                   ReviewAssignment.state == PanelSeatState.ASSIGNED,
                   _under_review(Review.challenge_id))
            .group_by(Review.challenge_id).subquery())
    query = (select(Challenge, bids.c.n)
             .join(bids, bids.c.challenge_id == Challenge.id)
             .join(seats, seats.c.challenge_id == Challenge.id)
             .join(done, done.c.challenge_id == Challenge.id)
             .where(_reviewing(), done.c.n == bids.c.n * seats.c.n))
    return _counted(query, Challenge.deadline_at)


def to_answer() -> tuple[int, list[tuple[Challenge, int]]]:
    """榜 with objections (异议) still open; the number is of objections."""
    open_ = (select(Objection.challenge_id, func.count().label("n"))
             .where(Objection.state == ObjectionState.OPEN)
             .group_by(Objection.challenge_id).subquery())
    query = select(Challenge, open_.c.n).join(open_, open_.c.challenge_id == Challenge.id)
    return _counted(query, Challenge.publicity_ends_at)


def to_contract() -> tuple[int, list[tuple[Challenge, int]]]:
    """榜 in 公示 or 签约 with a selected bid that has no contract drafted yet."""
    missing = (select(Proposal.challenge_id, func.count().label("n"))
               .outerjoin(Contract, Contract.proposal_id == Proposal.id)
               .where(Proposal.state == ProposalState.SELECTED, Contract.id.is_(None),
                      Proposal.challenge_id.in_(select(Challenge.id).where(Challenge.state.in_(
                          [ChallengeState.PUBLICITY, ChallengeState.CONTRACTED]))))
               .group_by(Proposal.challenge_id).subquery())
    query = (select(Challenge, missing.c.n).join(missing, missing.c.challenge_id == Challenge.id)
             .where(Challenge.state.in_([ChallengeState.PUBLICITY, ChallengeState.CONTRACTED])))
    return _counted(query, Challenge.publicity_ends_at)


def _counted(query, order) -> tuple[int, list[tuple[Challenge, int]]]:
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(order, Challenge.id).limit(SHOWN)).all() if total else []
    return total or 0, [(c, int(n)) for c, n in rows]


def todo_lists() -> list[TodoList]:
    """The dashboard's five lists, in the order work flows (each with its count and first rows)."""
    kinds = (
        ("qualify", _("截止后待资格审查"), to_qualify, lambda n: _("%(n)d 个方案待审", n=n),
         lambda c: f"/challenges/{c.id}/proposals"),
        ("seat", _("评审组待分配"), to_seat, lambda n: _("缺 %(n)d 名评审专家", n=n),
         lambda c: f"/admin/panels/{c.id}"),
        ("decide", _("评审完成待确定揭榜方"), to_decide, lambda n: _("%(n)d 个方案已评完", n=n),
         lambda c: f"/admin/challenges/{c.id}/decision"),
        ("objections", _("待处理的异议"), to_answer, lambda n: _("%(n)d 条异议", n=n),
         lambda c: f"/admin/challenges/{c.id}/decision"),
        ("contracts", _("待起草合同"), to_contract, lambda n: _("%(n)d 个入选方案无合同", n=n),
         lambda c: f"/admin/challenges/{c.id}/contracts"),
    )
    lists = []
    for key, label, find, detail, link in kinds:
        count, rows = find()
        lists.append(TodoList(key, label, count, [TodoItem(c, detail(n), link(c)) for c, n in rows]))
    return lists
