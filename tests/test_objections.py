"""异议 during 公示: anyone signed in may object until the period ends; the bureau answers each
one — dismissed keeps the decision, upheld reopens it — and no 榜 is contracted while an
objection is open or before the period is over."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from challenge.awarding.operations import draft_contract, sign_contract
from challenge.awarding.rules import winners_of
from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import AuditEvent, Challenge, Notification, Objection, OutboundEmail
from challenge.reviewing.decision import answer_objection, file_objection
from challenge.states import ChallengeState, ObjectionState, ProposalState
from challenge.timeutil import utcnow
from challenge.workflow import perform
from tests.test_decision import decided_board, review_board, states

ROLES = ["visitor", "issuer", "other_enterprise", "solver", "other_solver", "reviewer", "admin"]
FILED, LOGIN, REFUSED, NOT_FOUND = "filed", "login", 403, 404
SITUATIONS = {
    "publicity": dict.fromkeys(ROLES, FILED) | {"visitor": LOGIN},
    "after_period": dict.fromkeys(ROLES, REFUSED) | {"visitor": LOGIN},
    "contracted": dict.fromkeys(ROLES, REFUSED) | {"visitor": LOGIN},
    "reviewing": dict.fromkeys(ROLES, NOT_FOUND) | {"visitor": LOGIN},
}
CASES = [(situation, role, expected[role]) for situation, expected in SITUATIONS.items()
         for role in ROLES]


def board_in(situation: str, client, auth, make, people) -> Challenge:
    if situation == "reviewing":
        return review_board(client, auth, make, people, [[80, 82, 78], [70, 72, 68]])[0]
    board = decided_board(client, auth, make, people)[0]
    if situation in ("after_period", "contracted"):
        board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    if situation == "contracted":
        sign_all(board, people["admin"])
    db.session.commit()
    return board


@pytest.mark.parametrize("situation,role,expected", CASES,
                         ids=[f"{s}-{r}" for s, r, _ in CASES])
def test_who_may_object_when(client, auth, make, people, situation, role, expected):
    board = board_in(situation, client, auth, make, people)
    auth.logout()
    if role != "visitor":
        auth.login(people[role])
    response = client.post(f"/results/{board.id}/objections", data={"reason": "评分有误"})
    filed = db.session.scalar(select(func.count(Objection.id)))
    if expected == LOGIN:
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    elif expected == FILED:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/results/{board.id}")
        assert filed == 1
        objection = db.session.scalars(select(Objection)).one()
        assert objection.filer_id == people[role].id and objection.state is ObjectionState.OPEN
        return
    else:
        assert response.status_code == expected
        if expected == REFUSED:
            assert "公示期已结束" in response.get_data(as_text=True)
    assert filed == 0


@pytest.fixture
def decided(client, auth, make, people):
    board, bids, bidders, reviewers = decided_board(client, auth, make, people)
    auth.logout()
    return board, bids, bidders


def test_objection_form_checks_reason_and_open_count(client, auth, people, decided):
    board = decided[0]
    auth.login(people["other_enterprise"])
    url = f"/results/{board.id}/objections"
    html = client.post(url, data={"reason": "  "}).get_data(as_text=True)
    assert "请写明异议的事实和理由" in html
    html = client.post(url, data={"reason": "长" * 2001}).get_data(as_text=True)
    assert "异议不超过 2000 字" in html and "长" * 2001 in html  # what was typed is kept
    for n in range(3):
        assert client.post(url, data={"reason": f"第 {n} 条"}).status_code == 302
    html = client.post(url, data={"reason": "第四条"}).get_data(as_text=True)
    assert "已有 3 条异议待处理" in html
    assert db.session.scalar(select(func.count(Objection.id))) == 3
    page = client.get(f"/results/{board.id}").get_data(as_text=True)
    assert "第 2 条" in page.split('data-testid="my-objections"')[1]
    events = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "objection", AuditEvent.action == "file"))
    assert events == 3
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == people["admin"].id,
        Notification.message.contains("收到一条异议"))) == 3


def test_dismissed_objection_keeps_the_decision_and_tells_the_filer(client, auth, people,
                                                                     decided):
    board, bids, _ = decided
    objection = file_objection(board, people["other_solver"], "第二名的专利更多")
    db.session.commit()
    auth.login(people["admin"])
    page = client.get(f"/admin/challenges/{board.id}/decision").get_data(as_text=True)
    assert "第二名的专利更多" in page and people["other_solver"].name in page
    prefix = f"o{objection.id}-"
    html = client.post(f"/admin/objections/{objection.id}/answer",
                       data={prefix + "decision": "dismiss", prefix + "reason": ""}
                       ).get_data(as_text=True)
    assert "请填写答复理由" in html
    assert states(objection) == [ObjectionState.OPEN]
    response = client.post(f"/admin/objections/{objection.id}/answer", data={
        prefix + "decision": "dismiss", prefix + "reason": "专利数量不是评分项，评分无误。"})
    assert response.status_code == 302
    assert states(objection, board, *bids) == [ObjectionState.DISMISSED, ChallengeState.PUBLICITY,
                                               ProposalState.SELECTED, ProposalState.NOT_SELECTED]
    objection = db.session.get(Objection, objection.id)
    assert objection.answer == "专利数量不是评分项，评分无误。"
    assert objection.answered_by_id == people["admin"].id
    filer = people["other_solver"]
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == filer.id, Notification.message.contains("驳回"))) == 1
    mail = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.to_address == filer.email, OutboundEmail.body.contains("驳回"))).one()
    assert f"/results/{board.id}" in mail.body
    auth.logout()
    html = client.get(f"/results/{board.id}").get_data(as_text=True)
    assert ">1 条<" in html.split('data-testid="objections-answered"')[1][:30]


def test_upheld_objection_reopens_the_decision(client, auth, people, decided):
    board, bids, bidders = decided
    objection = file_objection(board, people["reviewer"], "第一名存在利益冲突")
    db.session.commit()
    auth.login(people["admin"])
    prefix = f"o{objection.id}-"
    client.post(f"/admin/objections/{objection.id}/answer", data={
        prefix + "decision": "uphold", prefix + "reason": "经核实存在利益冲突，重新评定。"})
    assert states(objection, board, *bids) == [ObjectionState.UPHELD, ChallengeState.REVIEWING,
                                               ProposalState.QUALIFIED, ProposalState.QUALIFIED]
    board = db.session.get(Challenge, board.id)
    assert board.publicity_ends_at is None
    reopened = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["reopen", "reconsider", "uphold"]))).all()
    assert sorted(e.action for e in reopened) == ["reconsider", "reconsider", "reopen", "uphold"]
    assert all(e.actor_id == people["admin"].id and e.reason for e in reopened)
    for bidder in bidders:
        assert db.session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == bidder.id, Notification.message.contains("重新评定"))) == 1
    assert db.session.scalar(select(func.count(OutboundEmail.id)).where(
        OutboundEmail.to_address == people["reviewer"].email,
        OutboundEmail.body.contains("异议成立"))) == 1
    auth.logout()
    assert client.get(f"/results/{board.id}").status_code == 404  # no decision to show now
    auth.login(people["admin"])
    html = client.get(f"/admin/challenges/{board.id}/decision").get_data(as_text=True)
    assert 'name="winner"' in html  # the bureau decides again
    response = client.post(f"/admin/challenges/{board.id}/decision",
                           data={"winner": bids[1].id, "reason": "重新评定后确定。"})
    assert response.status_code == 302
    assert states(board, *bids) == [ChallengeState.PUBLICITY, ProposalState.NOT_SELECTED,
                                    ProposalState.SELECTED]


def test_only_the_bureau_answers(client, auth, people, decided):
    board = decided[0]
    objection = file_objection(board, people["solver"], "异议")
    db.session.commit()
    auth.login(people["issuer"])
    prefix = f"o{objection.id}-"
    response = client.post(f"/admin/objections/{objection.id}/answer",
                           data={prefix + "decision": "dismiss", prefix + "reason": "无"})
    assert response.status_code == 403
    with pytest.raises(Refused):
        answer_objection(objection, people["issuer"], "dismiss", "无")
    db.session.rollback()
    assert states(objection) == [ObjectionState.OPEN]


def test_contract_waits_for_objections_and_the_end_of_publicity(people, decided):
    board = decided[0]
    admin = people["admin"]
    ends = board.publicity_ends_at
    objection = file_objection(board, people["solver"], "异议")
    db.session.commit()
    with pytest.raises(Refused, match="1 条异议未处理"):
        sign_all(board, admin, now=ends + timedelta(days=1))
    db.session.rollback()
    answer_objection(objection, admin, "dismiss", "评分无误")
    db.session.commit()
    with pytest.raises(Refused, match="公示期至 .* 结束"):
        sign_all(board, admin, now=ends - timedelta(minutes=1))
    db.session.rollback()
    with pytest.raises(Refused, match="没有签订合同"):  # the 榜 waits for its contracts
        perform(board, "contract", admin, now=ends + timedelta(seconds=1))
    db.session.rollback()
    sign_all(board, admin, now=ends + timedelta(seconds=1))
    db.session.commit()
    assert states(board) == [ChallengeState.CONTRACTED]


def sign_all(board, admin, now=None):
    """A contract per winning bid, drafted with the defaults and signed (the 榜 then 签约)."""
    for proposal in winners_of(board):
        contract = draft_contract(proposal, admin)
        sign_contract(contract, admin, now=now)


def test_a_publicity_without_its_end_cannot_be_stored(make, people):
    """decide opens 公示 with its end inside the door; the database refuses a 公示 without one
    (ck_challenges_publicity_stamped), so the 签约 guard never meets such a 榜."""
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"])
    assert board.publicity_ends_at is not None
    board.publicity_ends_at = None
    with pytest.raises(IntegrityError, match="ck_challenges_publicity_stamped"):
        db.session.flush()
    db.session.rollback()
