"""The 奖榜 tables through the door, against the hand-written matrices of
tests/transition_matrices.py: for a contract, a contract milestone and an acceptance, `allowed`
answers every (action, state, actor) as the matrix says — with ownership: the solver of the
contract's organization, the enterprise that issued the 榜 —, every cell that lets someone act
performs and reaches the matrix's target, and a sample of refusals changes nothing and writes no
audit event.

One world is built per module (a 赛马 榜 with the contract under test and a rival team); each
case sets the states it needs, runs, and is rolled back, so the matrix alone decides."""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from challenge.awarding import operations as ops
from challenge.extensions import db
from challenge.models import Acceptance, AuditEvent, Contract, ContractMilestone, Notification, User
from challenge.states import (
    AcceptanceState,
    ChallengeState,
    ContractState,
    FailureRule,
    FundingMode,
    MilestoneState,
    Role,
)
from challenge.timeutil import utcnow
from challenge.workflow import TransitionError, allowed, perform
from tests import factories
from tests import transition_matrices as matrices
from tests.conftest import reset_database

ACTORS = ["issuer", "other_enterprise", "solver", "other_solver", "reviewer", "admin"]
# Who each actor is to the contract under test: (letter in the matrices, acts for its party).
RELATION = {"issuer": ("E", True), "other_enterprise": ("E", False), "solver": ("S", True),
            "other_solver": ("S", False), "reviewer": ("R", False), "admin": ("A", True)}
BY_LETTER = {"E": "issuer", "S": "solver", "A": "admin"}
WAN = 1_000_000
ENDED = {ContractState.ACCEPTED, ContractState.ELIMINATED, ContractState.FAILED}


@dataclass
class World:
    people: dict[str, User]
    contract: Contract
    rival: Contract
    acceptance: Acceptance


@pytest.fixture(scope="module")
def world(base_app, migrated_template):
    reset_database(base_app, migrated_template)
    with base_app.app_context():
        make_user = factories.make_user
        issuer = make_user(Role.ENTERPRISE, name="发榜人")
        people = {"issuer": issuer, "other_enterprise": make_user(Role.ENTERPRISE, name="他企"),
                  "solver": make_user(Role.SOLVER, name="揭榜人"),
                  "other_solver": make_user(Role.SOLVER, name="对手队"),
                  "reviewer": make_user(Role.REVIEWER), "admin": make_user(Role.ADMIN)}
        admin = people["admin"]
        board = factories.make_challenge(issuer, ChallengeState.PUBLICITY, admin=admin,
                                         funding_mode=FundingMode.HORSE_RACE, max_winners=2)
        board.publicity_ends_at = utcnow() - timedelta(minutes=1)
        # the rival team (the other solver's organization) is signed and racing
        rival = factories.make_contract(board, admin, solver=people["other_solver"], sign=True,
                                        amount_fen=100 * WAN)
        contract = factories.make_contract(board, admin, solver=people["solver"], amount_fen=100 * WAN)
        acceptance = ops.acceptance_for(contract)
        for item in acceptance.items:
            item.measured_value = "99.98"
            ops.add_file(item, people["solver"], FileStorage(
                stream=io.BytesIO(b"%PDF-1.4\n"), filename="检测报告.pdf", content_type="application/pdf"))
        for milestone in contract.milestones:
            milestone.report = "阶段完成情况"
        db.session.commit()
        assert contract.state is ContractState.DRAFT and rival.state is ContractState.ACTIVE
        yield World(people, contract, rival, acceptance)
        db.session.rollback()
        db.session.remove()


@pytest.fixture
def fresh(world):
    """Each case starts from the committed world and leaves nothing behind."""
    db.session.rollback()
    yield world
    db.session.rollback()


def expected(letters: str, actor_name: str) -> bool:
    letter, own_party = RELATION[actor_name]
    return letter in letters and own_party


def params(world: World) -> dict:
    """Every precondition's input, so that only the table decides."""
    return {"report": "本阶段全部完成", "rule": FailureRule.TERMINATE,
            "judgements": {item.id: True for item in world.acceptance.items}, "opinion": "同意"}


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(AuditEvent.id))),
            db.session.scalar(select(func.count(Notification.id))))


