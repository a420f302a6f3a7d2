"""The 榜 and access tables through the door: `allowed` answers every cell of the hand-written
matrices (tests/transition_matrices.py), each cell that lets someone act performs with the
matrix's target, and a sample of refusals shows the mechanism: the state checked first with its
message, then the role, then ownership, then the reason; nothing changed, no audit event."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.models import AccessGrant, AuditEvent, Challenge, Contract, Notification, User
from challenge.states import (
    SYSTEM,
    AccessState,
    ChallengeState,
    ContractState,
    ProposalState,
    Role,
)
from challenge.timeutil import utcnow
from challenge.workflow import TransitionError, allowed, perform
from tests import factories
from tests import transition_matrices as matrices

# Who each actor is: its letter in the matrices, and whether it acts for the 榜's issuer.
ACTORS = {"issuer": ("E", True), "colleague": ("E", True), "other_enterprise": ("E", False),
          "solver": ("S", False), "reviewer": ("R", False), "admin": ("A", True),
          "system": ("Y", True)}
BY_LETTER = {"E": "issuer", "A": "admin", "Y": "system"}


def _expected(letters: str, actor_name: str) -> bool:
    letter, own_party = ACTORS[actor_name]
    return letter in letters and own_party


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
        contract.state, contract.signed_at = ContractState.ACTIVE, now  # as if signed
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


CHALLENGE = matrices.parse(matrices.CHALLENGE)


def test_the_door_allows_exactly_the_matrix(make, people):
    """`allowed` for every (action, state, actor) of the 榜: 14 × 12 × 7 answers, one test."""
    challenge = make.challenge(people["issuer"])
    wrong = []
    for action, state, letters in matrices.cells(matrices.CHALLENGE):
        challenge.state = ChallengeState(state)
        for name in ACTORS:
            if allowed(challenge, action, _actor(people, name)) != _expected(letters, name):
                wrong.append(f"{action} from {state} by {name}: matrix says {letters or '-'}")
    db.session.rollback()
    assert wrong == []


def _ids(cases):
    return [f"{action}-{state}-{letter}" for action, state, letter in cases]


MAY_ACT = list(matrices.may_act(matrices.CHALLENGE))


@pytest.mark.parametrize("action,state,letter", MAY_ACT, ids=_ids(MAY_ACT))
def test_each_cell_that_allows_performs(make, people, action, state, letter):
    """Every actor a cell names performs from that state and reaches the matrix's target."""
    challenge = make.challenge(people["issuer"], ChallengeState(state), admin=people["admin"])
    actor = _actor(people, BY_LETTER[letter])
    params = _params(challenge, action)
    assert allowed(challenge, action, actor)
    event = perform(challenge, action, actor, reason="理由", **params)
    db.session.commit()
    target = CHALLENGE[action][0]
    assert challenge.state is ChallengeState(target)
    assert (event.action, event.from_state, event.to_state) == (action, state, target)
    assert event.actor_id == (None if actor == SYSTEM else actor.id) and event.reason == "理由"


# (state, action, actor, the message): the state is checked before the role, the role before
# ownership; the system clock only closes.
REFUSALS = [
    ("draft", "publish", "admin", "当前状态为「草稿」，不能发布。"),
    ("draft", "publish", "solver", "当前状态为「草稿」，不能发布。"),
    ("open", "submit", "issuer", "当前状态为「揭榜中」，不能提交审核。"),
    ("accepted", "finish", "admin", "当前状态为「已验收」，不能结榜。"),
    ("contracted", "withdraw", "issuer", "当前状态为「已签约」，不能撤榜。"),
    ("withdrawn", "republish", "admin", "当前状态为「已撤榜」，不能重新发布。"),
    ("screening", "publish", "issuer", "您没有权限发布。"),
    ("draft", "submit", "admin", "您没有权限提交审核。"),
    ("draft", "submit", "solver", "您没有权限提交审核。"),
    ("draft", "submit", "other_enterprise", "您没有权限提交审核。"),
    ("open", "withdraw", "other_enterprise", "您没有权限撤榜。"),
    ("open", "withdraw", "reviewer", "您没有权限撤榜。"),
    ("screening", "publish", "system", "您没有权限发布。"),
    ("reviewing", "unclaim", "system", "您没有权限流榜。"),
]


@pytest.mark.parametrize("state,action,actor_name,message", REFUSALS,
                         ids=[f"{s}-{a}-{n}" for s, a, n, _m in REFUSALS])
