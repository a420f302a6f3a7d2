"""The transition table, exhaustively: each (state, action, actor) either succeeds exactly as the
table says, or is refused with nothing changed and no audit event written."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.models import AccessGrant, AuditEvent, Challenge, Contract, Notification, User
from challenge.states import (
    ACCESS_TRANSITIONS,
    CHALLENGE_TRANSITIONS,
    SYSTEM,
    AccessState,
    ChallengeState,
    ContractState,
    Role,
)
from challenge.timeutil import utcnow
from challenge.workflow import TransitionError, allowed, perform
from tests import factories

ACTORS = ["issuer", "other_enterprise", "solver", "reviewer", "admin", "system"]


def _may(transition, actor_name: str) -> bool:
    """What the table promises: the role is listed, and an enterprise must own the 榜."""
    role = {"issuer": Role.ENTERPRISE, "other_enterprise": None, "solver": Role.SOLVER,
            "reviewer": Role.REVIEWER, "admin": Role.ADMIN, "system": SYSTEM}[actor_name]
    return role in transition.actors


def _actor(people, name):
    return SYSTEM if name == "system" else people[name]


def _params(challenge: Challenge, action: str) -> dict:
    """Satisfy each action's preconditions so the table alone decides."""
    now = utcnow()
    if action in ("publish", "republish"):
        return {"deadline_at": now + timedelta(days=10)}
    if action == "close":
        challenge.deadline_at = now - timedelta(minutes=1)
    # 签约 onwards: the 榜 follows its contracts (challenge.awarding.rules), so set them up.
    if action in ("contract", "fail") and challenge.state is ChallengeState.PUBLICITY:
        challenge.publicity_ends_at = now - timedelta(minutes=1)  # 公示 over, no objection open
        contract = factories.make_contract(challenge, _admin_of(challenge))
        contract.state = ContractState.ACTIVE
    contracts = db.session.scalars(select(Contract).where(Contract.challenge_id == challenge.id)).all()
    if action == "accept":
        for contract in contracts:
            factories.finish_contract(contract, ContractState.ACCEPTED)
    if action == "award":
        for contract in contracts:
            factories.pay_in_full(contract, _admin_of(challenge))
    if action == "fail":
        for contract in contracts:
            factories.finish_contract(contract, ContractState.FAILED)
    db.session.commit()  # set-up is kept when the transition itself is refused and rolled back
    return {}


def _admin_of(challenge: Challenge) -> User:
    return db.session.scalar(select(User).where(User.role == Role.ADMIN).limit(1))


CASES = [(state, t, actor) for t in CHALLENGE_TRANSITIONS for state in ChallengeState
         for actor in ACTORS]


@pytest.mark.parametrize(
    "state,transition,actor_name", CASES,
    ids=[f"{s.value}-{t.action}-{a}" for s, t, a in CASES])
def test_challenge_transition_table(make, people, state, transition, actor_name):
    challenge = make.challenge(people["issuer"], state, admin=people["admin"])
    actor = _actor(people, actor_name)
    params = _params(challenge, transition.action)
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    expected = state in transition.sources and _may(transition, actor_name)

    if expected:
        assert allowed(challenge, transition.action, actor)
        event = perform(challenge, transition.action, actor, reason="理由", **params)
        db.session.commit()
        assert challenge.state is transition.target
        assert (event.from_state, event.to_state) == (state.value, transition.target.value)
        assert event.actor_id == (None if actor == SYSTEM else actor.id)
        assert event.action == transition.action and event.reason == "理由"
    else:
        assert not allowed(challenge, transition.action, actor) or state not in transition.sources
        with pytest.raises(TransitionError):
            perform(challenge, transition.action, actor, reason="理由", **params)
        db.session.rollback()
        assert db.session.get(Challenge, challenge.id).state is state
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before


@pytest.mark.parametrize("transition", [t for t in CHALLENGE_TRANSITIONS if t.needs_reason],
                         ids=lambda t: t.action)
