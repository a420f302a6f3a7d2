"""递补 (issue 15 item 5): when a winner declines, fails the bureau's due diligence, or has not
signed RUNNER_UP_SIGN_DAYS after 公示, the bureau drops it and promotes the best-ranked bid at or
above the pass mark that was not chosen (and never dropped), with its own 公示. The winner's
unsigned draft contract, if any, fails under the terminate rule (nothing was paid on it).
Every step goes through `perform` (guards and notices in awarding/flows.py); the caller commits
or, on Refused, rolls back."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Refused
from ..extensions import db
from ..locking import lock_for_write
from ..models import Challenge, Contract, Proposal, User
from ..reviewing.scoring import BidResult, results
from ..states import ContractState, FailureRule, ProposalState, RunnerUpTrigger
from ..timeutil import utcnow
from ..workflow import perform
from .flows import sign_by, was_dropped

REASON_MAX = 2000


def runner_up(challenge: Challenge) -> BidResult | None:
    """The next qualified bid: best rank first, scored at or above the pass mark, not chosen,
    never dropped as a winner."""
    return next((row for row in results(challenge)
                 if row.proposal.state is ProposalState.NOT_SELECTED and row.passes
                 and not was_dropped(row.proposal)), None)


@dataclass
class Replacement:
    dropped: Proposal
    promoted: Proposal
    contract_failed: Contract | None


def replace_winner(winner: Proposal, admin: User, trigger: RunnerUpTrigger, reason: str,
                   now: datetime | None = None) -> Replacement:
    now = now or utcnow()
    challenge = winner.challenge
    lock_for_write(Challenge, challenge.id)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("请写明递补的理由（如放弃声明、尽职调查结论）。"), "reason")
    if len(reason) > REASON_MAX:
        raise Refused(_("理由不超过 %(n)d 字。", n=REASON_MAX), "reason")
    if winner.state is not ProposalState.SELECTED:
        raise Refused(_("只有入选的揭榜方案才能被递补替换。"))
    nxt = runner_up(challenge)
    if nxt is None:
        raise Refused(_("没有达到合格分 %(m)d 分的候补方案，不能递补；可判定本榜失败或撤榜。",
                        m=challenge.pass_mark))
    why = f"{trigger.label}：{reason}"
    perform(winner, "drop", admin, reason=why, trigger=trigger, now=now)
    perform(nxt.proposal, "promote", admin, now=now, reason=_(
        "递补「%(dropped)s」（%(trigger)s），综合得分 %(score)s，名次 %(rank)s。",
        dropped=winner.title, trigger=trigger.label, score=nxt.aggregate.score, rank=nxt.rank))
    contract = db.session.scalar(select(Contract).where(Contract.proposal_id == winner.id))
    if contract is not None and contract.state is ContractState.DRAFT:
        perform(contract, "fail", admin, reason=why, rule=FailureRule.TERMINATE, now=now)
    return Replacement(winner, nxt.proposal, contract if contract is not None else None)


__all__ = ["Refused", "Replacement", "replace_winner", "runner_up", "sign_by"]