def door_mismatches(obj, matrix: str, enum, people: dict[str, User]) -> list[str]:
    """Every cell of *matrix* asked of `allowed` for each actor; what differs, readably."""
    wrong = []
    for action, state, letters in matrices.cells(matrix):
        obj.state = enum(state)
        for name in ACTORS:
            if allowed(obj, action, people[name]) != expected(letters, name):
                wrong.append(f"{action} from {state} by {name}: matrix says {letters or '-'}")
    return wrong


def performs(obj, matrix: str, enum, action: str, state: str, actor_name: str, world: World):
    """The cell lets the actor act: it performs and reaches the matrix's target."""
    actor = world.people[actor_name]
    target = matrices.parse(matrix)[action][0]
    before = counts()
    assert allowed(obj, action, actor)
    event = perform(obj, action, actor, reason="理由", **params(world))
    assert obj.state is enum(target)
    assert (event.action, event.from_state, event.to_state) == (action, state, target)
    assert event.actor_id == actor.id and event.reason == "理由"
    assert counts()[0] > before[0]


def refused(obj, action: str, actor_name: str, message: str, world: World):
    """Refused with *message*, nothing changed, no audit event, no notice."""
    state, before = obj.state, counts()
    assert not allowed(obj, action, world.people[actor_name])
    with pytest.raises(TransitionError) as refusal:
        perform(obj, action, world.people[actor_name], reason="理由", **params(world))
    assert refusal.value.message == message
    assert obj.state is state
    assert counts() == before
    assert not db.session.new
    assert not [o for o in db.session.dirty if db.session.is_modified(o)]


def _ids(cases):
    return [f"{action}-{state}-{letter}" for action, state, letter in cases]


# -- the contract ---------------------------------------------------------------------------

def _contract_ready(world: World, state: str) -> Contract:
    contract = world.contract
    contract.state = ContractState(state)
    # the stamps the door would have set on the way (ck_contracts_*_stamped)
    contract.signed_at = None if contract.state is ContractState.DRAFT else utcnow()
    contract.ended_at = utcnow() if contract.state in ENDED else None
    world.acceptance.state = AcceptanceState.PASSED  # what 验收通过 of the contract needs
    db.session.flush()
    return contract


def test_contract_door_allows_exactly_the_matrix(fresh):
    assert door_mismatches(fresh.contract, matrices.CONTRACT, ContractState, fresh.people) == []


CONTRACT_MAY_ACT = list(matrices.may_act(matrices.CONTRACT))


@pytest.mark.parametrize("action,state,letter", CONTRACT_MAY_ACT, ids=_ids(CONTRACT_MAY_ACT))
def test_each_contract_cell_that_allows_performs(fresh, action, state, letter):
    contract = _contract_ready(fresh, state)
    performs(contract, matrices.CONTRACT, ContractState, action, state, BY_LETTER[letter], fresh)
    if action == "eliminate":
        assert all(m.state is MilestoneState.CANCELLED for m in contract.milestones)


@pytest.mark.parametrize("state,action,actor_name,message", [
    ("active", "sign", "admin", "当前状态为「执行中」，不能签订合同。"),
    ("accepted", "fail", "admin", "当前状态为「验收通过」，不能判定失败。"),
    ("draft", "sign", "issuer", "您没有权限签订合同。"),
    ("active", "eliminate", "solver", "您没有权限赛马淘汰。"),
])
def test_contract_refusals_change_nothing(fresh, state, action, actor_name, message):
    refused(_contract_ready(fresh, state), action, actor_name, message, fresh)


# -- a milestone ----------------------------------------------------------------------------

def _milestone_ready(world: World, state: str) -> ContractMilestone:
    world.contract.state, world.contract.signed_at = ContractState.ACTIVE, utcnow()
    milestone: ContractMilestone = world.contract.milestones[0]
    milestone.state = MilestoneState(state)
    db.session.flush()
    return milestone


def test_milestone_door_allows_exactly_the_matrix(fresh):
    milestone = _milestone_ready(fresh, "pending")
    assert door_mismatches(milestone, matrices.MILESTONE, MilestoneState, fresh.people) == []


MILESTONE_MAY_ACT = list(matrices.may_act(matrices.MILESTONE))


@pytest.mark.parametrize("action,state,letter", MILESTONE_MAY_ACT, ids=_ids(MILESTONE_MAY_ACT))
def test_each_milestone_cell_that_allows_performs(fresh, action, state, letter):
    milestone = _milestone_ready(fresh, state)
    performs(milestone, matrices.MILESTONE, MilestoneState, action, state, BY_LETTER[letter], fresh)


