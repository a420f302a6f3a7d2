"""`flask seed-demo` leaves a living platform: 榜 in every state, contracts mid-way and ended,
money that adds up, and public results pages a visitor can read without leaks."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from challenge.awarding.rules import contract_totals, is_overdue
from challenge.extensions import db
from challenge.models import Challenge, Contract, LedgerEntry, Proposal
from challenge.states import (
    RESULT_STATES,
    ChallengeState,
    Confidentiality,
    ContractState,
    EntryKind,
    FailureRule,
    FundingMode,
    MilestoneState,
    Payer,
    ProposalState,
)
from challenge.timeutil import local_today, utcnow

CS = ChallengeState
AFTER_PUBLICITY = {CS.CONTRACTED, CS.ACCEPTED, CS.AWARDED, CS.CLOSED, CS.FAILED}


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return db.session.scalars(select(Challenge).order_by(Challenge.id)).all()


def one(challenges, state, **where) -> Challenge:
    found = [c for c in challenges if c.state is state
             and all(getattr(c, k) == v for k, v in where.items())]
    assert found, (state, where)
    return found[0]


def contracts_of(challenge) -> list[Contract]:
    return list(db.session.scalars(select(Contract).where(Contract.challenge_id == challenge.id)
                                   .order_by(Contract.id)))


def test_every_state_occurs_and_every_decided_board_has_its_outcome(seeded):
    states = Counter(c.state for c in seeded)
    assert set(states) == set(ChallengeState), set(ChallengeState) - set(states)

    for board in seeded:
        contracts = contracts_of(board)
        if board.state in AFTER_PUBLICITY:
            assert contracts, board.title
            winners = set(db.session.scalars(select(Proposal.id).where(
                Proposal.challenge_id == board.id, Proposal.state == ProposalState.SELECTED)))
            assert winners == {c.proposal_id for c in contracts}, board.title
            assert board.contracted_at is not None and board.contracted_at < utcnow()
        else:
            assert not contracts, board.title
        for contract in contracts:  # nothing is left half-done: in progress, or ended and dated
            assert contract.state is not ContractState.DRAFT and contract.signed_at is not None
            if contract.state is ContractState.ACTIVE:
                assert board.state is CS.CONTRACTED
            else:
                assert contract.ended_at is not None
        if board.state in RESULT_STATES:
            assert board.publicity_ends_at is not None and board.decision_note


def test_ledgers_add_up(seeded):
    contracts = db.session.scalars(select(Contract)).all()
    assert len(contracts) >= 8
    for contract in contracts:
        totals = contract_totals(contract)
        for payer in (Payer.ENTERPRISE, Payer.GOVERNMENT):
            part = totals.payer(payer)
            assert 0 <= part.paid <= part.committed, (contract.number, payer)
        assert 0 <= totals.recovered <= totals.receivable <= totals.paid
        for entry in contract.entries:
            assert entry.paid_on <= local_today()
    paid = [c for c in contracts if contract_totals(c).paid > 0]
    assert len(paid) >= 5
    assert any(contract_totals(c).government.paid > 0 for c in contracts)


def test_the_story_boards(seeded):
    today = local_today()

    # 里程碑资助 mid-way: one milestone approved and paid, one reported, one overdue.
    midway = one(seeded, CS.CONTRACTED, funding_mode=FundingMode.MILESTONE)
    [contract] = contracts_of(midway)
    states = [m.state for m in contract.milestones]
    assert MilestoneState.APPROVED in states and MilestoneState.REPORTED in states
    approved = next(m for m in contract.milestones if m.state is MilestoneState.APPROVED)
    assert sum(e.amount_fen for e in contract.entries if e.milestone_id == approved.id) > 0
    overdue = [m for m in contract.milestones if is_overdue(m, today)]
    assert overdue and overdue[0].overdue_notified_on == today
    assert any(m.due_on > today for m in contract.milestones)
    assert midway.contracted_at < utcnow() - timedelta(days=90)  # back-dated, months ago

    # 赛马: 2–3 winners, one eliminated, the others racing on.
    race = one(seeded, CS.CONTRACTED, funding_mode=FundingMode.HORSE_RACE)
    assert 2 <= race.max_winners <= 3
    outcome = Counter(c.state for c in contracts_of(race))
    assert outcome[ContractState.ELIMINATED] == 1 and outcome[ContractState.ACTIVE] >= 1
    eliminated = next(c for c in contracts_of(race) if c.state is ContractState.ELIMINATED)
    assert eliminated.end_note
    assert [m.state for m in eliminated.milestones] == [MilestoneState.APPROVED, MilestoneState.CANCELLED]

    # 验收 passed, the final payment still owed; 兑现 done; 结榜 with a subsidy paid.
    accepted = one(seeded, CS.ACCEPTED)
    assert all(c.state is ContractState.ACCEPTED for c in contracts_of(accepted))
    assert any(contract_totals(c).due > 0 for c in contracts_of(accepted))
    awarded = one(seeded, CS.AWARDED)
    assert all(contract_totals(c).settled for c in contracts_of(awarded))
    closed = one(seeded, CS.CLOSED)
    assert closed.funding_mode is FundingMode.POST_FUNDING
    assert closed.ended_at is not None and closed.accepted_at < closed.ended_at
    assert all(contract_totals(c).government.paid > 0 for c in contracts_of(closed))
    assert closed.contracted_at < closed.accepted_at < utcnow() - timedelta(days=30)

    # 攻关失败 under the recover rule, the receivable partly back.
    failed = one(seeded, CS.FAILED)
    [lost] = contracts_of(failed)
    assert lost.state is ContractState.FAILED and lost.failure_rule is FailureRule.RECOVER
    totals = contract_totals(lost)
    assert 0 < totals.recovered < totals.receivable == lost.recovery_fen
    assert {e.kind for e in lost.entries} >= {EntryKind.PAYMENT, EntryKind.RECEIVABLE,
                                              EntryKind.RECOVERED}
    assert failed.ended_at is not None

    # 流榜 and 公示 are there too; the 公示 window is still open for objections.
    publicity = one(seeded, CS.PUBLICITY)
    assert publicity.publicity_ends_at > utcnow()
    one(seeded, CS.UNCLAIMED)


def test_a_visitor_reads_the_demo_results(seeded, client):
    ended = [c for c in seeded if c.state in (CS.CLOSED, CS.FAILED, CS.AWARDED)]
    html = client.get("/results/closed").get_data(as_text=True)
    listed = {int(i) for i in re.findall(r'data-testid="closed-(\d+)"', html)}
    assert listed == {c.id for c in ended if c.confidentiality is not Confidentiality.DIRECTED}
    masked = [c for c in ended if c.confidentiality is Confidentiality.DESENSITIZED]
    assert masked, "the demo has a 脱敏 榜 among the ended ones"
    for board in masked:
        assert board.issuer.name not in html
        page = client.get(f"/results/{board.id}").get_data(as_text=True)
        assert board.issuer.name not in page and board.detail[:20] not in page
        assert 'data-testid="contracts"' in page

    failed = one(seeded, CS.FAILED)
    page = client.get(f"/results/{failed.id}").get_data(as_text=True)
    assert FailureRule.RECOVER.label in page and "攻关失败" in page
    [lost] = contracts_of(failed)
    assert lost.end_note not in page
    assert not any(e.reference and e.reference in page for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.contract_id == lost.id)))

    record = client.get(f"/organizations/{lost.solver_org_id}")
    assert record.status_code == 200
    counts = dict(re.findall(r'data-testid="count-(\w+)">(\d+)<', record.get_data(as_text=True)))
    assert int(counts["failed"]) >= 1 and int(counts["contracts"]) >= 1
    assert client.get("/results").status_code == 200
