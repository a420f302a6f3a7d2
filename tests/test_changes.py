"""Issue 15 item 6: a published 榜's deadline extended or an addendum published, told once to
everyone who took an interest; change requests to a signed contract (the other party agrees,
then the bureau approves or refuses with a reason) and the contract's versions."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.awarding import operations as award_ops
from challenge.changes import operations as changes
from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import (
    AccessGrant,
    AccessLog,
    AuditEvent,
    ChallengeAddendum,
    ChallengeViewer,
    ChangeRequest,
    ContractMilestone,
    Notification,
    Proposal,
    Question,
)
from challenge.states import ChallengeState, ChangeRequestState, FailureRule, ProposalState, Role
from challenge.timeutil import utcnow
from challenge.workflow import perform
from tests.test_award_progress import signed_contract


def notices_of(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id)) or 0


def events(object_type: str, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == object_type, AuditEvent.action == action)))


# -- extensions and addenda ------------------------------------------------------------------

@pytest.fixture
def interested(make, people):
    """An open 榜 and one person for each way of taking an interest in it, plus a bystander."""
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    crowd = {name: make.user(Role.SOLVER, name=name)
             for name in ("reader", "viewer", "asker", "requester", "drafter", "bystander")}
    db.session.add_all([
        ChallengeViewer(challenge_id=board.id, user_id=crowd["reader"].id),  # opened the page
        AccessLog(challenge_id=board.id, user_id=crowd["viewer"].id),
        AccessLog(challenge_id=board.id, user_id=crowd["viewer"].id),  # viewed twice
        Question(challenge_id=board.id, asker_id=crowd["asker"].id, body="能否延期？"),
        Question(challenge_id=board.id, asker_id=crowd["asker"].id, body="第二个问题"),
        AccessLog(challenge_id=board.id, user_id=crowd["asker"].id),  # asked and viewed
        AccessGrant(challenge_id=board.id, user_id=crowd["requester"].id, request_note="申请查阅"),
        Proposal(challenge_id=board.id, lead_org_id=crowd["drafter"].organization_id,
                 team_lead_id=crowd["drafter"].id, state=ProposalState.DRAFT, title="草稿方案",
                 technical_approach="路线", requested_fen=0, budget=[], members=[]),
    ])
    db.session.commit()
    return board, crowd


def test_an_extension_tells_each_interested_person_once_and_nobody_else(interested, people):
    board, crowd = interested
    everyone = crowd | {k: people[k] for k in ("issuer", "colleague", "admin", "other_enterprise",
                                               "other_solver", "reviewer")}
    before = {name: notices_of(user) for name, user in everyone.items()}
    old = board.deadline_at
    new = old + timedelta(days=14)
    addendum = changes.extend_deadline(board, people["admin"], new, "应多家单位请求延期两周")
    db.session.commit()

    assert board.deadline_at == new
    told = {name: notices_of(user) - before[name] for name, user in everyone.items()}
    # the issuer's two accounts are told too; the bureau, who acted, and strangers are not
    assert told == {"reader": 1, "viewer": 1, "asker": 1, "requester": 1, "drafter": 1, "bystander": 0,
                    "issuer": 1, "colleague": 1, "admin": 0, "other_enterprise": 0,
                    "other_solver": 0, "reviewer": 0}
    assert addendum.notified == 7
    assert (addendum.old_deadline_at, addendum.new_deadline_at) == (old, new)
    [event] = events("challenge", "extend_deadline")
    assert event.changes["deadline_at"] == [old.isoformat(), new.isoformat()]
    assert event.reason == "应多家单位请求延期两周"


def test_opening_the_page_signed_in_is_remembered_once(interested, people, client, auth):
    board, crowd = interested
    auth.login(crowd["bystander"])
    for _ in range(3):
        assert client.get(f"/challenges/{board.id}").status_code == 200
    auth.logout()
    client.get(f"/challenges/{board.id}")  # anonymous: nobody to tell later
    assert list(db.session.scalars(select(ChallengeViewer.user_id).where(
        ChallengeViewer.challenge_id == board.id))) == [crowd["reader"].id, crowd["bystander"].id]
    changes.publish_addendum(board, people["admin"], "补充：现场踏勘安排。")
    db.session.commit()
    assert notices_of(crowd["bystander"]) == 1


def test_an_addendum_is_told_once_per_addendum_and_shown_on_the_board(interested, people, client):
    board, crowd = interested
    changes.publish_addendum(board, people["admin"], "补充：测试样品由企业提供。")
    changes.publish_addendum(board, people["admin"], "补充：答辩改为线上。")
    db.session.commit()
    assert notices_of(crowd["asker"]) == 2 and notices_of(crowd["bystander"]) == 0
    assert notices_of(crowd["reader"]) == 2
    assert len(events("challenge", "publish_addendum")) == 2
    page = client.get(f"/challenges/{board.id}").get_data(as_text=True)
    assert "补充：测试样品由企业提供。" in page and "补充：答辩改为线上。" in page


@pytest.mark.parametrize("case", ["earlier", "past", "not_admin", "closed"])
def test_an_extension_is_refused_with_its_reason(interested, people, case):
    board, _crowd = interested
    actor, new = people["admin"], board.deadline_at + timedelta(days=7)
    if case == "earlier":
        new = board.deadline_at - timedelta(days=1)
    elif case == "past":
        new = utcnow() - timedelta(hours=1)
    elif case == "not_admin":
        actor = people["issuer"]
    elif case == "closed":
        board.state = ChallengeState.REVIEWING
    before = board.deadline_at
    with pytest.raises(Refused) as refused:
        changes.extend_deadline(board, actor, new)
    assert refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(ChallengeAddendum.id))) == 0
    assert board.deadline_at == before


def test_an_empty_addendum_is_refused_next_to_its_field(interested, people):
    board, _crowd = interested
    with pytest.raises(Refused) as refused:
        changes.publish_addendum(board, people["admin"], "   ")
    assert refused.value.field == "body"


# -- change requests -------------------------------------------------------------------------

def later_dates(contract, days=30) -> dict:
    return {m.id: m.due_on + timedelta(days=days) for m in contract.milestones}


def ask(contract, user, days=30, budget=None) -> ChangeRequest:
    cr = changes.request_change(contract, user, changes.ChangeInput(
        reason="设备到货延迟", milestone_dates=later_dates(contract, days), budget=budget))
    db.session.commit()
    return cr


# Who may take which step, written out by hand: (asking side, state reached first, actor, action,
# allowed). "agreed" = the other party agreed first.
APPROVALS = [
    ("solver", "proposed", "issuer", "agree", True),
    ("solver", "proposed", "colleague", "agree", True),        # any account of the issuer
    ("solver", "proposed", "solver", "agree", False),          # not one's own request
    ("solver", "proposed", "other_solver", "agree", False),    # not a party
    ("solver", "proposed", "other_enterprise", "agree", False),
    ("solver", "proposed", "admin", "agree", False),           # the bureau comes second
    ("solver", "proposed", "admin", "approve", False),         # not before the other party
    ("solver", "proposed", "issuer", "decline", True),
    ("solver", "proposed", "solver", "decline", False),
    ("solver", "proposed", "solver", "withdraw", True),
    ("solver", "proposed", "issuer", "withdraw", False),       # only the asker withdraws
    ("issuer", "proposed", "solver", "agree", True),
    ("issuer", "proposed", "issuer", "agree", False),
    ("issuer", "proposed", "colleague", "agree", False),       # same side as the asker
    ("solver", "agreed", "admin", "approve", True),
    ("solver", "agreed", "admin", "refuse", True),
    ("solver", "agreed", "issuer", "approve", False),
    ("solver", "agreed", "solver", "approve", False),
    ("solver", "agreed", "issuer", "agree", False),            # agreed already
    ("solver", "agreed", "solver", "withdraw", True),          # until the bureau decides
]


@pytest.mark.parametrize("side,reached,actor,action,allowed", APPROVALS)
def test_who_may_answer_a_change_request(make, people, side, reached, actor, action, allowed):
    contract = signed_contract(make, people)
    cr = ask(contract, people[side])
    if reached == "agreed":
        changes.answer(cr, people["solver" if side == "issuer" else "issuer"], "agree")
        db.session.commit()
    reason = "理由" if action in ("decline", "refuse", "withdraw") else ""
    if allowed:
        changes.answer(cr, people[actor], action, reason)
        db.session.commit()
        assert cr.state is not ChangeRequestState(reached)
    else:
        with pytest.raises(Refused):
            changes.answer(cr, people[actor], action, reason)
        db.session.rollback()
        assert cr.state is ChangeRequestState(reached)


def test_an_approved_change_moves_the_dates_and_keeps_the_versions(make, people, client, auth):
    contract = signed_contract(make, people)
    first, second = contract.milestones
    dates = (first.due_on, second.due_on)
    cr = changes.request_change(contract, people["solver"], changes.ChangeInput(
        reason="设备到货延迟", milestone_dates={second.id: dates[1] + timedelta(days=60)},
        budget=[{"item": "设备费", "amount_fen": 30_000_000, "note": ""},
                {"item": "测试费", "amount_fen": 5_000_000, "note": "第三方"}]))
    db.session.commit()
    assert second.due_on == dates[1]  # nothing moves before the approvals
    changes.answer(cr, people["issuer"], "agree")
    db.session.commit()
    assert second.due_on == dates[1]
    assert notices_of(people["admin"]) >= 1
    changes.answer(cr, people["admin"], "approve")
    db.session.commit()

    assert cr.state is ChangeRequestState.APPROVED and cr.decided_by_id == people["admin"].id
    assert (first.due_on, second.due_on) == (dates[0], dates[1] + timedelta(days=60))
    [(v1, none), (v2, diff)] = changes.history(contract)
    assert (v1.number, v1.change_request_id, none) == (1, None, [])
    assert v1.terms["budget"] == [] and v1.terms["milestones"][1]["due_on"] == dates[1].isoformat()
    assert v2.number == 2 and v2.change_request_id == cr.id
    assert [(d.before, d.after) for d in diff] == [
        (dates[1].isoformat(), (dates[1] + timedelta(days=60)).isoformat()),
        ("—", "设备费 30.00 万元；测试费 5.00 万元")]
    # the audit trail holds each step: asked, agreed, approved
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "change_request").order_by(AuditEvent.id))] == [
        "request_change", "agree", "approve"]

    auth.login(people["solver"])
    page = client.get(f"/contracts/{contract.id}/versions").get_data(as_text=True)
    assert "第 2 版" in page and "设备费 30.00 万元" in page


def test_a_refusal_needs_a_reason_and_is_kept(make, people):
    contract = signed_contract(make, people)
    cr = ask(contract, people["issuer"])
    with pytest.raises(Refused):
        changes.answer(cr, people["solver"], "decline", "  ")
    db.session.rollback()
    changes.answer(cr, people["solver"], "decline", "工期无法接受")
    db.session.commit()
    assert (cr.state, cr.decision_note) == (ChangeRequestState.REFUSED, "工期无法接受")
    assert changes.history(contract) == []  # nothing applied, no versions
    # the issuer may ask again once this one is settled
    assert ask(contract, people["issuer"], days=10).state is ChangeRequestState.PROPOSED


def test_a_milestone_approved_meanwhile_can_no_longer_move(make, people):
    contract = signed_contract(make, people)
    cr = ask(contract, people["solver"])
    changes.answer(cr, people["issuer"], "agree")
    first = contract.milestones[0]
    perform(first, "report", people["solver"], report="完成")
    perform(first, "confirm", people["issuer"])
    perform(first, "approve", people["admin"])
    db.session.commit()
    with pytest.raises(Refused) as refused:
        changes.answer(cr, people["admin"], "approve")
    assert first.title in refused.value.message
    db.session.rollback()
    assert cr.state is ChangeRequestState.AGREED


@pytest.mark.parametrize("case", ["not_party", "open_request", "same_terms", "no_reason",
                                  "bad_budget", "before_start"])
def test_a_change_request_is_refused_with_its_reason(make, people, case):
    contract = signed_contract(make, people)
    user, dates, budget, reason = people["solver"], later_dates(contract), None, "理由"
    if case == "not_party":
        user = people["other_solver"]
    elif case == "open_request":
        ask(contract, people["issuer"])
    elif case == "same_terms":
        dates = {m.id: m.due_on for m in contract.milestones}
    elif case == "no_reason":
        reason = " "
    elif case == "bad_budget":
        budget = [{"item": "", "amount_fen": -1, "note": ""}]
    elif case == "before_start":
        dates = {contract.milestones[0].id: contract.start_on - timedelta(days=1)}
    with pytest.raises(Refused) as refused:
        changes.request_change(contract, user, changes.ChangeInput(reason, dates, budget))
    assert refused.value.message
    db.session.rollback()
    expected = 1 if case == "open_request" else 0
    assert db.session.scalar(select(func.count(ChangeRequest.id))) == expected


def test_a_contract_no_longer_active_takes_no_change(make, people):
    contract = signed_contract(make, people)
    dates = [m.due_on for m in contract.milestones]
    cr = ask(contract, people["solver"])
    changes.answer(cr, people["issuer"], "agree")
    db.session.commit()
    award_ops.fail_contract(contract, people["admin"], "攻关失败", FailureRule.TERMINATE)
    db.session.commit()
    with pytest.raises(Refused):
        changes.answer(cr, people["admin"], "approve")
    db.session.rollback()
    assert [db.session.get(ContractMilestone, m.id).due_on for m in contract.milestones] == dates


# -- the pages -------------------------------------------------------------------------------

def page(response) -> str:
    return response.get_data(as_text=True)


def test_the_bureau_extends_a_deadline_through_its_page(interested, people, client, auth):
    board, crowd = interested
    auth.login(people["issuer"])
    assert client.get(f"/admin/challenges/{board.id}/addenda").status_code == 403
    auth.logout()
    auth.login(people["admin"])
    old = board.deadline_at
    # a date before the current deadline: the reason next to the field, nothing changed
    refused = client.post(f"/admin/challenges/{board.id}/addenda", data={
        "ext-deadline": (old - timedelta(days=3)).date().isoformat(), "ext-note": "提前"})
    assert refused.status_code == 200 and "新的截止时间必须晚于原截止时间" in page(refused)
    db.session.expire_all()
    assert board.deadline_at == old
    new_day = (old + timedelta(days=20)).date()
    done = client.post(f"/admin/challenges/{board.id}/addenda", data={
        "ext-deadline": new_day.isoformat(), "ext-note": "因春节顺延"})
    assert done.status_code == 302
    shown = page(client.get(f"/challenges/{board.id}"))
    assert "因春节顺延" in shown and 'data-testid="addendum"' in shown
    assert new_day.isoformat() in shown
    empty = client.post(f"/admin/challenges/{board.id}/addenda", data={"add-body": ""})
    assert empty.status_code == 200 and "请填写补充通知的内容" in page(empty)


def test_a_change_request_travels_through_the_pages(make, people, client, auth):
    contract = signed_contract(make, people)
    first, second = contract.milestones
    moved = second.due_on + timedelta(days=45)
    auth.login(people["other_solver"])
    assert client.get(f"/contracts/{contract.id}/changes").status_code == 403
    auth.logout()

    auth.login(people["solver"])
    form = page(client.get(f"/contracts/{contract.id}/changes"))
    assert f'name="due_{second.id}"' in form
    bad = client.post(f"/contracts/{contract.id}/changes", data={
        f"due_{first.id}": first.due_on.isoformat(), f"due_{second.id}": moved.isoformat(),
        "budget": "设备费 | 很多", "reason": "设备到货延迟"})
    assert bad.status_code == 200 and "第 1 行金额" in page(bad)
    assert db.session.scalar(select(func.count(ChangeRequest.id))) == 0
    sent = client.post(f"/contracts/{contract.id}/changes", data={
        f"due_{first.id}": first.due_on.isoformat(), f"due_{second.id}": moved.isoformat(),
        "budget": "设备费 | 30 | 进口", "reason": "设备到货延迟"})
    assert sent.status_code == 302
    cr = db.session.scalar(select(ChangeRequest))
    assert cr.changes == {"milestones": {str(second.id): moved.isoformat()},
                          "budget": [{"item": "设备费", "amount_fen": 30_000_000, "note": "进口"}]}
    # the asker sees no agree button on its own request
    assert 'data-testid="cr-agree"' not in page(client.get(sent.headers["Location"]))
    auth.logout()

    auth.login(people["issuer"])
    mine = page(client.get(sent.headers["Location"]))
    assert 'data-testid="cr-agree"' in mine and 'data-testid="cr-approve"' not in mine
    no_reason = client.post(sent.headers["Location"], data={"action": "decline", "reason": ""})
    assert no_reason.status_code == 200 and "需要填写理由" in page(no_reason)
    assert client.post(sent.headers["Location"], data={"action": "agree"}).status_code == 302
    auth.logout()

    auth.login(people["admin"])
    assert client.post(sent.headers["Location"], data={"action": "approve"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ContractMilestone, second.id).due_on == moved
    versions = page(client.get(f"/contracts/{contract.id}/versions"))
    assert "第 2 版" in versions and "设备费 30.00 万元" in versions and moved.isoformat() in versions
