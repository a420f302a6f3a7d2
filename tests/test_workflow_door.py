"""The door's mechanism: registration with `.on`, `problems` (what a button would say), guards
that refuse with every problem as data, effects applied inside the door, follow-up transitions
run by the door with their own audit events, and `Refused`."""

from datetime import timedelta

import pytest
from flask import get_flashed_messages
from sqlalchemy import func, select

from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import AuditEvent, Challenge, Contract, Organization
from challenge.posting.forms import ReasonForm
from challenge.posting.rules import submission_problems
from challenge.states import (
    CHALLENGE_TRANSITIONS,
    CONTRACT_TRANSITIONS,
    ChallengeState,
    ContractState,
    Role,
)
from challenge.timeutil import utcnow
from challenge.views_common import attempt
from challenge.workflow import (
    FollowUp,
    Workflow,
    bureau_only,
    perform,
    problems,
    record,
    register,
    workflow_for,
)
from tests.factories import finish_contract, pay_in_full
from tests.test_award_rules import board_for, pass_acceptance


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def actions_since(first_id: int) -> list[tuple[str, str]]:
    return [(e.object_type, e.action) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.id > first_id).order_by(AuditEvent.id))]


def last_event_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


# -- registration ---------------------------------------------------------------------------

def test_only_a_transition_takes_a_guard_effect_or_notice(app):
    flow = Workflow(Contract, CONTRACT_TRANSITIONS, bureau_only)
    with pytest.raises(ValueError, match="not a transition"):
        flow.on("pay", guard=lambda c, ctx: [])
    follow = FollowUp("榜", lambda c: c.challenge, ("contract",))
    assert flow.on("pay", follows=follow).step("pay").follows == [follow]  # an audited event


def test_a_model_has_one_workflow_and_each_is_found_by_object_or_class(app, make, people):
    with pytest.raises(ValueError, match="registered already"):
        register(Workflow(Challenge, CHALLENGE_TRANSITIONS, bureau_only))
    board = make.challenge(people["issuer"])
    assert workflow_for(board) is workflow_for(Challenge)
    assert workflow_for(board).object_type == "challenge"
    assert workflow_for(Contract).object_type == "contract"
    with pytest.raises(TypeError, match="no workflow for AuditEvent"):
        workflow_for(AuditEvent)


def test_guards_attached_with_on_add_up_and_refuse_with_every_problem(app, make, people,
                                                                       monkeypatch):
    """Two stages may guard one action; the door asks both and refuses with all problems."""
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    flow = workflow_for(board)
    step = flow.steps["close"]
    monkeypatch.setattr(step, "guards", [*step.guards, lambda c, ctx: ["第二个条件未满足。"]])
    events = audit_count()
    with pytest.raises(Refused) as refused:
        perform(board, "close", people["admin"])
    assert refused.value.items == ("揭榜截止时间未到，不能截止揭榜。", "第二个条件未满足。")
    assert refused.value.message == "揭榜截止时间未到，不能截止揭榜。；第二个条件未满足。"
    assert board.state is ChallengeState.OPEN and audit_count() == events


# -- problems: what a button would say -------------------------------------------------------

def test_problems_say_state_role_ownership_then_the_guards_words(app, make, people):
    issuer = people["issuer"]
    draft = make.challenge(issuer, title="未填完的榜", summary="")
    missing = submission_problems(draft, utcnow())
    assert missing  # the summary is required to submit
    assert problems(draft, "submit", issuer) == missing
    assert problems(draft, "submit", people["other_enterprise"]) == ["您没有权限提交审核。"]
    assert problems(draft, "submit", people["solver"]) == ["您没有权限提交审核。"]
    assert problems(draft, "submit", None) == ["您没有权限提交审核。"]
    assert problems(draft, "publish", people["admin"]) == ["当前状态为「草稿」，不能发布。"]
    whole = make.challenge(issuer)
    assert problems(whole, "submit", issuer) == []
    assert problems(whole, "withdraw", issuer) == []  # the reason is the form's, not the button's


