"""奖榜 rules: what each funding mode lets the bureau pay, 赛马 elimination, the failure rules,
acceptance against the indicators, and the contract terms up to 兑现奖励."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from challenge.awarding import ledger
from challenge.awarding import operations as ops
from challenge.awarding.ledger import Line, Milestone, Terms, totals
from challenge.awarding.rules import award_problem, contract_problem, contract_totals
from challenge.extensions import db
from challenge.models import (
    AuditEvent,
    Contract,
    LedgerEntry,
    Notification,
    Objection,
    OutboundEmail,
)
from challenge.states import (
    AcceptanceState,
    ChallengeState,
    ContractState,
    EntryKind,
    FailureRule,
    FundingMode,
    MilestoneState,
    ObjectionState,
    Payer,
    Role,
)
from challenge.timeutil import local_today, utcnow
from challenge.workflow import TransitionError, perform

WAN = 1_000_000  # 1 万元 in 分


@pytest.fixture(scope="module")
def pure(base_app):
    """An app context for the messages; the table tests touch no database."""
    with base_app.app_context():
        yield

# == 1. What each funding mode lets the bureau pay (pure: ledger.payment_problem) ============

# A signed contract of 100 万 with a 30 万 subsidy and two milestones (40 % / 60 %), nothing paid
# yet. The attempt pays 1 万 — by the enterprise or the government against the first milestone,
# whose state is the column, or with no milestone named. ok = allowed, -- = refused.
MODE_TABLE = """
mode          accepted  attempt        pending reported returned confirmed approved cancelled
reward        no        enterprise+m   --      --       --       --        --       --
reward        no        government+m   --      --       --       --        --       --
reward        no        no-milestone   --      --       --       --        --       --
reward        yes       enterprise+m   ok      ok       ok       ok        ok       --
reward        yes       government+m   ok      ok       ok       ok        ok       --
reward        yes       no-milestone   ok      ok       ok       ok        ok       ok
milestone     no        enterprise+m   --      --       --       ok        ok       --
milestone     no        government+m   --      --       --       ok        ok       --
milestone     no        no-milestone   --      --       --       --        --       --
milestone     yes       enterprise+m   ok      ok       ok       ok        ok       --
milestone     yes       government+m   ok      ok       ok       ok        ok       --
milestone     yes       no-milestone   ok      ok       ok       ok        ok       ok
horse_race    no        enterprise+m   --      --       --       ok        ok       --
horse_race    no        government+m   --      --       --       ok        ok       --
horse_race    no        no-milestone   --      --       --       --        --       --
horse_race    yes       enterprise+m   ok      ok       ok       ok        ok       --
horse_race    yes       government+m   ok      ok       ok       ok        ok       --
horse_race    yes       no-milestone   ok      ok       ok       ok        ok       ok
post_funding  no        enterprise+m   --      --       --       --        --       --
post_funding  no        government+m   --      --       --       --        --       --
post_funding  no        no-milestone   --      --       --       --        --       --
post_funding  yes       enterprise+m   ok      ok       ok       ok        ok       --
post_funding  yes       government+m   ok      ok       ok       ok        ok       --
post_funding  yes       no-milestone   ok      ok       ok       ok        ok       ok
"""

# The contract's own state (rather than active / accepted), every funding mode for draft and
# failed, a 赛马 team for eliminated: an eliminated team is still paid for milestones confirmed
# before its elimination; a failed contract takes no payment whatever its rule.
STATE_TABLE = """
state              attempt        pending reported returned confirmed approved cancelled
draft              enterprise+m   --      --       --       --        --       --
draft              government+m   --      --       --       --        --       --
draft              no-milestone   --      --       --       --        --       --
eliminated         enterprise+m   --      --       --       ok        ok       --
eliminated         government+m   --      --       --       ok        ok       --
eliminated         no-milestone   --      --       --       --        --       --
failed/terminate   enterprise+m   --      --       --       --        --       --
failed/terminate   no-milestone   --      --       --       --        --       --
failed/withhold    enterprise+m   --      --       --       --        --       --
failed/withhold    government+m   --      --       --       --        --       --
failed/withhold    no-milestone   --      --       --       --        --       --
failed/recover     enterprise+m   --      --       --       --        --       --
failed/recover     no-milestone   --      --       --       --        --       --
"""

ATTEMPTS = {"enterprise+m": (Payer.ENTERPRISE, 1), "government+m": (Payer.GOVERNMENT, 1),
            "no-milestone": (Payer.ENTERPRISE, None)}
FIRST, SECOND = 1, 2


def _rows(table: str):
    """(…row keys, milestone state, allowed) for every cell of a table above."""
    header, *lines = [line.split() for line in table.strip().splitlines()]
    states = [MilestoneState(name) for name in header[-6:]]
    for line in lines:
        keys, marks = line[:-6], line[-6:]
        assert set(marks) <= {"ok", "--"}, line
        for state, mark in zip(states, marks, strict=True):
            yield (*keys, state, mark == "ok")


def _terms(mode, state, first_state, rule=None) -> Terms:
    return Terms(mode=mode, state=state, amount_fen=100 * WAN, subsidy_fen=30 * WAN,
                 milestones=(Milestone(FIRST, 4000, first_state),
                             Milestone(SECOND, 6000, MilestoneState.PENDING)),
                 failure_rule=rule)


MODE_CASES = list(_rows(MODE_TABLE))


def test_the_mode_table_covers_every_mode_and_attempt():
    covered = {(FundingMode(mode), accepted, attempt) for mode, accepted, attempt, _s, _ok in MODE_CASES}
    assert len(covered) == len(FundingMode) * 2 * len(ATTEMPTS) and len(MODE_CASES) == 6 * len(covered)


@pytest.mark.parametrize("mode,accepted,attempt,milestone_state,allowed", MODE_CASES,
                         ids=[f"{m}-{'accepted' if a == 'yes' else 'active'}-{t}-{s.value}"
                              for m, a, t, s, _ok in MODE_CASES])
def test_funding_mode_payment_rules(pure, mode, accepted, attempt, milestone_state, allowed):
    state = ContractState.ACCEPTED if accepted == "yes" else ContractState.ACTIVE
    payer, milestone_id = ATTEMPTS[attempt]
    problem = ledger.payment_problem(_terms(FundingMode(mode), state, milestone_state), [], payer,
                                     WAN, milestone_id)
    assert (problem is None) == allowed, problem


STATE_CASES = [(mode, *row) for row in _rows(STATE_TABLE) for mode in FundingMode
               if row[0] != "eliminated" or mode is FundingMode.HORSE_RACE]


@pytest.mark.parametrize("mode,contract_state,attempt,milestone_state,allowed", STATE_CASES,
                         ids=[f"{m.value}-{c}-{a}-{s.value}" for m, c, a, s, _ok in STATE_CASES])
def test_contract_state_payment_rules(pure, mode, contract_state, attempt, milestone_state, allowed):
    state, _, rule = contract_state.partition("/")
    payer, milestone_id = ATTEMPTS[attempt]
    terms = _terms(mode, ContractState(state), milestone_state, FailureRule(rule) if rule else None)
    problem = ledger.payment_problem(terms, [], payer, WAN, milestone_id)
    assert (problem is None) == allowed, problem
    if problem and state == "failed":
        assert ("暂扣" in problem) == (rule == "withhold")
    if problem and state == "eliminated":
        assert "淘汰" in problem


@pytest.mark.parametrize("rule", list(FailureRule))
def test_a_failure_freezes_earned_money_only_under_the_withhold_rule(pure, rule):
    terms = _terms(FundingMode.MILESTONE, ContractState.FAILED, MilestoneState.APPROVED, rule)
    paid = [Line(1, EntryKind.PAYMENT, Payer.ENTERPRISE, 10 * WAN, FIRST)]
    result = totals(terms, paid)
    earned_unpaid = (40 - 10 + 12) * WAN  # 40 % of 100 万 and of 30 万, less the 10 万 paid
    assert result.due == 0
    assert result.withheld == (earned_unpaid if rule is FailureRule.WITHHOLD else 0)
    assert result.released == result.remaining - result.withheld
    assert result.paid + result.withheld + result.released == result.committed == 130 * WAN


def test_an_eliminated_team_keeps_what_it_earned_and_releases_the_rest(pure):
    terms = _terms(FundingMode.HORSE_RACE, ContractState.ELIMINATED, MilestoneState.CONFIRMED)
    result = totals(terms, [Line(1, EntryKind.PAYMENT, Payer.GOVERNMENT, 5 * WAN, FIRST)])
    assert result.due == (40 + 12 - 5) * WAN
    assert result.released == 60 * WAN + 18 * WAN  # the second milestone's shares


class TestPaymentLimits:
    def terms(self, **kw):
        return _terms(FundingMode.MILESTONE, ContractState.ACTIVE, MilestoneState.CONFIRMED, **kw)

    @pytest.mark.parametrize("amount", [0, -1])
    def test_amount_must_be_positive(self, pure, amount):
        assert "大于零" in ledger.payment_problem(self.terms(), [], Payer.ENTERPRISE, amount, FIRST)

    def test_a_milestone_takes_at_most_its_share_per_payer(self, pure):
        terms = self.terms()
        assert ledger.payment_problem(terms, [], Payer.ENTERPRISE, 40 * WAN, FIRST) is None
        assert "里程碑份额" in ledger.payment_problem(terms, [], Payer.ENTERPRISE, 40 * WAN + 1, FIRST)
        assert ledger.payment_problem(terms, [], Payer.GOVERNMENT, 12 * WAN, FIRST) is None
        assert "里程碑份额" in ledger.payment_problem(terms, [], Payer.GOVERNMENT, 12 * WAN + 1, FIRST)
        paid = [Line(1, EntryKind.PAYMENT, Payer.ENTERPRISE, 39 * WAN, FIRST)]
        assert ledger.payment_problem(terms, paid, Payer.ENTERPRISE, WAN, FIRST) is None
        assert ledger.payment_problem(terms, paid, Payer.ENTERPRISE, WAN + 1, FIRST) is not None
        reversed_ = [*paid, Line(2, EntryKind.REVERSAL, Payer.ENTERPRISE, -39 * WAN, FIRST, reverses_id=1)]
        assert ledger.payment_problem(terms, reversed_, Payer.ENTERPRISE, 40 * WAN, FIRST) is None

    def test_a_payer_takes_at_most_its_commitment(self, pure):
        terms = _terms(FundingMode.REWARD, ContractState.ACCEPTED, MilestoneState.APPROVED)
        assert ledger.payment_problem(terms, [], Payer.ENTERPRISE, 100 * WAN, None) is None
        assert "超出合同额度" in ledger.payment_problem(terms, [], Payer.ENTERPRISE, 100 * WAN + 1, None)
        assert "超出合同额度" in ledger.payment_problem(terms, [], Payer.GOVERNMENT, 30 * WAN + 1, None)

    def test_no_subsidy_no_government_payment(self, pure):
        terms = Terms(FundingMode.REWARD, ContractState.ACCEPTED, 100 * WAN, 0,
                      (Milestone(FIRST, 10_000, MilestoneState.APPROVED),))
        assert "政府补助" in ledger.payment_problem(terms, [], Payer.GOVERNMENT, WAN, None)

    def test_the_milestone_must_be_the_contracts_own(self, pure):
        assert "不属于本合同" in ledger.payment_problem(self.terms(), [], Payer.ENTERPRISE, WAN, 999)
        accepted = _terms(FundingMode.MILESTONE, ContractState.ACCEPTED, MilestoneState.APPROVED)
        assert "不属于本合同" in ledger.payment_problem(accepted, [], Payer.ENTERPRISE, WAN, 999)


# == helpers for the database-level rules ====================================================

PDF = b"%PDF-1.4\n% evidence\n"


def pdf(name="证明.pdf"):
    return FileStorage(stream=io.BytesIO(PDF), filename=name, content_type="application/pdf")


def board_for(make, people, mode=FundingMode.MILESTONE, max_winners=1, **values):
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"],
                           funding_mode=mode, max_winners=max_winners, **values)
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    return board


def walk(milestone, people, solver, to=MilestoneState.APPROVED):
    """Move a milestone along report → confirm → approve, as far as *to*."""
    steps = [("report", solver, MilestoneState.REPORTED),
             ("confirm", people["issuer"], MilestoneState.CONFIRMED),
             ("approve", people["admin"], MilestoneState.APPROVED)]
    for action, actor, reached in steps:
        perform(milestone, action, actor, report="阶段完成情况")
        if reached is to:
            break
    assert milestone.state is to


def pass_acceptance(contract, people, solver):
    for milestone in contract.milestones:
        if milestone.state is not MilestoneState.APPROVED:
            walk(milestone, people, solver)
    acceptance = ops.acceptance_for(contract)
    ops.save_acceptance(acceptance, solver, "全部达标", {i.id: "99.99" for i in acceptance.items})
    for item in acceptance.items:
        ops.add_file(item, solver, pdf())
    perform(acceptance, "submit", solver)
    perform(acceptance, "sign_off", people["issuer"], judgements={i.id: True for i in acceptance.items})
    perform(acceptance, "pass", people["admin"])
    ops.settle(contract.challenge, people["admin"])
    db.session.commit()
    assert contract.state is ContractState.ACCEPTED


def pay(contract, admin, payer, amount, milestone=None):
    return ops.record_payment(contract, admin, ops.PaymentInput(
        payer, amount, local_today(), milestone.id if milestone else None, "流水"))


def events(obj_type, obj_id, action=None):
    query = select(AuditEvent).where(AuditEvent.object_type == obj_type, AuditEvent.object_id == obj_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.session.scalars(query.order_by(AuditEvent.id)).all()


def notes_for(user):
    return db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)).all()


def mails_to(user):
    return db.session.scalars(select(OutboundEmail.body).where(OutboundEmail.to_address == user.email)).all()


def audit_count():
    return db.session.scalar(select(func.count(AuditEvent.id)))


# == 2. 赛马: elimination ===================================================================

@pytest.fixture
def race(make, people):
    """A 赛马 榜 with three signed teams of 100 万 each (subsidy 20 %, cap 10 万)."""
    board = board_for(make, people, FundingMode.HORSE_RACE, max_winners=3)
    third = make.user(Role.SOLVER, name="第三队")
    solvers = [people["solver"], people["other_solver"], third]
    contracts = [make.contract(board, people["admin"], solver=s, sign=True, shares=(3000, 3000, 4000),
                               amount_fen=100 * WAN, subsidy_rate_bp=2000, subsidy_cap_fen=10 * WAN)
                 for s in solvers]
    db.session.commit()
    assert board.state is ChallengeState.CONTRACTED
    assert all(c.state is ContractState.ACTIVE for c in contracts)
    return board, contracts, solvers


def test_elimination_cancels_open_milestones_and_releases_unpaid_shares(people, race):
    board, (a, b, c), (sa, sb, sc) = race
    admin = people["admin"]
    first, second, third = a.milestones
    walk(first, people, sa)
    walk(second, people, sa, to=MilestoneState.CONFIRMED)
    walk(third, people, sa, to=MilestoneState.REPORTED)
    pay(a, admin, Payer.ENTERPRISE, 30 * WAN, first)
    db.session.commit()
    before = audit_count()

    ops.eliminate(a, admin, "第一阶段评审排名末位")
    db.session.commit()

    assert a.state is ContractState.ELIMINATED and a.ended_at is not None
    assert a.end_note == "第一阶段评审排名末位"
    assert (first.state, second.state, third.state) == (
        MilestoneState.APPROVED, MilestoneState.CONFIRMED, MilestoneState.CANCELLED)
    cancel = events("milestone", third.id, "cancel")
    assert len(cancel) == 1 and (cancel[0].from_state, cancel[0].to_state) == ("reported", "cancelled")
    assert cancel[0].actor_id == admin.id and cancel[0].reason == "第一阶段评审排名末位"
    assert events("milestone", second.id, "cancel") == []
    eliminated = events("contract", a.id, "eliminate")
    assert len(eliminated) == 1 and eliminated[0].to_state == "eliminated"
    assert audit_count() == before + 2

    totals_ = contract_totals(a)
    # committed 100 万 + 10 万 subsidy; earned: milestones 1 and 2 (30 % + 30 %)
    assert totals_.paid == 30 * WAN
    assert totals_.due == 30 * WAN + 6 * WAN  # milestone 2 for both payers, milestone 1 subsidy
    assert totals_.released == 40 * WAN + 4 * WAN  # the cancelled third milestone, both payers
    assert totals_.paid + totals_.due + totals_.released == totals_.committed

    # still paid for what was confirmed before the elimination, never for the released share
    with pytest.raises(ops.AwardError, match="淘汰"):
        pay(a, admin, Payer.ENTERPRISE, WAN, third)
    with pytest.raises(ops.AwardError, match="淘汰"):
        pay(a, admin, Payer.ENTERPRISE, WAN)
    pay(a, admin, Payer.ENTERPRISE, 30 * WAN, second)
    pay(a, admin, Payer.GOVERNMENT, 3 * WAN, first)
    db.session.commit()
    assert contract_totals(a).due == 3 * WAN

    assert any("淘汰" in m and "第一阶段评审排名末位" in m for m in notes_for(sa))
    assert any("第一阶段评审排名末位" in body for body in mails_to(sa))
    assert any("淘汰" in m for m in notes_for(people["issuer"]))
    assert not any("淘汰" in m for m in notes_for(sb))
    assert board.state is ChallengeState.CONTRACTED


def test_the_last_active_team_cannot_be_eliminated_and_the_race_goes_on(people, race):
    board, (a, b, c), (sa, sb, sc) = race
    admin = people["admin"]
    ops.eliminate(a, admin, "排名末位")
    ops.eliminate(b, admin, "排名第二")
    db.session.commit()
    before = audit_count()
    with pytest.raises(TransitionError, match="最后一支"):
        ops.eliminate(c, admin, "再淘汰")
    db.session.rollback()
    assert db.session.get(Contract, c.id).state is ContractState.ACTIVE
    assert audit_count() == before

    pass_acceptance(c, people, sc)
    assert board.state is ChallengeState.ACCEPTED and board.accepted_at is not None
    assert [e.to_state for e in events("challenge", board.id, "accept")] == ["accepted"]


def test_a_race_where_every_team_ends_without_success_fails(people, race):
    board, (a, b, c), _ = race
    admin = people["admin"]
    ops.eliminate(a, admin, "排名末位")
    ops.eliminate(b, admin, "排名第二")
    assert board.state is ChallengeState.CONTRACTED
    ops.fail_contract(c, admin, "最终未达到指标", FailureRule.TERMINATE)
    db.session.commit()
    assert board.state is ChallengeState.FAILED and board.ended_at is not None


def test_only_a_horse_race_team_is_eliminated(make, people):
    board = board_for(make, people, FundingMode.MILESTONE, max_winners=2)
    a = make.contract(board, people["admin"], solver=people["solver"], sign=True, amount_fen=100 * WAN)
    make.contract(board, people["admin"], solver=people["other_solver"], sign=True, amount_fen=100 * WAN)
    db.session.commit()
    with pytest.raises(TransitionError, match="赛马"):
        ops.eliminate(a, people["admin"], "不合适")
    db.session.rollback()
    assert db.session.get(Contract, a.id).state is ContractState.ACTIVE


# == 3. Failure rules ========================================================================

@pytest.fixture
def funded(make, people):
    """One milestone-funded contract of 100 万 (subsidy 30 %, cap 20 万 → 20 万), three
    milestones 30/30/40 %: the first approved and paid by the enterprise, the second confirmed."""
    board = board_for(make, people)
    contract = make.contract(board, people["admin"], solver=people["solver"], sign=True,
                             shares=(3000, 3000, 4000), amount_fen=100 * WAN,
                             subsidy_rate_bp=3000, subsidy_cap_fen=20 * WAN)
    first, second, _third = contract.milestones
    walk(first, people, people["solver"])
    walk(second, people, people["solver"], to=MilestoneState.CONFIRMED)
    pay(contract, people["admin"], Payer.ENTERPRISE, 30 * WAN, first)
    db.session.commit()
    assert contract.subsidy_fen == 20 * WAN
    return board, contract


def _only_failure_notices(people, reason):
    for who in ("solver", "issuer", "colleague"):
        assert any(reason in m for m in notes_for(people[who])), who
        assert any(reason in body for body in mails_to(people[who])), who
    assert not any(reason in m for m in notes_for(people["other_solver"]))


def test_terminate_stops_every_payment_and_the_board_fails_with_its_only_contract(people, funded):
    board, contract = funded
    admin = people["admin"]
    ops.fail_contract(contract, admin, "关键指标无法达到", FailureRule.TERMINATE)
    db.session.commit()
    assert contract.state is ContractState.FAILED and contract.failure_rule is FailureRule.TERMINATE
    assert contract.ended_at is not None and contract.end_note == "关键指标无法达到"
    assert contract.milestones[2].state is MilestoneState.CANCELLED
    totals_ = contract_totals(contract)
    assert (totals_.paid, totals_.due, totals_.withheld) == (30 * WAN, 0, 0)
    assert totals_.released == 90 * WAN
    with pytest.raises(ops.AwardError, match="不能再付款"):
        pay(contract, admin, Payer.ENTERPRISE, WAN, contract.milestones[1])
    with pytest.raises(ops.AwardError, match="不能再付款"):
        pay(contract, admin, Payer.GOVERNMENT, WAN, contract.milestones[0])

    assert board.state is ChallengeState.FAILED and board.ended_at is not None
    fail_events = events("challenge", board.id, "fail")
    assert len(fail_events) == 1 and fail_events[0].from_state == "contracted"
    _only_failure_notices(people, "关键指标无法达到")


def test_withhold_freezes_earned_unpaid_money(people, funded):
    _board, contract = funded
    admin = people["admin"]
    ops.fail_contract(contract, admin, "团队解散", FailureRule.WITHHOLD)
    db.session.commit()
    first, second, third = contract.milestones
    assert (second.state, third.state) == (MilestoneState.CONFIRMED, MilestoneState.CANCELLED)
    totals_ = contract_totals(contract)
    # earned: milestones 1 and 2 of 100 万 and of 20 万 = 60 万 + 12 万; paid 30 万
    assert totals_.withheld == 42 * WAN and totals_.due == 0
    assert totals_.released == 40 * WAN + 8 * WAN
    with pytest.raises(ops.AwardError, match="暂扣"):
        pay(contract, admin, Payer.ENTERPRISE, WAN, second)
    _only_failure_notices(people, "团队解散")


def test_recover_enters_a_receivable_bounded_by_what_was_paid(people, funded):
    _board, contract = funded
    admin = people["admin"]
    with pytest.raises(ops.AwardError, match="不能超过已付金额"):
        ops.fail_contract(contract, admin, "弄虚作假", FailureRule.RECOVER, recovery_fen=30 * WAN + 1)
    with pytest.raises(ops.AwardError, match="大于零"):
        ops.fail_contract(contract, admin, "弄虚作假", FailureRule.RECOVER, recovery_fen=0)
    db.session.rollback()
    assert contract.state is ContractState.ACTIVE

    ops.fail_contract(contract, admin, "弄虚作假", FailureRule.RECOVER, recovery_fen=25 * WAN)
    db.session.commit()
    assert contract.failure_rule is FailureRule.RECOVER and contract.recovery_fen == 25 * WAN
    receivable = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.contract_id == contract.id, LedgerEntry.kind == EntryKind.RECEIVABLE)).all()
    assert [e.amount_fen for e in receivable] == [25 * WAN]
    assert len(events("contract", contract.id, "receivable")) == 1
    totals_ = contract_totals(contract)
    assert (totals_.receivable, totals_.recovered, totals_.outstanding_receivable) == (25 * WAN, 0, 25 * WAN)
    assert totals_.paid == 30 * WAN  # a receivable is not a reversal of payments

    with pytest.raises(ops.AwardError, match="超过尚未追回"):
        ops.record_recovered(contract, admin, 25 * WAN + 1, local_today(), "退款 1")
    ops.record_recovered(contract, admin, 20 * WAN, local_today(), "退款 1")
    with pytest.raises(ops.AwardError, match="超过尚未追回"):
        ops.record_recovered(contract, admin, 5 * WAN + 1, local_today(), "退款 2")
    ops.record_recovered(contract, admin, 5 * WAN, local_today(), "退款 2")
    with pytest.raises(ops.AwardError):
        ops.record_recovered(contract, admin, 1, local_today(), "退款 3")
    db.session.commit()
    totals_ = contract_totals(contract)
    assert (totals_.recovered, totals_.outstanding_receivable) == (25 * WAN, 0)
    with pytest.raises(ops.AwardError, match="不能再付款"):
        pay(contract, admin, Payer.ENTERPRISE, WAN, contract.milestones[1])
    _only_failure_notices(people, "弄虚作假")


def test_a_failure_needs_a_rule_and_recovery_needs_a_signed_contract(make, people):
    board = board_for(make, people)
    draft = make.contract(board, people["admin"], solver=people["solver"])
    db.session.commit()
    with pytest.raises(TransitionError, match="失败处理规则"):
        perform(draft, "fail", people["admin"], reason="放弃")
    with pytest.raises(TransitionError, match="未签订"):
        perform(draft, "fail", people["admin"], reason="放弃", rule=FailureRule.RECOVER, recovery_fen=1)
    with pytest.raises(ops.AwardError):
        ops.fail_contract(draft, people["admin"], "放弃", FailureRule.RECOVER, recovery_fen=1)
    db.session.rollback()
    assert db.session.get(Contract, draft.id).state is ContractState.DRAFT


def test_the_board_fails_only_when_its_last_contract_fails(make, people):
    board = board_for(make, people, max_winners=2)
    a = make.contract(board, people["admin"], solver=people["solver"], sign=True, amount_fen=100 * WAN)
    b = make.contract(board, people["admin"], solver=people["other_solver"], sign=True, amount_fen=100 * WAN)
    db.session.commit()
    ops.fail_contract(a, people["admin"], "甲队失败", FailureRule.TERMINATE)
    db.session.commit()
    assert board.state is ChallengeState.CONTRACTED
    ops.fail_contract(b, people["admin"], "乙队失败", FailureRule.TERMINATE)
    db.session.commit()
    assert board.state is ChallengeState.FAILED


def test_a_failed_draft_does_not_fail_the_board_while_another_winner_awaits_a_contract(make, people):
    board = board_for(make, people, max_winners=2)
    first = make.winner(board, people["solver"])
    waiting = make.winner(board, people["other_solver"])
    draft = ops.draft_contract(first, people["admin"])
    db.session.commit()
    ops.fail_contract(draft, people["admin"], "揭榜方放弃签约", FailureRule.TERMINATE)
    db.session.commit()
    assert board.state is ChallengeState.PUBLICITY
    other = ops.draft_contract(waiting, people["admin"])
    ops.sign_contract(other, people["admin"])
    db.session.commit()
    assert board.state is ChallengeState.CONTRACTED


# == 4. Acceptance (验收) ====================================================================

@pytest.fixture
def accepting(make, people):
    """A contract whose milestones are all approved, on a 榜 with two indicators."""
    board = board_for(make, people, indicators=[
        {"name": "过滤效率", "target": "≥99.97", "unit": "%", "method": "NaCl 法"},
        {"name": "过滤阻力", "target": "≤80", "unit": "Pa", "method": "GB 2626"}])
    contract = make.contract(board, people["admin"], solver=people["solver"], sign=True)
    for milestone in contract.milestones:
        walk(milestone, people, people["solver"])
    acceptance = ops.acceptance_for(contract)
    db.session.commit()
    return contract, acceptance


def _by_name(acceptance):
    return {item.indicator.name: item for item in acceptance.items}


def test_submitting_with_a_missing_measured_value_names_the_indicator(people, accepting):
    _contract, acceptance = accepting
    items = _by_name(acceptance)
    ops.save_acceptance(acceptance, people["solver"], "总结", {items["过滤效率"].id: "99.98"})
    for item in acceptance.items:
        ops.add_file(item, people["solver"], pdf())
    with pytest.raises(TransitionError, match="过滤阻力」缺少实测值") as refused:
        perform(acceptance, "submit", people["solver"])
    assert "过滤效率" not in refused.value.message
    assert acceptance.state is AcceptanceState.DRAFT


def test_submitting_with_missing_evidence_names_the_indicator(people, accepting):
    _contract, acceptance = accepting
    items = _by_name(acceptance)
    ops.save_acceptance(acceptance, people["solver"], "总结", {i.id: "1" for i in acceptance.items})
    ops.add_file(items["过滤效率"], people["solver"], pdf())
    with pytest.raises(TransitionError, match="过滤阻力」缺少证明材料") as refused:
        perform(acceptance, "submit", people["solver"])
    assert "过滤效率" not in refused.value.message
    assert acceptance.state is AcceptanceState.DRAFT


def test_acceptance_waits_for_every_milestone(make, people):
    board = board_for(make, people)
    contract = make.contract(board, people["admin"], solver=people["solver"], sign=True)
    walk(contract.milestones[0], people, people["solver"])
    acceptance = ops.acceptance_for(contract)
    ops.save_acceptance(acceptance, people["solver"], "总结", {i.id: "1" for i in acceptance.items})
    for item in acceptance.items:
        ops.add_file(item, people["solver"], pdf())
    with pytest.raises(TransitionError, match="第2阶段"):
        perform(acceptance, "submit", people["solver"])


def test_sign_off_needs_a_judgement_per_item_and_pass_needs_every_item_met(people, accepting):
    contract, acceptance = accepting
    items = _by_name(acceptance)
    ops.save_acceptance(acceptance, people["solver"], "总结", {i.id: "1" for i in acceptance.items})
    for item in acceptance.items:
        ops.add_file(item, people["solver"], pdf())
    perform(acceptance, "submit", people["solver"])
    db.session.commit()

    with pytest.raises(TransitionError, match="逐项判定") as refused:
        perform(acceptance, "sign_off", people["issuer"], judgements={items["过滤效率"].id: True})
    assert "过滤阻力" in refused.value.message and "过滤效率" not in refused.value.message
    db.session.rollback()
    assert acceptance.state is AcceptanceState.SUBMITTED and all(i.met is None for i in acceptance.items)

    perform(acceptance, "sign_off", people["issuer"], opinion="阻力偏高",
            judgements={items["过滤效率"].id: True, items["过滤阻力"].id: False})
    db.session.commit()
    assert acceptance.state is AcceptanceState.SIGNED_OFF and acceptance.enterprise_opinion == "阻力偏高"
    with pytest.raises(TransitionError, match="过滤阻力」未达标"):
        perform(acceptance, "pass", people["admin"])
    db.session.rollback()
    assert acceptance.state is AcceptanceState.SIGNED_OFF

    perform(acceptance, "reject", people["admin"], reason="过滤阻力未达标")
    db.session.commit()
    assert acceptance.state is AcceptanceState.FAILED and acceptance.decided_at is not None
    assert contract.state is ContractState.ACTIVE and contract.ended_at is None
    assert contract.challenge.state is ChallengeState.CONTRACTED
    assert any("过滤阻力未达标" in m for m in notes_for(people["solver"]))


def test_a_passed_acceptance_accepts_the_contract(people, accepting):
    contract, _acceptance = accepting
    pass_acceptance(contract, people, people["solver"])
    assert contract.ended_at is not None
    assert [e.to_state for e in events("contract", contract.id, "accept")] == ["accepted"]
    assert contract.challenge.state is ChallengeState.ACCEPTED


# == 5. Contract terms, 签约 and the 榜 following its contracts ================================

def _values(proposal, **overrides):
    return ops.contract_defaults(proposal) | overrides


def test_a_contract_is_at_most_the_bounty(make, people):
    board = board_for(make, people)  # 榜额 300 万
    proposal = make.winner(board, people["solver"])
    with pytest.raises(ops.AwardError, match="不能超过榜额") as refused:
        ops.draft_contract(proposal, people["admin"], _values(proposal, amount_fen=300 * WAN + 1))
    assert refused.value.field == "amount"
    contract = ops.draft_contract(proposal, people["admin"], _values(proposal, amount_fen=300 * WAN))
    assert contract.amount_fen == 300 * WAN


def test_the_contracts_of_a_board_together_are_at_most_the_bounty(make, people):
    board = board_for(make, people, max_winners=2)
    first, second = make.winner(board, people["solver"]), make.winner(board, people["other_solver"])
    ops.draft_contract(first, people["admin"], _values(first, amount_fen=200 * WAN))
    assert ops.contract_defaults(second)["amount_fen"] == 100 * WAN  # what is left
    with pytest.raises(ops.AwardError, match="合计不能超过榜额") as refused:
        ops.draft_contract(second, people["admin"], _values(second, amount_fen=100 * WAN + 1))
    assert refused.value.field == "amount"
    contract = ops.draft_contract(second, people["admin"], _values(second, amount_fen=100 * WAN))
    # an edit of one contract counts the others, not itself
    ops.update_contract(contract, people["admin"], _values(second, number=contract.number,
                                                           amount_fen=90 * WAN))
    assert contract.amount_fen == 90 * WAN


@pytest.mark.parametrize("shares,ok", [((4000, 6000), True), ((4000, 5000), False),
                                       ((5000, 5001), False), ((10_000,), True), ((), False)])
def test_milestone_shares_must_make_100_percent(make, people, shares, ok):
    board = board_for(make, people)
    proposal = make.winner(board, people["solver"])
    values = _values(proposal)
    values["milestones"] = [{"title": f"阶段{n}", "due_on": local_today() + timedelta(days=30 * (n + 1)),
                             "deliverable": "", "share_bp": s} for n, s in enumerate(shares)]
    problems = ops.value_problems(board, values)
    assert ("milestones" not in problems) is ok


def test_signing_checks_the_terms_again(make, people):
    board = board_for(make, people)
    contract = make.contract(board, people["admin"], solver=people["solver"])
    contract.milestones[1].share_bp = 5000  # 40 % + 50 %
    db.session.commit()
    with pytest.raises(TransitionError, match="100%"):
        ops.sign_contract(contract, people["admin"])
    db.session.rollback()
    assert db.session.get(Contract, contract.id).state is ContractState.DRAFT


@pytest.mark.parametrize("amount,rate_bp,cap,expected", [
    (100 * WAN, 3000, 20 * WAN, 20 * WAN),       # 30 万 capped at 20 万
    (100 * WAN, 1000, 20 * WAN, 10 * WAN),       # under the cap
    (100 * WAN, 0, 20 * WAN, 0),
    (100 * WAN, 10_000, 500 * WAN, 100 * WAN),
    (333_333, 3333, 10 * WAN, 111_099),          # 111 099.8889 分, rounded down
    (1, 9999, 10, 0),
    (99, 5000, 10, 10),
])
def test_subsidy_is_rate_times_amount_capped_and_rounded_down(make, people, amount, rate_bp, cap, expected):
    board = board_for(make, people)
    contract = make.contract(board, people["admin"], solver=people["solver"], amount_fen=amount,
                             subsidy_rate_bp=rate_bp, subsidy_cap_fen=cap)
    assert contract.subsidy_fen == expected
    assert contract_totals(contract).government.committed == expected


def test_subsidy_values_are_checked(make, people):
    board = board_for(make, people)
    proposal = make.winner(board, people["solver"])
    assert "subsidy_rate" in ops.value_problems(board, _values(proposal, subsidy_rate_bp=10_001))
    assert "subsidy_cap" in ops.value_problems(board, _values(proposal, subsidy_rate_bp=1000))
    assert "subsidy_cap" in ops.value_problems(board, _values(proposal, subsidy_cap_fen=-1))


def test_contract_numbers_are_unique(make, people):
    board = board_for(make, people, max_winners=3)
    contracts = [make.contract(board, people["admin"], amount_fen=50 * WAN) for _ in range(3)]
    db.session.commit()
    assert len({c.number for c in contracts}) == 3
    proposal = make.winner(board, people["solver"])
    assert ops.value_problems(board, _values(proposal, number=contracts[0].number))["number"]
    with pytest.raises(ops.AwardError, match="编号已被使用") as refused:
        ops.update_contract(contracts[1], people["admin"], _values(
            contracts[1].proposal, number=contracts[0].number, amount_fen=50 * WAN))
    assert refused.value.field == "number"
    db.session.rollback()
    contracts[1].number = contracts[0].number
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_signing_waits_for_the_end_of_publicity(make, people):
    board = board_for(make, people)
    board.publicity_ends_at = utcnow() + timedelta(days=2)
    contract = make.contract(board, people["admin"], solver=people["solver"])
    db.session.commit()
    with pytest.raises(TransitionError, match="公示期"):
        ops.sign_contract(contract, people["admin"])
    db.session.rollback()
    assert db.session.get(Contract, contract.id).state is ContractState.DRAFT
    assert events("contract", contract.id, "sign") == []


def test_signing_waits_until_every_objection_is_answered(make, people):
    board = board_for(make, people)
    contract = make.contract(board, people["admin"], solver=people["solver"])
    objection = Objection(challenge_id=board.id, filer_id=people["other_solver"].id, reason="评分不公")
    db.session.add(objection)
    db.session.commit()
    with pytest.raises(TransitionError, match="异议"):
        ops.sign_contract(contract, people["admin"])
    db.session.rollback()
    perform(objection, "dismiss", people["admin"], reason="评分符合细则")
    ops.sign_contract(contract, people["admin"])
    db.session.commit()
    assert contract.state is ContractState.ACTIVE and board.state is ChallengeState.CONTRACTED
    assert objection.state is ObjectionState.DISMISSED


def test_the_board_is_contracted_once_every_winner_has_signed(make, people):
    board = board_for(make, people, max_winners=2)
    first, second = make.winner(board, people["solver"]), make.winner(board, people["other_solver"])
    a = ops.draft_contract(first, people["admin"], _values(first, amount_fen=100 * WAN))
    b = ops.draft_contract(second, people["admin"], _values(second, amount_fen=100 * WAN))
    ops.sign_contract(a, people["admin"])
    db.session.commit()
    assert board.state is ChallengeState.PUBLICITY and board.contracted_at is None
    assert "1 个入选方案没有签订合同" in contract_problem(board)
    ops.sign_contract(b, people["admin"])
    db.session.commit()
    assert board.state is ChallengeState.CONTRACTED and board.contracted_at is not None


def test_settle_moves_the_board_through_acceptance_to_award(make, people):
    admin = people["admin"]
    board = board_for(make, people, max_winners=2)
    third = make.user(Role.SOLVER)
    a = make.contract(board, admin, solver=people["solver"], sign=True, amount_fen=100 * WAN,
                      subsidy_rate_bp=1000, subsidy_cap_fen=50 * WAN)
    b = make.contract(board, admin, solver=third, sign=True, amount_fen=50 * WAN,
                      subsidy_rate_bp=2000, subsidy_cap_fen=50 * WAN)
    db.session.commit()
    assert board.state is ChallengeState.CONTRACTED

    pass_acceptance(a, people, people["solver"])
    assert board.state is ChallengeState.CONTRACTED  # b is still running
    pass_acceptance(b, people, third)
    assert board.state is ChallengeState.ACCEPTED

    pay(a, admin, Payer.ENTERPRISE, 100 * WAN)
    pay(a, admin, Payer.GOVERNMENT, 10 * WAN)
    pay(b, admin, Payer.ENTERPRISE, 50 * WAN)
    db.session.commit()
    assert board.state is ChallengeState.ACCEPTED  # b's subsidy is still owed
    assert b.number in award_problem(board) and a.number not in award_problem(board)
    pay(b, admin, Payer.GOVERNMENT, 10 * WAN - 1)
    assert board.state is ChallengeState.ACCEPTED
    pay(b, admin, Payer.GOVERNMENT, 1)
    db.session.commit()
    assert board.state is ChallengeState.AWARDED

    trail = [(e.action, e.from_state, e.to_state) for e in events("challenge", board.id)
             if e.from_state is not None]
    assert trail[-3:] == [("contract", "publicity", "contracted"), ("accept", "contracted", "accepted"),
                          ("award", "accepted", "awarded")]
    ops.finish(board, admin)
    assert board.state is ChallengeState.CLOSED


def test_an_accepted_board_with_a_failed_contract_is_awarded_on_the_accepted_one(make, people):
    admin = people["admin"]
    board = board_for(make, people, max_winners=2)
    a = make.contract(board, admin, solver=people["solver"], sign=True, amount_fen=100 * WAN)
    b = make.contract(board, admin, solver=people["other_solver"], sign=True, amount_fen=100 * WAN)
    pass_acceptance(a, people, people["solver"])
    ops.fail_contract(b, admin, "乙队未完成", FailureRule.TERMINATE)
    db.session.commit()
    assert board.state is ChallengeState.ACCEPTED
    pay(a, admin, Payer.ENTERPRISE, 100 * WAN)
    db.session.commit()
    assert board.state is ChallengeState.AWARDED
