"""The payment-rules table after a failure, extended by hand for the diligence determination:
releasing 暂扣 money, and 风险补偿 (pure: challenge.awarding.ledger). Every expected figure below
is worked out by hand in its comment, not computed by the code under test."""

import pytest

from challenge.awarding import ledger
from challenge.awarding.ledger import Line, Milestone, Terms, totals
from challenge.states import (
    ContractState,
    Diligence,
    EntryKind,
    FailureRule,
    FundingMode,
    MilestoneState,
    Payer,
)

WAN = 1_000_000  # 1 万元 in 分
FIRST, SECOND = 1, 2


@pytest.fixture(scope="module")
def pure(base_app):
    with base_app.app_context():
        yield


# == 1. Paying a failed contract once it is determined (ledger.payment_problem) ==============
# As test_award_rules' STATE_TABLE: a contract of 100 万 with a 30 万 subsidy, milestones 40 % /
# 60 % (the second pending), nothing paid; the attempt pays 1 万 against the first milestone
# (whose state is the column) or against none. A diligent determination releases what the
# withhold rule froze — only money earned before the failure, so nothing in the modes that pay
# after acceptance; a negligent one forfeits it; terminate and recover pay nothing either way.
RELEASE_TABLE = """
mode          failure             attempt        pending reported returned confirmed approved cancelled
milestone     withhold/diligent   enterprise+m   --      --       --       ok        ok       --
milestone     withhold/diligent   government+m   --      --       --       ok        ok       --
milestone     withhold/diligent   no-milestone   --      --       --       --        --       --
horse_race    withhold/diligent   enterprise+m   --      --       --       ok        ok       --
horse_race    withhold/diligent   government+m   --      --       --       ok        ok       --
horse_race    withhold/diligent   no-milestone   --      --       --       --        --       --
reward        withhold/diligent   enterprise+m   --      --       --       --        --       --
reward        withhold/diligent   no-milestone   --      --       --       --        --       --
post_funding  withhold/diligent   government+m   --      --       --       --        --       --
post_funding  withhold/diligent   no-milestone   --      --       --       --        --       --
milestone     withhold/negligent  enterprise+m   --      --       --       --        --       --
milestone     withhold/negligent  government+m   --      --       --       --        --       --
horse_race    withhold/negligent  enterprise+m   --      --       --       --        --       --
milestone     terminate/diligent  enterprise+m   --      --       --       --        --       --
milestone     terminate/negligent enterprise+m   --      --       --       --        --       --
milestone     recover/diligent    enterprise+m   --      --       --       --        --       --
milestone     recover/negligent   government+m   --      --       --       --        --       --
"""
ATTEMPTS = {"enterprise+m": (Payer.ENTERPRISE, FIRST), "government+m": (Payer.GOVERNMENT, FIRST),
            "no-milestone": (Payer.ENTERPRISE, None)}


def _rows(table: str):
    header, *lines = [line.split() for line in table.strip().splitlines()]
    states = [MilestoneState(name) for name in header[-6:]]
    for line in lines:
        keys, marks = line[:-6], line[-6:]
        assert set(marks) <= {"ok", "--"}, line
        for state, mark in zip(states, marks, strict=True):
            yield (*keys, state, mark == "ok")


def _failed(mode, rule, diligence, first_state) -> Terms:
    return Terms(mode=mode, state=ContractState.FAILED, amount_fen=100 * WAN, subsidy_fen=30 * WAN,
                 milestones=(Milestone(FIRST, 4000, first_state),
                             Milestone(SECOND, 6000, MilestoneState.CANCELLED)),
                 failure_rule=rule, diligence=diligence)


RELEASE_CASES = list(_rows(RELEASE_TABLE))


@pytest.mark.parametrize("mode,failure,attempt,milestone_state,allowed", RELEASE_CASES,
                         ids=[f"{m}-{f}-{a}-{s.value}" for m, f, a, s, _ok in RELEASE_CASES])
def test_payment_rules_after_a_determination(pure, mode, failure, attempt, milestone_state, allowed):
    rule, diligence = failure.split("/")
    payer, milestone_id = ATTEMPTS[attempt]
    terms = _failed(FundingMode(mode), FailureRule(rule), Diligence(diligence), milestone_state)
    problem = ledger.payment_problem(terms, [], payer, WAN, milestone_id)
    assert (problem is None) == allowed, problem
    if problem and rule == "withhold" and diligence == "negligent":
        assert "失职" in problem