def test_reason_is_required_where_the_table_says(make, people, transition):
    state = next(iter(transition.sources))
    challenge = make.challenge(people["issuer"], state, admin=people["admin"])
    actor = people["admin"] if Role.ADMIN in transition.actors else people["issuer"]
    with pytest.raises(TransitionError, match="理由"):
        perform(challenge, transition.action, actor, reason="  ", **_params(challenge,
                                                                           transition.action))


def test_unknown_action_is_refused(make, people):
    challenge = make.challenge(people["issuer"])
    with pytest.raises(TransitionError, match="未知操作"):
        perform(challenge, "teleport", people["admin"])


def test_inactive_admin_cannot_act(make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"])
    people["admin"].active = False
    with pytest.raises(TransitionError):
        perform(challenge, "publish", people["admin"], deadline_at=utcnow() + timedelta(days=3))


def test_colleague_of_the_issuer_may_act_for_the_enterprise(make, people):
    challenge = make.challenge(people["issuer"])
    perform(challenge, "submit", people["colleague"])
    assert challenge.state is ChallengeState.SCREENING


class TestPreconditions:
    def test_publish_needs_a_future_deadline(self, make, people):
        challenge = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"])
        with pytest.raises(TransitionError, match="截止"):
            perform(challenge, "publish", people["admin"])
        with pytest.raises(TransitionError, match="晚于当前时间"):
            perform(challenge, "publish", people["admin"], deadline_at=utcnow() - timedelta(hours=1))

    def test_publish_stamps_deadline_and_time(self, make, people):
        challenge = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"])
        deadline = utcnow() + timedelta(days=20)
        perform(challenge, "publish", people["admin"], deadline_at=deadline)
        assert challenge.deadline_at == deadline and challenge.published_at is not None

    def test_close_waits_for_the_deadline(self, make, people):
        challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
        with pytest.raises(TransitionError, match="截止时间未到"):
            perform(challenge, "close", SYSTEM)

    def test_submit_needs_an_indicator(self, make, people):
        challenge = make.challenge(people["issuer"])
        challenge.indicators = []
        with pytest.raises(TransitionError, match="量化技术指标"):
            perform(challenge, "submit", people["issuer"])

    def test_submit_with_a_past_proposed_deadline_is_refused(self, make, people):
        challenge = make.challenge(people["issuer"], deadline_at=utcnow() - timedelta(days=1))
        with pytest.raises(TransitionError, match="期望截止日期已过"):
            perform(challenge, "submit", people["issuer"])


def test_transitions_notify_the_right_people(make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"])
    admin_notes = db.session.scalars(select(Notification.message).where(
        Notification.user_id == people["admin"].id)).all()
    assert any("新榜待审核" in m for m in admin_notes)
    perform(challenge, "return", people["admin"], reason="指标不够量化")
    db.session.commit()
    issuer_notes = db.session.scalars(select(Notification.message).where(
        Notification.user_id.in_([people["issuer"].id, people["colleague"].id]))).all()
    assert sum("指标不够量化" in m for m in issuer_notes) == 2


ACCESS_CASES = [(state, t, actor) for t in ACCESS_TRANSITIONS for state in AccessState
                for actor in ACTORS]


@pytest.mark.parametrize(
    "state,transition,actor_name", ACCESS_CASES,
    ids=[f"{s.value}-{t.action}-{a}" for s, t, a in ACCESS_CASES])
def test_access_transition_table(make, people, state, transition, actor_name):
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                               confidentiality="desensitized")
    grant = AccessGrant(challenge_id=challenge.id, user_id=people["solver"].id, state=state)
    db.session.add(grant)
    db.session.commit()
    actor = _actor(people, actor_name)
    expected = state in transition.sources and _may(transition, actor_name)
    if expected:
        perform(grant, transition.action, actor, reason="说明")
        db.session.commit()
        assert grant.state is transition.target
        assert grant.decided_by_id == actor.id
    else:
        with pytest.raises(TransitionError):
            perform(grant, transition.action, actor, reason="说明")
        db.session.rollback()
        assert db.session.get(AccessGrant, grant.id).state is state
