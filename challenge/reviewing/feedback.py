"""What a bidder learns of the panel's view of its own bid once 公示 opens: its aggregate, a
rank band and the panel's comments without reviewer names. Nothing of other bids but their
number, and nothing before the decision (a 榜 sent back to review hides it again)."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from .. import permissions as can
from ..models import Proposal
from ..states import ChallengeState, ProposalState
from .aggregate import Aggregate
from .scoring import results

# Once the decision is made: 公示 and every state after it (a 榜 reopened goes back to REVIEWING).
AFTER_DECISION = (ChallengeState.PUBLICITY, ChallengeState.CONTRACTED, ChallengeState.ACCEPTED,
                  ChallengeState.AWARDED, ChallengeState.CLOSED, ChallengeState.FAILED)
DECIDED = (ProposalState.SELECTED, ProposalState.NOT_SELECTED)
SMALL_FIELD = 4  # up to this many scored bids the exact place is given; above it, a quarter


@dataclass(frozen=True)
class Feedback:
    aggregate: Aggregate
    pass_mark: int
    passes: bool
    band: str
    field_size: int
    comments: list[str]

    @property
    def score(self) -> Decimal:
        return self.aggregate.score


def may_see_feedback(user, proposal: Proposal) -> bool:
    """The bidder itself (its lead organisation's solvers), once the 榜's decision is out."""
    return (can.is_bidder(user, proposal) and proposal.state in DECIDED
            and proposal.challenge.state in AFTER_DECISION)


def rank_band(place: int, tied: int, size: int) -> str:
    """Where a bid stands among *size* scored bids, as much as is honest to say: in a small
    field its place (a range when *tied* bids share it); in a larger one the quarter it is in,
    counted from its best place (so a tie never pushes a bid down)."""
    if size <= SMALL_FIELD:
        if tied > 1:
            return _("并列第 %(a)d–%(b)d 名（共 %(n)d 个方案）", a=place, b=place + tied - 1, n=size)
        return _("第 %(a)d 名（共 %(n)d 个方案）", a=place, n=size)
    quarter = min(4, -(-place * 4 // size))  # ceil(place / size · 4)
    bands = (_("前 25%%（共 %(n)d 个方案）", n=size), _("前 25%%–50%%（共 %(n)d 个方案）", n=size),
             _("前 50%%–75%%（共 %(n)d 个方案）", n=size), _("后 25%%（共 %(n)d 个方案）", n=size))
    return bands[quarter - 1]


def feedback_for(user, proposal: Proposal) -> Feedback | None:
    """The bidder's feedback on its own bid, or None (not theirs, not decided, or not scored)."""
    if not may_see_feedback(user, proposal):
        return None
    rows = [row for row in results(proposal.challenge) if row.aggregate is not None]
    mine = next((row for row in rows if row.proposal.id == proposal.id), None)
    if mine is None:
        return None
    tied = sum(row.rank == mine.rank for row in rows)
    comments = sorted(r.comment.strip() for r in mine.reviews if r.comment.strip())
    return Feedback(mine.aggregate, proposal.challenge.pass_mark, mine.passes,
                    rank_band(mine.rank, tied, len(rows)), len(rows), comments)
