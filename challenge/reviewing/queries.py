"""评榜's read models shared with other rooms: how a decided 榜 and each of its contracts ended,
as the public sees it (the results pages, a solver organisation's record)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..models import Challenge, Contract
from ..states import ChallengeState, ContractState

CS = ChallengeState

# (label, Bootstrap colour) of the 榜's outcome.
CHALLENGE_OUTCOMES = {
    CS.PUBLICITY: (_l("公示中"), "secondary"),
    CS.CONTRACTED: (_l("攻关中"), "primary"),
    CS.ACCEPTED: (_l("验收通过，兑付中"), "success"),
    CS.AWARDED: (_l("验收通过，奖励已兑现"), "success"),
    CS.CLOSED: (_l("验收通过，已结榜"), "success"),
    CS.FAILED: (_l("攻关失败"), "danger"),
}
CONTRACT_OUTCOMES = {
    ContractState.DRAFT: (_l("待签约"), "secondary"),
    ContractState.ACTIVE: (_l("攻关中"), "primary"),
    ContractState.ACCEPTED: (_l("验收通过"), "success"),
    ContractState.ELIMINATED: (_l("赛马淘汰"), "warning"),
    ContractState.FAILED: (_l("攻关失败"), "danger"),
}


@dataclass(frozen=True)
class Outcome:
    label: str
    tone: str
    rule: str = ""  # the failure rule's label, the only public word on why money stopped


def challenge_outcome(challenge: Challenge) -> Outcome | None:
    found = CHALLENGE_OUTCOMES.get(challenge.state)
    return Outcome(str(found[0]), found[1]) if found else None


def contract_outcome(contract: Contract) -> Outcome:
    label, tone = CONTRACT_OUTCOMES[contract.state]
    rule = contract.failure_rule.label if contract.state is ContractState.FAILED and \
        contract.failure_rule else ""
    return Outcome(str(label), tone, rule)

