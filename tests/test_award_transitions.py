"""The 奖榜 transition tables, exhaustively: for a contract, a contract milestone and an
acceptance, each (state, action, actor) either succeeds exactly as challenge.states says — with
ownership: the solver of the contract's organization, the enterprise that issued the 榜 — or is
refused with nothing changed and no audit event written.

One world is built per module (a 赛马 榜 with the contract under test and a rival team); each
case sets the states it needs, runs, and is rolled back, so the table alone decides."""

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
    ACCEPTANCE_TRANSITIONS,
    CONTRACT_TRANSITIONS,
    MILESTONE_TRANSITIONS,
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
from tests.conftest import reset_database

ACTORS = ["issuer", "other_enterprise", "solver", "other_solver", "reviewer", "admin"]
# Who each actor is to the contract under test: (role, acts for its own party).
RELATION = {"issuer": (Role.ENTERPRISE, True), "other_enterprise": (Role.ENTERPRISE, False),
            "solver": (Role.SOLVER, True), "other_solver": (Role.SOLVER, False),
            "reviewer": (Role.REVIEWER, False), "admin": (Role.ADMIN, True)}
WAN = 1_000_000


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


def expected(transition, state, actor_name) -> bool:
    role, own_party = RELATION[actor_name]
    return state in transition.sources and role in transition.actors and own_party


def params(world: World) -> dict:
    """Every precondition's input, so that only the table decides."""
    return {"report": "本阶段全部完成", "rule": FailureRule.TERMINATE,
            "judgements": {item.id: True for item in world.acceptance.items}, "opinion": "同意"}


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(AuditEvent.id))),
            db.session.scalar(select(func.count(Notification.id))))


def check(obj, transition, state, actor_name, world):
    actor = world.people[actor_name]
    before = counts()
    if expected(transition, state, actor_name):
        assert allowed(obj, transition.action, actor)
        event = perform(obj, transition.action, actor, reason="理由", **params(world))
        assert obj.state is transition.target
        assert (event.action, event.from_state, event.to_state) == (
            transition.action, state.value, transition.target.value)
        assert event.actor_id == actor.id and event.reason == "理由"
        assert counts()[0] > before[0]
    else:
        assert not allowed(obj, transition.action, actor)
        with pytest.raises(TransitionError):
            perform(obj, transition.action, actor, reason="理由", **params(world))
        assert obj.state is state
        assert counts() == before
        assert not db.session.new
        assert not [o for o in db.session.dirty if db.session.is_modified(o)]


def _ids(cases):
    return [f"{s.value}-{t.action}-{a}" for s, t, a in cases]


# -- the contract ---------------------------------------------------------------------------

CONTRACT_CASES = [(s, t, a) for t in CONTRACT_TRANSITIONS for s in ContractState for a in ACTORS]


@pytest.mark.parametrize("state,transition,actor_name", CONTRACT_CASES, ids=_ids(CONTRACT_CASES))
def test_contract_transition_table(fresh, state, transition, actor_name):
    contract = fresh.contract
    contract.state = state
    if state is not ContractState.DRAFT:
        contract.signed_at = utcnow()
    fresh.acceptance.state = AcceptanceState.PASSED  # what 验收通过 of the contract needs
    db.session.flush()
    check(contract, transition, state, actor_name, fresh)
    if contract.state is ContractState.ELIMINATED and state is ContractState.ACTIVE:
        assert all(m.state is MilestoneState.CANCELLED for m in contract.milestones)


# -- a milestone ----------------------------------------------------------------------------

MILESTONE_CASES = [(s, t, a) for t in MILESTONE_TRANSITIONS for s in MilestoneState for a in ACTORS]


@pytest.mark.parametrize("state,transition,actor_name", MILESTONE_CASES, ids=_ids(MILESTONE_CASES))
def test_milestone_transition_table(fresh, state, transition, actor_name):
    fresh.contract.state = ContractState.ACTIVE
    milestone: ContractMilestone = fresh.contract.milestones[0]
    milestone.state = state
    db.session.flush()
    check(milestone, transition, state, actor_name, fresh)


# -- acceptance -----------------------------------------------------------------------------

ACCEPTANCE_CASES = [(s, t, a) for t in ACCEPTANCE_TRANSITIONS for s in AcceptanceState for a in ACTORS]


@pytest.mark.parametrize("state,transition,actor_name", ACCEPTANCE_CASES, ids=_ids(ACCEPTANCE_CASES))
def test_acceptance_transition_table(fresh, state, transition, actor_name):
    contract, acceptance = fresh.contract, fresh.acceptance
    contract.state = ContractState.ACTIVE
    for milestone in contract.milestones:
        milestone.state = MilestoneState.APPROVED
    acceptance.state = state
    for item in acceptance.items:
        item.met = True  # as signed off (the pass guard reads it)
    db.session.flush()
    check(acceptance, transition, state, actor_name, fresh)
    if acceptance.state is AcceptanceState.PASSED and state is AcceptanceState.SIGNED_OFF:
        assert contract.state is ContractState.ACCEPTED


# -- reasons --------------------------------------------------------------------------------

REASONED = [(kind, t) for kind, table in (("contract", CONTRACT_TRANSITIONS),
                                          ("milestone", MILESTONE_TRANSITIONS),
                                          ("acceptance", ACCEPTANCE_TRANSITIONS))
            for t in table if t.needs_reason]


@pytest.mark.parametrize("kind,transition", REASONED, ids=[f"{k}-{t.action}" for k, t in REASONED])
def test_a_reason_is_required_where_the_table_says(fresh, kind, transition):
    contract = fresh.contract
    contract.state = ContractState.ACTIVE
    obj = {"contract": contract, "milestone": contract.milestones[0], "acceptance": fresh.acceptance}[kind]
    state = sorted(transition.sources)[0]
    obj.state = state
    db.session.flush()
    actor = fresh.people["admin" if Role.ADMIN in transition.actors else "issuer"]
    before = counts()
    with pytest.raises(TransitionError, match="理由"):
        perform(obj, transition.action, actor, reason="   ", **params(fresh))
    assert obj.state is state and counts() == before


def test_an_inactive_solver_cannot_report(fresh):
    fresh.contract.state = ContractState.ACTIVE
    fresh.people["solver"].active = False
    db.session.flush()
    with pytest.raises(TransitionError):
        perform(fresh.contract.milestones[0], "report", fresh.people["solver"], report="完成")