def test_refusals_change_nothing(make, people, state, action, actor_name, message):
    challenge = make.challenge(people["issuer"], ChallengeState(state), admin=people["admin"])
    actor = _actor(people, actor_name)
    params = _params(challenge, action)
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    assert not allowed(challenge, action, actor)
    with pytest.raises(TransitionError) as refused:
        perform(challenge, action, actor, reason="理由", **params)
    assert refused.value.message == message
    db.session.rollback()
    assert db.session.get(Challenge, challenge.id).state is ChallengeState(state)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before


REASONED = [(action, next(iter(sources)), next(iter(sources.values())))
            for action, (_to, why, sources) in CHALLENGE.items() if why]


@pytest.mark.parametrize("action,state,letters", REASONED, ids=[r[0] for r in REASONED])
def test_reason_is_required_where_the_matrix_says(make, people, action, state, letters):
    challenge = make.challenge(people["issuer"], ChallengeState(state), admin=people["admin"])
    actor = people["admin"] if "A" in letters else people["issuer"]
    label = {"return": "退回修改", "unclaim": "流榜", "decide": "确定揭榜方", "reopen": "重新评定",
             "fail": "判定失败", "withdraw": "撤榜"}[action]
    with pytest.raises(TransitionError) as refused:
        perform(challenge, action, actor, reason="  ", **_params(challenge, action))
    assert refused.value.message == f"{label}需要填写理由。"


def test_a_reason_is_not_asked_where_the_matrix_says_none(make, people):
    challenge = make.challenge(people["issuer"])
    perform(challenge, "submit", people["issuer"], reason="")
    assert challenge.state is ChallengeState.SCREENING


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


def test_proposal_door_allows_exactly_the_matrix(make, people):
    """A bid acts through the solvers of its lead organization; the bureau judges it."""
    challenge = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"])
    proposal = make.winner(challenge, solver=people["solver"])
    relation = {"solver": ("S", True), "other_solver": ("S", False), "issuer": ("E", False),
                "reviewer": ("R", False), "admin": ("A", True), "system": ("Y", True)}
    wrong = []
    for action, state, letters in matrices.cells(matrices.PROPOSAL):
        proposal.state = ProposalState(state)
        for name, (letter, own_party) in relation.items():
            if allowed(proposal, action, _actor(people, name)) != (letter in letters and own_party):
                wrong.append(f"{action} from {state} by {name}: matrix says {letters or '-'}")
    db.session.rollback()
    assert wrong == []


ACCESS_MAY_ACT = list(matrices.may_act(matrices.ACCESS))


def _grant(make, people, state: AccessState) -> AccessGrant:
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                               confidentiality="desensitized")
    grant = AccessGrant(challenge_id=challenge.id, user_id=people["solver"].id, state=state,
                        decided_at=None if state is AccessState.REQUESTED else utcnow())
    db.session.add(grant)
    db.session.commit()
    return grant


def test_access_door_allows_exactly_the_matrix(make, people):
    grant = _grant(make, people, AccessState.REQUESTED)
    wrong = []
    for action, state, letters in matrices.cells(matrices.ACCESS):
        grant.state = AccessState(state)
        for name in ACTORS:
            if allowed(grant, action, _actor(people, name)) != _expected(letters, name):
                wrong.append(f"{action} from {state} by {name}: matrix says {letters or '-'}")
    db.session.rollback()
    assert wrong == []


@pytest.mark.parametrize("action,state,letter", ACCESS_MAY_ACT, ids=_ids(ACCESS_MAY_ACT))
def test_each_access_cell_that_allows_performs(make, people, action, state, letter):
    grant = _grant(make, people, AccessState(state))
    actor = people[BY_LETTER[letter]]
    perform(grant, action, actor, reason="说明")
    db.session.commit()
    assert grant.state is AccessState(matrices.parse(matrices.ACCESS)[action][0])
    assert grant.decided_by_id == actor.id and grant.decision_note == "说明"


@pytest.mark.parametrize("state,action,actor_name,message", [
    ("granted", "grant", "issuer", "当前状态为「已授权」，不能同意查阅。"),
    ("requested", "grant", "other_enterprise", "您没有权限同意查阅。"),
    ("requested", "grant", "solver", "您没有权限同意查阅。"),
    ("requested", "refuse", "system", "您没有权限拒绝查阅。"),
])
def test_access_refusals_change_nothing(make, people, state, action, actor_name, message):
    grant = _grant(make, people, AccessState(state))
    with pytest.raises(TransitionError) as refused:
        perform(grant, action, _actor(people, actor_name), reason="说明")
    assert refused.value.message == message
    db.session.rollback()
    assert db.session.get(AccessGrant, grant.id).state is AccessState(state)
