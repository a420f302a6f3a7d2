"""评估后前置兑现 (advance subsidy, issue 15 item 3): the rules written out by hand (pure:
ledger.advance_problem, the netting of later milestone payments, the unearned advance a failure
turns into a receivable), then the same through the operations on a real contract."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from challenge.awarding import ledger
from challenge.awarding import operations as ops
from challenge.awarding.ledger import Line, Milestone, Terms, totals
from challenge.awarding.rules import advance_limit, contract_totals
from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import AuditEvent, LedgerEntry, Notification
from challenge.states import (
    ChallengeState,
    ContractState,
    EntryKind,
    FailureRule,
    FundingMode,
    MilestoneState,
    Payer,
)
from challenge.timeutil import local_today, utcnow
from tests.test_award_rules import board_for, pay, walk

WAN = 1_000_000  # 1 万元 in 分
FIRST, SECOND = 1, 2


@pytest.fixture(scope="module")
def pure(base_app):
    with base_app.app_context():
        yield


def _terms(mode=FundingMode.MILESTONE, state=ContractState.ACTIVE, first=MilestoneState.PENDING,
           second=MilestoneState.PENDING, limit=9 * WAN, rule=None) -> Terms:
    """A contract of 100 万 with a 30 万 subsidy, milestones 40 % / 60 %, advance limit 9 万."""
    return Terms(mode=mode, state=state, amount_fen=100 * WAN, subsidy_fen=30 * WAN,
                 milestones=(Milestone(FIRST, 4000, first), Milestone(SECOND, 6000, second)),
                 failure_rule=rule, advance_limit_fen=limit)


def advancing_board(make, people, share_bp, cap_fen):
    board = board_for(make, people)
    board.advance_share_bp, board.advance_cap_fen = share_bp, cap_fen
    return board


def advance(n, amount):
    return Line(n, EntryKind.ADVANCE, Payer.GOVERNMENT, amount)


# == 1. When an advance of 1 万 may be paid (ok) or not (--), by mode and contract state ========
# Signed (active) only: the evaluation is final by then (signing waits for the end of 公示 with
# every objection answered). 赛马 never: an eliminated team would keep money it did not earn.
ADVANCE_TABLE = """
mode          draft  active  accepted  eliminated  failed/terminate  failed/withhold  failed/recover
reward        --     ok      --        --          --                --               --
milestone     --     ok      --        --          --                --               --
horse_race    --     --      --        --          --                --               --
post_funding  --     ok      --        --          --                --               --
"""


def _advance_cases():
    header, *rows = [line.split() for line in ADVANCE_TABLE.strip().splitlines()]
    for mode, *marks in rows:
        for column, mark in zip(header[1:], marks, strict=True):
            yield mode, column, mark == "ok"


ADVANCE_CASES = list(_advance_cases())


def test_the_advance_table_covers_every_mode_and_state():
    assert {FundingMode(m) for m, _c, _ok in ADVANCE_CASES} == set(FundingMode)
    assert len(ADVANCE_CASES) == len(FundingMode) * (len(ContractState) + len(FailureRule) - 1)


@pytest.mark.parametrize("mode,column,allowed", ADVANCE_CASES,
                         ids=[f"{m}-{c}" for m, c, _ok in ADVANCE_CASES])
def test_advance_rules_by_mode_and_state(pure, mode, column, allowed):
    state, _, rule = column.partition("/")
    terms = _terms(FundingMode(mode), ContractState(state), rule=FailureRule(rule) if rule else None)
    problem = ledger.advance_problem(terms, [], WAN)
    assert (problem is None) == allowed, problem


# == 2. How much: the limit, and nothing once the government has paid against a milestone =======

# (subsidy share of the 榜, cap) -> the limit for a contract whose subsidy is 30 万
@pytest.mark.parametrize("share_bp,cap,limit", [
    (3000, 20 * WAN, 9 * WAN),        # 30 % of 30 万, under the cap
    (3000, 5 * WAN, 5 * WAN),         # the cap binds
    (0, 20 * WAN, 0),                 # no share: no advance
    (3333, 20 * WAN, 9_999_000),      # 30 万 × 33.33 % to the 分
    (10_000, 50 * WAN, 30 * WAN),     # all of the subsidy at most
])
def test_the_limit_is_the_share_of_the_subsidy_capped(make, people, share_bp, cap, limit):
    board = advancing_board(make, people, share_bp, cap)
    contract = make.contract(board, people["admin"], solver=people["solver"],
                             amount_fen=100 * WAN, subsidy_rate_bp=3000, subsidy_cap_fen=40 * WAN)
    assert contract.subsidy_fen == 30 * WAN
    assert advance_limit(contract) == limit


def test_an_advance_stays_within_the_limit_in_one_or_several_parts(pure):
    terms = _terms()
    assert ledger.advance_problem(terms, [], 9 * WAN) is None
    assert "超出前置兑现额度" in ledger.advance_problem(terms, [], 9 * WAN + 1)
    assert ledger.advance_problem(terms, [advance(1, 5 * WAN)], 4 * WAN) is None
    assert "超出前置兑现额度" in ledger.advance_problem(terms, [advance(1, 5 * WAN)], 4 * WAN + 1)
    assert "大于零" in ledger.advance_problem(terms, [], 0)
    assert "未设前置兑现" in ledger.advance_problem(_terms(limit=0), [], WAN)
    # a limit above the subsidy (a lowered subsidy) is the subsidy
    assert "超出" in ledger.advance_problem(_terms(limit=40 * WAN), [], 30 * WAN + 1)


def test_no_advance_once_the_government_paid_a_milestone_but_after_the_enterprise_did(pure):
    terms = _terms(first=MilestoneState.CONFIRMED)
    by_government = [Line(1, EntryKind.PAYMENT, Payer.GOVERNMENT, WAN, FIRST)]
    assert "已按里程碑支付" in ledger.advance_problem(terms, by_government, WAN)
    reversed_ = [*by_government, Line(2, EntryKind.REVERSAL, Payer.GOVERNMENT, -WAN, FIRST, reverses_id=1)]
    assert ledger.advance_problem(terms, reversed_, WAN) is None
    by_enterprise = [Line(1, EntryKind.PAYMENT, Payer.ENTERPRISE, 40 * WAN, FIRST)]
    assert ledger.advance_problem(terms, by_enterprise, WAN) is None


# == 3. Netting: later milestone payments of the subsidy are the rest, split by the shares =====
# advance (分)   first milestone's government part   second's        (subsidy 30 万, 40 % / 60 %)
NETTING = [
    (0,            12 * WAN,                          18 * WAN),
    (9 * WAN,      8_400_000,                         12_600_000),   # 21 万 × 40 % / 60 %
    (1,            12 * WAN,                          17_999_999),   # 29 999 999: 分 to larger remainder
    (30 * WAN,     0,                                 0),
]


@pytest.mark.parametrize("ahead,first,second", NETTING)
def test_milestone_parts_after_an_advance(pure, ahead, first, second):
    terms = _terms(first=MilestoneState.CONFIRMED, second=MilestoneState.CONFIRMED, limit=30 * WAN)
    lines = [advance(1, ahead)] if ahead else []
    assert terms.allocation(Payer.GOVERNMENT, ahead) == {FIRST: first, SECOND: second}
    assert ahead + first + second == 30 * WAN
    assert terms.allocation(Payer.ENTERPRISE, ahead) == {FIRST: 40 * WAN, SECOND: 60 * WAN}  # untouched
    if first:
        assert ledger.payment_problem(terms, lines, Payer.GOVERNMENT, first, FIRST) is None
        assert "里程碑份额" in ledger.payment_problem(terms, lines, Payer.GOVERNMENT, first + 1, FIRST)
    else:
        assert ledger.payment_problem(terms, lines, Payer.GOVERNMENT, 1, FIRST) is not None


def test_what_is_due_to_the_government_side_after_an_advance(pure):
    lines = [advance(1, 9 * WAN)]
    before = totals(_terms(), lines)
    assert (before.government.paid, before.government.earned, before.government.due) == (9 * WAN, 9 * WAN, 0)
    assert before.advanced == 9 * WAN
    confirmed = totals(_terms(first=MilestoneState.CONFIRMED), lines)
    assert confirmed.government.due == 8_400_000
    accepted = totals(_terms(state=ContractState.ACCEPTED), lines)
    assert accepted.government.due == 21 * WAN  # the rest of the subsidy, in one go
    assert ledger.payment_problem(_terms(state=ContractState.ACCEPTED), lines, Payer.GOVERNMENT,
                                  21 * WAN + 1, None) is not None
    # 事后资助: nothing more is due before acceptance, the advance aside
    post = totals(_terms(FundingMode.POST_FUNDING, first=MilestoneState.CONFIRMED), lines)
    assert (post.government.earned, post.government.due) == (9 * WAN, 0)


# == 4. Failure: the advance's part for work never earned is owed back =========================
# mode          first      second     unearned advance (of 9 万; gross 12/18, net 8.4/12.6)
UNEARNED = """
milestone     pending    pending    9_000_000
milestone     confirmed  pending    5_400_000
milestone     approved   cancelled  5_400_000
milestone     approved   confirmed  0
reward        approved   approved   9_000_000
post_funding  confirmed  pending    9_000_000
"""


@pytest.mark.parametrize("row", UNEARNED.strip().splitlines())
@pytest.mark.parametrize("rule", list(FailureRule))
def test_the_unearned_advance_of_a_failed_contract(pure, row, rule):
    mode, first, second, owed = row.split()
    terms = _terms(FundingMode(mode), ContractState.FAILED, MilestoneState(first),
                   MilestoneState(second), rule=rule)
    assert ledger.unearned_advance(terms, [advance(1, 9 * WAN)]) == int(owed)
    assert ledger.unearned_advance(terms, []) == 0


# == 5. Through the operations ============================================================

@pytest.fixture
def advancing(make, people):
    """A signed milestone contract of 100 万 (subsidy 30 万) on a 榜 advancing 30 %, cap 20 万."""
    board = advancing_board(make, people, 3000, 20 * WAN)
    contract = make.contract(board, people["admin"], solver=people["solver"], sign=True,
                             shares=(4000, 6000), amount_fen=100 * WAN,
                             subsidy_rate_bp=3000, subsidy_cap_fen=40 * WAN)
    db.session.commit()
    assert contract.state is ContractState.ACTIVE and advance_limit(contract) == 9 * WAN
    return board, contract


def test_an_advance_is_recorded_audited_and_announced(people, advancing):
    _board, contract = advancing
    admin = people["admin"]
    with pytest.raises(Refused, match="超出前置兑现额度"):
        ops.record_advance(contract, admin, 9 * WAN + 1, local_today(), "拨付 1")
    with pytest.raises(Refused, match="晚于今天"):
        ops.record_advance(contract, admin, WAN, local_today() + timedelta(days=1), "拨付 1")
    entry = ops.record_advance(contract, admin, 9 * WAN, local_today(), "拨付 1", "评估通过")
    db.session.commit()
    assert (entry.kind, entry.payer, entry.amount_fen) == (EntryKind.ADVANCE, Payer.GOVERNMENT, 9 * WAN)
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "contract", AuditEvent.object_id == contract.id,
        AuditEvent.action == "advance")).one()
    assert event.changes["amount_fen"] == [None, 9 * WAN] and event.reason == "评估通过"
    for who in ("solver", "issuer"):
        assert any("前置兑现" in m for m in db.session.scalars(select(Notification.message).where(
            Notification.user_id == people[who].id)))
    totals_ = contract_totals(contract)
    assert (totals_.advanced, totals_.government.paid, totals_.paid) == (9 * WAN, 9 * WAN, 9 * WAN)
    # the first milestone then pays the rest of its subsidy part: 21 万 × 40 %
    first, _second = contract.milestones
    walk(first, people, people["solver"], to=MilestoneState.CONFIRMED)
    with pytest.raises(Refused, match="里程碑份额"):
        pay(contract, admin, Payer.GOVERNMENT, 8_400_001, first)
    pay(contract, admin, Payer.GOVERNMENT, 8_400_000, first)
    with pytest.raises(Refused, match="已按里程碑支付"):
        ops.record_advance(contract, admin, 1, local_today(), "拨付 2")


def test_no_advance_before_signing(make, people):
    board = advancing_board(make, people, 3000, 20 * WAN)
    draft = make.contract(board, people["admin"], solver=people["solver"], amount_fen=100 * WAN,
                          subsidy_rate_bp=3000, subsidy_cap_fen=40 * WAN)
    with pytest.raises(Refused, match="合同签订后"):
        ops.record_advance(draft, people["admin"], WAN, local_today(), "拨付")


@pytest.mark.parametrize("rule", list(FailureRule))
def test_a_failure_turns_the_unearned_advance_into_a_receivable(people, advancing, rule):
    _board, contract = advancing
    admin = people["admin"]
    ops.record_advance(contract, admin, 9 * WAN, local_today(), "拨付")
    first, _second = contract.milestones
    walk(first, people, people["solver"], to=MilestoneState.CONFIRMED)
    pay(contract, admin, Payer.ENTERPRISE, 40 * WAN, first)
    db.session.commit()
    # recovery under the recover rule is bounded by what was paid less the unearned advance
    recovery = 40 * WAN if rule is FailureRule.RECOVER else 0
    if rule is FailureRule.RECOVER:
        with pytest.raises(Refused, match="不能超过已付金额"):
            ops.fail_contract(contract, admin, "攻关不成", rule, recovery_fen=49 * WAN - 5_400_000 + 1)
        db.session.rollback()
    ops.fail_contract(contract, admin, "攻关不成", rule, recovery_fen=recovery)
    db.session.commit()
    receivables = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.contract_id == contract.id, LedgerEntry.kind == EntryKind.RECEIVABLE)
        .order_by(LedgerEntry.id)).all()
    # the second milestone (60 %) never earned: its 60 % of the 9 万 advance is owed back
    expected = ([(Payer.ENTERPRISE, 40 * WAN)] if recovery else []) + [(Payer.GOVERNMENT, 5_400_000)]
    assert [(e.payer, e.amount_fen) for e in receivables] == expected
    totals_ = contract_totals(contract)
    assert totals_.receivable == recovery + 5_400_000
    assert totals_.paid + totals_.withheld + totals_.released == totals_.committed
    # under withhold the first milestone's netted subsidy part (8.4 万) is frozen, not paid
    assert totals_.withheld == (8_400_000 if rule is FailureRule.WITHHOLD else 0)
    ops.record_recovered(contract, admin, 5_400_000, local_today(), "退回预付")
    db.session.commit()
    assert contract_totals(contract).outstanding_receivable == recovery


def test_the_bureau_sets_the_advance_terms_audited(make, people):
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    admin = people["admin"]
    with pytest.raises(Refused, match="0–100"):
        ops.set_advance_terms(board, admin, 10_001, WAN)
    with pytest.raises(Refused, match="上限"):
        ops.set_advance_terms(board, admin, 3000, 0)
    assert ops.set_advance_terms(board, admin, 3000, 20 * WAN) == {
        "advance_share_bp": [0, 3000], "advance_cap_fen": [0, 20 * WAN]}
    assert ops.set_advance_terms(board, admin, 3000, 20 * WAN) == {}
    db.session.commit()
    assert (board.advance_share_bp, board.advance_cap_fen) == (3000, 20 * WAN)
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "challenge", AuditEvent.object_id == board.id,
        AuditEvent.action == "advance_terms")).all() == ["advance_terms"]
    board.state = ChallengeState.FAILED
    board.ended_at = utcnow()
    with pytest.raises(Refused, match="不能再设置"):
        ops.set_advance_terms(board, admin, 0, 0)