def test_a_release_takes_what_is_withheld_and_not_a_fen_more(pure):
    # first milestone approved: 40 % of 100 万 = 40 万 and of 30 万 = 12 万 earned; 10 万 paid
    terms = _failed(FundingMode.MILESTONE, FailureRule.WITHHOLD, Diligence.DILIGENT,
                    MilestoneState.APPROVED)
    lines = [Line(1, EntryKind.PAYMENT, Payer.ENTERPRISE, 10 * WAN, FIRST)]
    assert totals(terms, lines).withheld == 30 * WAN + 12 * WAN
    assert ledger.payment_problem(terms, lines, Payer.ENTERPRISE, 30 * WAN + 1, FIRST) is not None
    assert ledger.payment_problem(terms, lines, Payer.ENTERPRISE, 30 * WAN, FIRST) is None
    lines.append(Line(2, EntryKind.PAYMENT, Payer.ENTERPRISE, 30 * WAN, FIRST))
    assert ledger.payment_problem(terms, lines, Payer.GOVERNMENT, 12 * WAN + 1, FIRST) is not None
    lines.append(Line(3, EntryKind.PAYMENT, Payer.GOVERNMENT, 12 * WAN, FIRST))
    result = totals(terms, lines)
    assert (result.paid, result.withheld, result.released) == (52 * WAN, 0, 78 * WAN)
    assert ledger.payment_problem(terms, lines, Payer.ENTERPRISE, 1, FIRST) is not None


def test_a_release_after_an_advance_takes_the_milestones_netted_share(pure):
    # 30 万 subsidy, 40 % / 60 %, 9 万 advanced: the milestones share the other 21 万, so the
    # first's netted share is 8.4 万 (the second's 12.6 万). The first approved, the contract
    # fails under withhold and is found diligent: the government has earned 9 + 8.4 = 17.4 万 and
    # paid the 9 万 advance, so 8.4 万 is withheld, and all of it (not a 分 more) may be released
    # against the first milestone. (Before the fix the release was held to the gross share and
    # the gross earnings, 12 万 − 9 万 = 3 万, while the page showed 8.4 万 withheld.)
    terms = Terms(mode=FundingMode.MILESTONE, state=ContractState.FAILED, amount_fen=100 * WAN,
                  subsidy_fen=30 * WAN, advance_limit_fen=9 * WAN,
                  milestones=(Milestone(FIRST, 4000, MilestoneState.APPROVED),
                              Milestone(SECOND, 6000, MilestoneState.CANCELLED)),
                  failure_rule=FailureRule.WITHHOLD, diligence=Diligence.DILIGENT)
    lines = [Line(1, EntryKind.ADVANCE, Payer.GOVERNMENT, 9 * WAN, None)]
    assert totals(terms, lines).government.due == 8_400_000
    assert ledger.payment_problem(terms, lines, Payer.GOVERNMENT, 8_400_001, FIRST) is not None
    assert ledger.payment_problem(terms, lines, Payer.GOVERNMENT, 8_400_000, FIRST) is None
    lines.append(Line(2, EntryKind.PAYMENT, Payer.GOVERNMENT, 8_400_000, FIRST))
    assert totals(terms, lines).government.due == 0
    assert ledger.payment_problem(terms, lines, Payer.GOVERNMENT, 1, FIRST) is not None


@pytest.mark.parametrize("diligence,withheld,released", [
    (None, 42 * WAN, 78 * WAN),                   # frozen until determined
    (Diligence.DILIGENT, 42 * WAN, 78 * WAN),     # still withheld until the bureau releases it
    (Diligence.NEGLIGENT, 0, 120 * WAN),          # forfeited: 130 万 committed less 10 万 paid
])
def test_a_negligent_determination_forfeits_the_withheld_money(pure, diligence, withheld, released):
    terms = _failed(FundingMode.MILESTONE, FailureRule.WITHHOLD, diligence, MilestoneState.CONFIRMED)
    result = totals(terms, [Line(1, EntryKind.PAYMENT, Payer.ENTERPRISE, 10 * WAN, FIRST)])
    assert (result.withheld, result.released) == (withheld, released)
    assert result.paid + result.withheld + result.released == 130 * WAN


