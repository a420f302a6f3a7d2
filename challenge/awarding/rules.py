"""奖榜 rules that read the database: a contract's terms and ledger, and what a 榜's contracts
allow the 榜 itself to do next (签约, 验收, 兑现, 失败)."""

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Challenge, Contract, ContractMilestone, Determination, LedgerEntry, Proposal
from ..money import SHARE_TOTAL
from ..states import ContractState, MilestoneState, ProposalState
from ..timeutil import local_today
from .ledger import EARNED, Line, Milestone, Terms, Totals, totals

LIVE = frozenset({ContractState.DRAFT, ContractState.ACTIVE})
OPEN_MILESTONES = frozenset({MilestoneState.PENDING, MilestoneState.REPORTED,
                             MilestoneState.RETURNED, MilestoneState.CONFIRMED})
# Cancelled when a contract is eliminated or fails: open and not yet earned. A milestone the
# enterprise has confirmed is earned (ledger.EARNED) and stays payable after an elimination,
# or withheld after a failure under the withhold rule.
CANCELLED_AT_END = OPEN_MILESTONES - EARNED


def advance_limit(contract: Contract) -> int:
    """前置兑现 allowed under this contract: the 榜's share of its subsidy, capped, to the 分 down."""
    challenge = contract.challenge
    return min(contract.subsidy_fen * challenge.advance_share_bp // SHARE_TOTAL,
               challenge.advance_cap_fen)


def terms_of(contract: Contract) -> Terms:
    return Terms(mode=contract.funding_mode, state=contract.state, amount_fen=contract.amount_fen,
                 subsidy_fen=contract.subsidy_fen,
                 milestones=tuple(Milestone(m.id, m.share_bp, m.state) for m in contract.milestones),
                 failure_rule=contract.failure_rule, recovery_fen=contract.recovery_fen,
                 advance_limit_fen=advance_limit(contract),
                 diligence=db.session.scalar(select(Determination.verdict).where(
                     Determination.contract_id == contract.id)) if contract.id else None)


def lines_of(contract: Contract) -> list[Line]:
    rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.contract_id == contract.id)
                              .order_by(LedgerEntry.id))
    return [Line(id=e.id, kind=e.kind, payer=e.payer, amount_fen=e.amount_fen,
                 milestone_id=e.milestone_id, reverses_id=e.reverses_id) for e in rows]


def contract_totals(contract: Contract) -> Totals:
    return totals(terms_of(contract), lines_of(contract))


def contracts_of(challenge: Challenge) -> list[Contract]:
    return list(db.session.scalars(select(Contract).where(Contract.challenge_id == challenge.id)
                                   .order_by(Contract.id)))


def winners_of(challenge: Challenge) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(
        Proposal.challenge_id == challenge.id, Proposal.state == ProposalState.SELECTED)
        .order_by(Proposal.id)))


def contracted_total(challenge: Challenge, leaving_out: Contract | None = None) -> int:
    """The bounty already promised under this 榜's other contracts (failed drafts excluded)."""
    return sum(c.amount_fen for c in contracts_of(challenge)
               if c is not leaving_out and not (c.state is ContractState.FAILED and c.signed_at is None))


# Overdue: a milestone of a contract in force, due before today (Shanghai), with nothing
# reported yet or its report sent back. `is_overdue` for one row, `overdue_conditions` in SQL.
OVERDUE_STATES = (MilestoneState.PENDING, MilestoneState.RETURNED)


def is_overdue(milestone, today=None) -> bool:
    today = today or local_today()
    return milestone.due_on < today and milestone.state in OVERDUE_STATES \
        and milestone.contract.state is ContractState.ACTIVE


def overdue_conditions(today) -> list:
    """`is_overdue` as WHERE clauses over ContractMilestone joined to Contract."""
    return [Contract.state == ContractState.ACTIVE, ContractMilestone.due_on < today,
            ContractMilestone.state.in_(OVERDUE_STATES)]


# -- what the 榜's contracts allow the 榜 to do -------------------------------------------

def contract_problem(challenge: Challenge) -> str | None:
    """签约 of the 榜: every winning bid has a signed contract (or one that failed unsigned),
    and at least one is in force."""
    contracts = {c.proposal_id: c for c in contracts_of(challenge)}
    winners = winners_of(challenge)
    if not winners:
        return _("本榜没有入选的揭榜方，不能签约。")
    missing = [p for p in winners if p.id not in contracts or contracts[p.id].state is ContractState.DRAFT]
    if missing:
        return _("还有 %(n)d 个入选方案没有签订合同。", n=len(missing))
    if not any(c.state is ContractState.ACTIVE for c in contracts.values()):
        return _("没有生效的合同。")
    return None


def accept_problem(challenge: Challenge) -> str | None:
    contracts = contracts_of(challenge)
    if any(c.state in LIVE for c in contracts):
        return _("还有合同在执行中，全部结束后才能认定本榜验收通过。")
    if not any(c.state is ContractState.ACCEPTED for c in contracts):
        return _("没有验收通过的合同。")
    return None


def award_problem(challenge: Challenge) -> str | None:
    """兑现: every accepted contract paid in full, and every eliminated team paid what it earned
    before elimination."""
    contracts = contracts_of(challenge)
    accepted = [c for c in contracts if c.state is ContractState.ACCEPTED]
    if not accepted:
        return _("没有验收通过的合同。")
    unpaid = [c for c in accepted if not contract_totals(c).settled] + [
        c for c in contracts if c.state is ContractState.ELIMINATED and contract_totals(c).due]
    if unpaid:
        return _("合同 %(numbers)s 尚未付清，付清后才能兑现奖励。",
                 numbers="、".join(c.number for c in unpaid))
    return None


def fail_problem(challenge: Challenge) -> str | None:
    contracts = contracts_of(challenge)
    if not contracts:
        return _("本榜没有合同记录，不能判定失败。")
    drafted = {c.proposal_id for c in contracts}
    waiting = [p for p in winners_of(challenge) if p.id not in drafted]
    if waiting:
        return _("还有 %(n)d 个入选方案尚未起草合同，不能判定本榜失败。", n=len(waiting))
    if any(c.state in LIVE or c.state is ContractState.ACCEPTED for c in contracts):
        return _("还有执行中或验收通过的合同，不能判定本榜失败。")
    return None