@pytest.mark.parametrize("state,action,actor_name,message", [
    ("reported", "report", "solver", "当前状态为「已报告，待企业确认」，不能提交里程碑报告。"),
    ("pending", "report", "other_solver", "您没有权限提交里程碑报告。"),
    ("reported", "confirm", "other_enterprise", "您没有权限确认里程碑。"),
    ("reported", "confirm", "admin", "您没有权限确认里程碑。"),
    ("confirmed", "approve", "issuer", "您没有权限评审通过。"),
    ("approved", "cancel", "admin", "当前状态为「评审通过」，不能取消里程碑。"),
])
def test_milestone_refusals_change_nothing(fresh, state, action, actor_name, message):
    refused(_milestone_ready(fresh, state), action, actor_name, message, fresh)


# -- acceptance -----------------------------------------------------------------------------

def _acceptance_ready(world: World, state: str) -> Acceptance:
    contract, acceptance = world.contract, world.acceptance
    contract.state, contract.signed_at = ContractState.ACTIVE, utcnow()
    for milestone in contract.milestones:
        milestone.state = MilestoneState.APPROVED
    acceptance.state = AcceptanceState(state)
    for item in acceptance.items:
        item.met = True  # as signed off (the pass guard reads it)
    db.session.flush()
    return acceptance


def test_acceptance_door_allows_exactly_the_matrix(fresh):
    acceptance = _acceptance_ready(fresh, "draft")
    assert door_mismatches(acceptance, matrices.ACCEPTANCE, AcceptanceState, fresh.people) == []


ACCEPTANCE_MAY_ACT = list(matrices.may_act(matrices.ACCEPTANCE))


@pytest.mark.parametrize("action,state,letter", ACCEPTANCE_MAY_ACT, ids=_ids(ACCEPTANCE_MAY_ACT))
def test_each_acceptance_cell_that_allows_performs(fresh, action, state, letter):
    acceptance = _acceptance_ready(fresh, state)
    performs(acceptance, matrices.ACCEPTANCE, AcceptanceState, action, state, BY_LETTER[letter],
             fresh)
    if action == "pass":
        assert fresh.contract.state is ContractState.ACCEPTED


@pytest.mark.parametrize("state,action,actor_name,message", [
    ("submitted", "submit", "solver", "当前状态为「已提交，待企业签认」，不能提交验收申请。"),
    ("draft", "submit", "other_solver", "您没有权限提交验收申请。"),
    ("submitted", "sign_off", "other_enterprise", "您没有权限企业签认。"),
    ("signed_off", "pass", "issuer", "您没有权限验收通过。"),
])
def test_acceptance_refusals_change_nothing(fresh, state, action, actor_name, message):
    refused(_acceptance_ready(fresh, state), action, actor_name, message, fresh)


# -- reasons --------------------------------------------------------------------------------

REASONED = [(kind, action, next(iter(sources)), next(iter(sources.values())))
            for kind, matrix in (("contract", matrices.CONTRACT), ("milestone", matrices.MILESTONE),
                                 ("acceptance", matrices.ACCEPTANCE))
            for action, (_to, why, sources) in matrices.parse(matrix).items() if why]


@pytest.mark.parametrize("kind,action,state,letters", REASONED,
                         ids=[f"{k}-{a}" for k, a, _s, _l in REASONED])
def test_a_reason_is_required_where_the_matrix_says(fresh, kind, action, state, letters):
    ready = {"contract": _contract_ready, "milestone": _milestone_ready,
             "acceptance": _acceptance_ready}[kind]
    obj = ready(fresh, state)
    actor = fresh.people[BY_LETTER[letters[0]]]
    before = counts()
    with pytest.raises(TransitionError, match="需要填写理由"):
        perform(obj, action, actor, reason="   ", **params(fresh))
    assert obj.state.value == state and counts() == before


def test_an_inactive_solver_cannot_report(fresh):
    fresh.contract.state, fresh.contract.signed_at = ContractState.ACTIVE, utcnow()
    fresh.people["solver"].active = False
    db.session.flush()
    with pytest.raises(TransitionError):
        perform(fresh.contract.milestones[0], "report", fresh.people["solver"], report="完成")
