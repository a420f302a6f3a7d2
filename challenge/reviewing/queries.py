"""评榜's read models shared with other rooms: how a decided 榜 and each of its contracts ended,
as the public sees it (the results pages, a solver organisation's record)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..models import Challenge, Contract
from ..states import ChallengeState, ContractState

CS = ChallengeState

# The words of the 榜's outcome; its colour is the state's tone.
CHALLENGE_OUTCOMES = {
    CS.PUBLICITY: _l("公示中"),
    CS.CONTRACTED: _l("攻关中"),
    CS.ACCEPTED: _l("验收通过，兑付中"),
    CS.AWARDED: _l("验收通过，奖励已兑现"),
    CS.CLOSED: _l("验收通过，已结榜"),
    CS.FAILED: _l("攻关失败"),
}
CONTRACT_OUTCOMES = {
    ContractState.DRAFT: _l("待签约"),
    ContractState.ACTIVE: _l("攻关中"),
    ContractState.ACCEPTED: _l("验收通过"),
    ContractState.ELIMINATED: _l("赛马淘汰"),
    ContractState.FAILED: _l("攻关失败"),
}


@dataclass(frozen=True)
class Outcome:
    label: str
    tone: str
    rule: str = ""  # the failure rule's label, the only public word on why money stopped


def challenge_outcome(challenge: Challenge) -> Outcome | None:
    found = CHALLENGE_OUTCOMES.get(challenge.state)
    return Outcome(str(found), challenge.state.tone) if found else None


def contract_outcome(contract: Contract) -> Outcome:
    label = CONTRACT_OUTCOMES[contract.state]
    rule = contract.failure_rule.label if contract.state is ContractState.FAILED and \
        contract.failure_rule else ""
    return Outcome(str(label), contract.state.tone, rule)