# == 2. 风险补偿 (ledger.compensation_limit, ledger.compensation_problem) ======================
# limit = min(verified × share, 榜 cap − compensated on the 榜's other contracts), rounded down.
LIMIT_CASES = [
    # verified      share  cap       elsewhere  limit
    (100 * WAN,     3000,  50 * WAN, 0,         30 * WAN),   # 30 % of 100 万
    (100 * WAN,     3000,  20 * WAN, 0,         20 * WAN),   # capped at 20 万
    (100 * WAN,     3000,  20 * WAN, 15 * WAN,  5 * WAN),    # 15 万 of the cap used elsewhere
    (100 * WAN,     3000,  20 * WAN, 20 * WAN,  0),          # the cap used up
    (100 * WAN,     3000,  0,        0,         0),          # no cap set: no compensation
    (333_333,       3333,  50 * WAN, 0,         111_099),    # 111 099.8889 分, rounded down
    (1,             9999,  50 * WAN, 0,         0),          # 0.9999 分
    (0,             3000,  50 * WAN, 0,         0),          # nothing verified
]


@pytest.mark.parametrize("verified,share,cap,elsewhere,limit", LIMIT_CASES)
def test_the_compensation_limit(pure, verified, share, cap, elsewhere, limit):
    assert ledger.compensation_limit(verified, share, cap, elsewhere) == limit


def _terms(state, diligence) -> Terms:
    return Terms(mode=FundingMode.MILESTONE, state=state, amount_fen=100 * WAN, subsidy_fen=0,
                 milestones=(Milestone(FIRST, 10_000, MilestoneState.CANCELLED),),
                 failure_rule=FailureRule.TERMINATE if state is ContractState.FAILED else None,
                 diligence=diligence)


COMPENSATION_TABLE = [
    # contract state          determination        already    amount             allowed (limit 30 万)
    (ContractState.FAILED,    Diligence.DILIGENT,  0,         30 * WAN,          True),
    (ContractState.FAILED,    Diligence.DILIGENT,  0,         30 * WAN + 1,      False),
    (ContractState.FAILED,    Diligence.DILIGENT,  10 * WAN,  20 * WAN,          True),
    (ContractState.FAILED,    Diligence.DILIGENT,  10 * WAN,  20 * WAN + 1,      False),
    (ContractState.FAILED,    Diligence.DILIGENT,  30 * WAN,  1,                 False),
    (ContractState.FAILED,    Diligence.DILIGENT,  0,         0,                 False),
    (ContractState.FAILED,    Diligence.DILIGENT,  0,         -1,                False),
    (ContractState.FAILED,    Diligence.NEGLIGENT, 0,         WAN,               False),
    (ContractState.FAILED,    None,                0,         WAN,               False),
    (ContractState.ACTIVE,    None,                0,         WAN,               False),
    (ContractState.ACCEPTED,  None,                0,         WAN,               False),
    (ContractState.ELIMINATED, None,               0,         WAN,               False),
]


@pytest.mark.parametrize("state,diligence,already,amount,allowed", COMPENSATION_TABLE)
def test_compensation_rules(pure, state, diligence, already, amount, allowed):
    lines = [Line(1, EntryKind.COMPENSATION, Payer.GOVERNMENT, already)] if already else []
    problem = ledger.compensation_problem(_terms(state, diligence), lines, 30 * WAN, amount)
    assert (problem is None) == allowed, problem


def test_compensation_is_its_own_kind_and_never_counts_as_paid(pure):
    terms = _terms(ContractState.FAILED, Diligence.DILIGENT)
    lines = [Line(1, EntryKind.PAYMENT, Payer.ENTERPRISE, 40 * WAN, None),
             Line(2, EntryKind.COMPENSATION, Payer.GOVERNMENT, 12 * WAN)]
    result = totals(terms, lines)
    assert (result.paid, result.compensated, result.government.paid) == (40 * WAN, 12 * WAN, 0)
    # and a compensation line is not a payment the bureau may reverse
    assert ledger.reversal_problem(lines, 2) is not None