def test_perform_refuses_exactly_what_problems_said_and_changes_nothing(app, make, people):
    issuer = people["issuer"]
    draft = make.challenge(issuer, summary="", contact_phone="")
    said = problems(draft, "submit", issuer)
    assert len(said) == 1 and "公开摘要" in said[0] and "联系电话" in said[0]
    events = audit_count()
    with pytest.raises(Refused) as refused:
        perform(draft, "submit", issuer)
    assert list(refused.value.items) == said and refused.value.field is None
    assert draft.state is ChallengeState.DRAFT and draft.submitted_at is None
    assert audit_count() == events


def test_a_missing_reason_is_refused_on_the_reason_field(app, make, people):
    board = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"])
    with pytest.raises(Refused) as refused:
        perform(board, "return", people["admin"], reason="  ")
    assert (refused.value.message, refused.value.field) == ("退回修改需要填写理由。", "reason")


# -- effects inside the door ------------------------------------------------------------------

def test_decide_opens_publicity_inside_the_door_and_reopen_closes_it(app, make, people):
    admin = people["admin"]
    board = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=admin)
    now = utcnow().replace(microsecond=0)
    perform(board, "decide", admin, reason="得分第一", now=now)
    assert board.decision_note == "得分第一"
    assert board.publicity_ends_at == now + timedelta(days=app.config["PUBLICITY_DAYS"])
    perform(board, "reopen", admin, reason="异议成立", now=now + timedelta(days=1))
    assert board.publicity_ends_at is None


# -- follow-ups ------------------------------------------------------------------------------

def test_signing_the_last_contract_moves_the_board_on_with_its_own_event(app, make, people):
    admin = people["admin"]
    board = board_for(make, people, max_winners=2)
    first = make.contract(board, admin, solver=people["solver"])
    second = make.contract(board, admin, solver=people["other_solver"])
    start = last_event_id()
    perform(first, "sign", admin)
    assert board.state is ChallengeState.PUBLICITY  # a winner still unsigned: 签约 waits
    perform(second, "sign", admin)
    assert board.state is ChallengeState.CONTRACTED and board.contracted_at is not None
    assert actions_since(start) == [("contract", "sign"), ("contract", "sign"),
                                    ("challenge", "contract")]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "challenge", AuditEvent.action == "contract")).one()
    assert event.actor_id == admin.id and (event.from_state, event.to_state) == ("publicity", "contracted")


def test_follow_ups_of_a_nested_transition_run_after_the_outer_one(app, make, people):
    """验收通过 of the acceptance accepts the contract inside its effect; the 榜 follows only
    once the acceptance's own step is written, as the old settle after the view did."""
    admin = people["admin"]
    board = board_for(make, people)
    contract = make.contract(board, admin, solver=people["solver"], sign=True)
    assert board.state is ChallengeState.CONTRACTED
    start = last_event_id()
    pass_acceptance(contract, people, people["solver"])
    tail = actions_since(start)[-3:]
    assert tail == [("contract", "accept"), ("acceptance", "pass"), ("challenge", "accept")]
    assert board.state is ChallengeState.ACCEPTED


def test_a_recorded_payment_follows_up_and_a_refused_step_leaves_nothing_pending(app, make, people):
    admin = people["admin"]
    board = board_for(make, people)
    contract = make.contract(board, admin, solver=people["solver"], sign=True)
    with pytest.raises(Refused):  # already signed: refused, and no follow-up waits for later
        perform(contract, "sign", admin)
    assert db.session().info["door"] == {"depth": 0, "pending": []}
    finish_contract(contract, ContractState.ACCEPTED)  # as if accepted, every milestone approved
    perform(board, "accept", admin)
    start = last_event_id()
    record(contract, "edit_contract", admin)  # an event without follow-ups moves nothing
    assert board.state is ChallengeState.ACCEPTED
    pay_in_full(contract, admin)  # ledger lines written directly: nothing recorded yet
    assert board.state is ChallengeState.ACCEPTED
    record(contract, "pay", admin)  # the audited payment: the door tries 兑现
    assert board.state is ChallengeState.AWARDED
    assert actions_since(start) == [("contract", "edit_contract"), ("contract", "pay"),
                                    ("challenge", "award")]


def test_follow_ups_skip_what_the_actor_may_not_do(app, make, people, monkeypatch):
    """A follow-up is tried, never forced: one the actor's role may not take is left."""
    admin = people["admin"]
    board = board_for(make, people)
    contract = make.contract(board, admin, solver=people["solver"])
    flow = workflow_for(contract)
    monkeypatch.setattr(flow, "owns", lambda user, obj: True)
    monkeypatch.setattr(flow, "transitions", tuple(
        t if t.action != "sign" else type(t)(t.action, t.sources, t.target,
                                             frozenset({Role.ADMIN, Role.ENTERPRISE}),
                                             t.needs_reason, t.label)
        for t in flow.transitions))
    perform(contract, "sign", people["issuer"])  # the issuer may sign here, not move the 榜
    assert contract.state is ContractState.ACTIVE
    assert board.state is ChallengeState.PUBLICITY


# -- Refused -----------------------------------------------------------------------------------

def test_refused_carries_message_field_and_items():
    one = Refused("合同金额必须大于零。", "amount")
    assert (str(one), one.message, one.field, one.items) == ("合同金额必须大于零。", "合同金额必须大于零。",
                                                             "amount", ())
    several = Refused(items=["缺少实测值。", "缺少证明材料。"])
    assert several.message == "缺少实测值。；缺少证明材料。"
    assert several.items == ("缺少实测值。", "缺少证明材料。")
    assert Refused("摘要", items=["甲", "乙"]).message == "摘要"


# -- the view helper ----------------------------------------------------------------------------

def org_names() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(Organization.name)))


def test_attempt_commits_the_block(app, make):
    with app.test_request_context(method="POST", data={"reason": "理由"}):
        with attempt() as done:
            make.org("甲单位")
        assert done and done.refusal is None
        db.session.rollback()  # nothing left to roll back: the block was committed
        assert "甲单位" in org_names()


def test_a_refusal_rolls_back_and_shows_next_to_the_field_it_names(app, make):
    with app.test_request_context(method="POST", data={"reason": "我写的理由"}):
        form = ReasonForm()
        form.validate()
        with attempt(form) as done:
            make.org("乙单位")
            raise Refused("理由与事实不符。", field="reason")
        assert not done and done.refusal.field == "reason"
        assert "乙单位" not in org_names()
        assert form.reason.errors == ["理由与事实不符。"]
        assert form.reason.data == "我写的理由"  # what was typed stays in the form
        assert get_flashed_messages() == []


def test_a_refusal_without_a_known_field_goes_to_the_given_field_or_a_flash(app):
    with app.test_request_context(method="POST", data={"reason": "x"}):
        form = ReasonForm()
        with attempt(form, field=form.reason):
            raise Refused("没有这个字段。", field="amount")
        assert form.reason.errors == ["没有这个字段。"]
        with attempt():
            raise Refused(items=["第一条。", "第二条。"])
        assert get_flashed_messages(with_categories=True) == [("danger", "第一条。；第二条。")]


def test_keep_earlier_commits_what_came_before_a_refused_block(app, make):
    with app.test_request_context(method="POST"):
        make.org("草稿单位")  # saved by the request before it tries the step
        with attempt(keep_earlier=True, show=False) as done:
            make.org("提交单位")
            raise Refused("不能提交。")
        assert not done and get_flashed_messages() == []
        assert "草稿单位" in org_names() and "提交单位" not in org_names()


def test_an_error_that_is_not_a_refusal_is_not_swallowed(app):
    with app.test_request_context(), pytest.raises(LookupError):
        with attempt():
            raise LookupError("a bug, not a refusal")
