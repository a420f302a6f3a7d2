"""评榜 decision and 公示: the bureau picks winners only once the panel is complete, within the
winner count and the pass mark (or with a written reason), in one all-or-nothing operation that
tells every bidder in-app and by e-mail; the public results page shows winners and nothing else."""

import socketserver
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import AuditEvent, Challenge, Notification, OutboundEmail, Proposal, Review
from challenge.reviewing import operations as panels
from challenge.reviewing.decision import decide
from challenge.states import (
    ChallengeState,
    Confidentiality,
    OrgType,
    ProposalState,
    ReviewState,
    Role,
)
from challenge.timeutil import utcnow
from challenge.workflow import Step, perform, workflow_for
from tests.factories import pledge
from tests.smtp import SMTPServer, serving
from tests.test_bidding import bid_form, open_board

RUBRIC_MAX = {"approach": 30, "indicators": 25, "team": 20, "plan": 15, "budget": 10}


def scores_for(total: int) -> dict:
    """Rubric points adding up to *total*, each within its criterion's maximum."""
    left, scores = total, {}
    for key, most in RUBRIC_MAX.items():
        scores[key] = min(most, left)
        left -= scores[key]
    assert left == 0
    return scores


def review_board(client, auth, make, people, totals: list[list[int]], max_winners: int = 1,
                 missing: int = 0):
    """A 榜 under review with one qualified bid per entry of *totals* (that bid's reviewers'
    totals, in seat order) and a seated panel; the last *missing* reviews are not submitted.
    Returns (board, bids in the order of totals, bidders, reviewers)."""
    board = open_board(make, people)
    board.max_winners = max_winners
    bidders = [people["solver"], people["other_solver"]]
    while len(bidders) < len(totals):
        bidders.append(make.user(Role.SOLVER, org=make.org(type=OrgType.INSTITUTE)))
    db.session.commit()
    bids = []
    auth.logout()
    for bidder in bidders[:len(totals)]:
        auth.login(bidder)
        client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
        auth.logout()
        bids.append(db.session.scalars(select(Proposal).where(
            Proposal.team_lead_id == bidder.id)).one())
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    for bid in bids:
        perform(bid, "qualify", people["admin"])
    board.reviewers_required = len(totals[0])
    reviewers = [make.user(Role.REVIEWER, org=make.org(type=OrgType.UNIVERSITY), name=f"评审专家{n}")
                 for n in range(len(totals[0]))]
    for reviewer in reviewers:
        panels.seat_reviewer(board, reviewer, people["admin"])
    pledge(board, *reviewers)  # each signs the 评审承诺书 before reading a bid
    pairs = [(bid, reviewer, total) for bid, row in zip(bids, totals, strict=True)
             for reviewer, total in zip(reviewers, row, strict=True)]
    for bid, reviewer, total in pairs[:len(pairs) - missing]:
        db.session.add(Review(challenge_id=board.id, proposal_id=bid.id, reviewer_id=reviewer.id,
                              state=ReviewState.SUBMITTED, scores=scores_for(total),
                              comment="意见", submitted_at=utcnow()))
    db.session.commit()
    return board, bids, bidders[:len(totals)], reviewers


def decided_board(client, auth, make, people, **kw):
    """Two bids, the first (80 points) selected and the second (70) not; 公示 under way."""
    board, bids, bidders, reviewers = review_board(client, auth, make, people,
                                                   [[80, 82, 78], [70, 72, 68]], **kw)
    decide(board, people["admin"], [bids[0].id], "综合得分第一，方案可行。", {})
    db.session.commit()
    return board, bids, bidders, reviewers


def states(*objs):
    db.session.expire_all()
    return [db.session.get(type(o), o.id).state for o in objs]


@pytest.fixture
def admin(auth, people):
    auth.login(people["admin"])
    return people["admin"]


@pytest.fixture
def two_bids(client, auth, make, people):
    """80 points (passes) and 50 points (below the pass mark of 60)."""
    return review_board(client, auth, make, people, [[80, 82, 78], [50, 52, 48]])


def test_decision_is_refused_while_the_panel_is_incomplete(client, auth, make, people):
    board, bids, _, _ = review_board(client, auth, make, people, [[80, 82, 78], [70, 72, 68]],
                                     missing=1)
    auth.login(people["admin"])
    html = client.get(f"/admin/challenges/{board.id}/decision").get_data(as_text=True)
    assert "评审尚未完成" in html and "已提交评分 5 / 6 份" in html
    assert 'name="winner"' not in html and "80.00" not in html  # no scores, no form
    html = client.post(f"/admin/challenges/{board.id}/decision",
                       data={"winner": bids[0].id, "reason": "理由"}).get_data(as_text=True)
    assert "评审尚未完成" in html
    assert states(board, *bids) == [ChallengeState.REVIEWING] + [ProposalState.QUALIFIED] * 2
    with pytest.raises(Refused, match="评审尚未完成"):
        decide(board, people["admin"], [bids[0].id], "理由", {})


def test_decision_page_shows_rank_score_method_spread_and_pass(client, auth, make, people):
    board, bids, _, _ = review_board(client, auth, make, people,
                                     [[90, 85, 80, 50, 88], [60, 61, 59, 60, 60]])
    auth.login(people["admin"])
    html = client.get(f"/admin/challenges/{board.id}/decision").get_data(as_text=True)
    first = html.split(f'data-testid="row-{bids[0].id}"')[1].split("</tr>")[0]
    assert "84.33" in first and "去掉最高分和最低分后平均" in first  # (80+85+88)/3
    assert "分歧较大" in first and "40 <span" in first  # spread 90 - 50 above 30
    assert "达到合格分" in first and bids[0].lead_org.name in first
    second = html.split(f'data-testid="row-{bids[1].id}"')[1].split("</tr>")[0]
    assert "60.00" in second and "分歧较大" not in second and "达到合格分" in second
    assert html.index(f"row-{bids[0].id}") < html.index(f"row-{bids[1].id}")  # best first


def test_bids_page_links_the_decision_while_reviewing(client, two_bids, admin):
    board = two_bids[0]
    html = client.get(f"/challenges/{board.id}/proposals").get_data(as_text=True)
    assert f"/admin/challenges/{board.id}/decision" in html


def test_more_winners_than_the_board_allows_is_refused(client, two_bids, admin):
    board, bids, _, _ = two_bids
    html = client.post(f"/admin/challenges/{board.id}/decision", data={
        "winner": [bids[0].id, bids[1].id], f"exception-{bids[1].id}": "亦可",
        "reason": "两个都好"}).get_data(as_text=True)
    assert "本榜最多 1 个揭榜方，您选择了 2 个" in html
    assert states(board, *bids) == [ChallengeState.REVIEWING] + [ProposalState.QUALIFIED] * 2


def test_a_reason_is_required(client, two_bids, admin):
    board, bids, _, _ = two_bids
    html = client.post(f"/admin/challenges/{board.id}/decision",
                       data={"winner": bids[0].id, "reason": "  "}).get_data(as_text=True)
    assert "请填写确定揭榜方的理由" in html.split('name="reason"')[1]  # next to the field
    assert f'value="{bids[0].id}" id="winner-{bids[0].id}" checked' in html  # choice kept
    assert states(board, *bids) == [ChallengeState.REVIEWING] + [ProposalState.QUALIFIED] * 2


def test_a_pick_below_the_pass_mark_needs_its_own_written_reason(client, two_bids, admin):
    board, bids, _, _ = two_bids
    html = client.post(f"/admin/challenges/{board.id}/decision",
                       data={"winner": bids[1].id, "reason": "综合考虑"}).get_data(as_text=True)
    error = html.split(f'data-testid="exception-error-{bids[1].id}"')[1].split("</div>")[0]
    assert "低于合格分 60 分，破格入选须写明理由" in error
    assert states(board, *bids) == [ChallengeState.REVIEWING] + [ProposalState.QUALIFIED] * 2

    response = client.post(f"/admin/challenges/{board.id}/decision", data={
        "winner": bids[1].id, f"exception-{bids[1].id}": "唯一具备中试产线的团队",
        "reason": "综合考虑产业化条件"})
    assert response.status_code == 302
    assert states(board, *bids) == [ChallengeState.PUBLICITY, ProposalState.NOT_SELECTED,
                                    ProposalState.SELECTED]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "proposal", AuditEvent.object_id == bids[1].id,
        AuditEvent.action == "select")).one()
    assert "破格入选" in event.reason and "唯一具备中试产线的团队" in event.reason
    assert "50.00 < 60" in event.reason


def test_decision_is_all_or_nothing(client, two_bids, admin, monkeypatch):
    board, bids, _, _ = two_bids
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    steps = workflow_for(Challenge).steps
    decide = steps["decide"]
    monkeypatch.setitem(steps, "decide", Step(guards=[lambda c, ctx: ["模拟的失败"]],
                                              effects=decide.effects, notices=decide.notices))
    response = client.post(f"/admin/challenges/{board.id}/decision",
                           data={"winner": bids[0].id, "reason": "得分第一"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "所有方案保持原状" in html and "模拟的失败" in html
    assert states(board, *bids) == [ChallengeState.REVIEWING] + [ProposalState.QUALIFIED] * 2
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0
    assert db.session.get(Challenge, board.id).publicity_ends_at is None


def test_decision_selects_rejects_opens_publicity_and_tells_every_bidder(
        client, auth, make, people):
    board, bids, bidders, _ = review_board(client, auth, make, people,
                                           [[80, 82, 78], [70, 72, 68], [65, 66, 64]],
                                           max_winners=2)
    now = utcnow()
    decide(board, people["admin"], [bids[0].id, bids[1].id], "前两名方案可行。", {}, now=now)
    db.session.commit()
    assert states(board, *bids) == [ChallengeState.PUBLICITY, ProposalState.SELECTED,
                                    ProposalState.SELECTED, ProposalState.NOT_SELECTED]
    board = db.session.get(Challenge, board.id)
    assert board.publicity_ends_at == now + timedelta(days=5)
    assert board.decision_note == "前两名方案可行。"
    actions = db.session.execute(select(AuditEvent.object_type, AuditEvent.action, AuditEvent.actor_id)
                                 .where(AuditEvent.action.in_(["select", "reject", "decide"]))).all()
    assert sorted(a for _, a, _ in actions) == ["decide", "reject", "select", "select"]
    assert {actor for _, _, actor in actions} == {people["admin"].id}

    def notes(user):
        return db.session.scalars(select(Notification.message).where(
            Notification.user_id == user.id)).all()

    assert any("已确定入选" in m for m in notes(bidders[0]))
    assert any("已确定入选" in m for m in notes(bidders[1]))
    assert any("未入选" in m and "前两名方案可行" in m for m in notes(bidders[2]))
    assert any("已确定揭榜方，进入公示" in m for m in notes(people["issuer"]))
    mails = db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)).all()
    assert sorted(m.to_address for m in mails) == sorted(b.email for b in bidders)
    lost = next(m for m in mails if m.to_address == bidders[2].email)
    assert "未入选" in lost.body and board.title in lost.subject and lost.sent_at is None
    assert f"/proposals/{bids[2].id}" in lost.body


def test_a_decision_needs_at_least_one_winner(client, two_bids, admin):
    board, bids, _, _ = two_bids
    html = client.post(f"/admin/challenges/{board.id}/decision",
                       data={"reason": "都不行"}).get_data(as_text=True)
    assert "请至少选择一个入选方案" in html
    assert states(board)[0] is ChallengeState.REVIEWING


# -- the public results page ----------------------------------------------------------------

def test_visitor_sees_winners_and_counts_but_no_other_bidder_or_reviewer(client, auth, make,
                                                                         people):
    board, bids, _, reviewers = decided_board(client, auth, make, people)
    response = client.get(f"/results/{board.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    winners = html.split('data-testid="winners"')[1].split("</table>")[0]
    assert bids[0].lead_org.name in winners and "80.00" in winners and ">1<" in winners
    assert bids[1].lead_org.name not in html and "70.00" not in html
    assert not any(r.name in html for r in reviewers)
    for per_reviewer in (">82<", ">78<", "80 / 82", "82 / 78"):  # no per-reviewer scores
        assert per_reviewer not in html
    assert "综合得分第一，方案可行。" in html
    assert ">2 份<" in html.split('data-testid="bids"')[1][:40]
    assert ">2 份<" in html.split('data-testid="qualified"')[1][:40]
    ends = db.session.get(Challenge, board.id).publicity_ends_at
    from challenge.filters import localtime

    assert localtime(ends) in html.split('data-testid="publicity-ends"')[1][:40]
    assert "登录后提出异议" in html
    assert people["issuer"].organization.name in html.split('data-testid="issuer"')[1][:80]


def test_results_of_a_desensitized_board_hide_the_issuer(client, auth, make, people):
    board, bids, _, _ = decided_board(client, auth, make, people)
    board.confidentiality = Confidentiality.DESENSITIZED
    db.session.commit()
    html = client.get(f"/results/{board.id}").get_data(as_text=True)
    assert "某企业" in html and people["issuer"].organization.name not in html
    assert bids[0].lead_org.name in html
    listing = client.get("/results").get_data(as_text=True)
    assert "某企业" in listing and people["issuer"].organization.name not in listing


def test_results_of_a_directed_board_are_not_found_for_a_visitor(client, auth, make, people):
    board, _, _, _ = decided_board(client, auth, make, people)
    board.confidentiality = Confidentiality.DIRECTED
    db.session.commit()
    assert client.get(f"/results/{board.id}").status_code == 404
    assert board.title not in client.get("/results").get_data(as_text=True)
    auth.login(people["admin"])
    assert client.get(f"/results/{board.id}").status_code == 200


def test_no_results_before_a_decision(client, auth, make, people, two_bids):
    board = two_bids[0]
    assert client.get(f"/results/{board.id}").status_code == 404
    assert board.title not in client.get("/results").get_data(as_text=True)
    assert 'data-testid="results-link"' not in client.get(f"/challenges/{board.id}").get_data(
        as_text=True)


def test_results_are_listed_and_linked_from_the_board(client, auth, make, people):
    board, bids, _, _ = decided_board(client, auth, make, people)
    listing = client.get("/results").get_data(as_text=True)
    entry = listing.split(f'data-testid="result-{board.id}"')[1].split('data-testid="result-')[0]
    assert board.title in entry and bids[0].lead_org.name in entry
    assert f'href="/results/{board.id}"' in entry
    assert bids[1].lead_org.name not in listing
    detail = client.get(f"/challenges/{board.id}").get_data(as_text=True)
    assert f'href="/results/{board.id}"' in detail
    assert 'href="/results"' in client.get("/").get_data(as_text=True)  # in the navigation


# -- the e-mail outbox ----------------------------------------------------------------------

def queue(n: int) -> None:
    for i in range(n):
        db.session.add(OutboundEmail(to_address=f"user{i}@example.cn", subject=f"通知 {i}",
                                     body="您的揭榜方案已确定入选。"))
    db.session.commit()


def test_send_mail_without_a_server_reports_and_sends_nothing(app, runner):
    queue(2)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "待发送邮件 2 封" in result.output and "邮件发送已关闭" in result.output
    assert db.session.scalar(select(func.count(OutboundEmail.id)).where(
        OutboundEmail.sent_at.is_not(None))) == 0
    assert db.session.scalar(select(func.sum(OutboundEmail.attempts))) == 0


@pytest.fixture
def smtp_server():
    with serving(SMTPServer()) as server:
        yield server


def test_send_mail_delivers_over_smtp_and_marks_each_row(app, runner, smtp_server):
    queue(2)
    db.session.add(OutboundEmail(to_address="bad@example.cn", subject="x", body="y"))
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1])
    try:
        result = runner.invoke(args=["send-mail"])
        again = runner.invoke(args=["send-mail"])
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert result.exit_code == 0, result.output
    assert "已发送 2 封，失败 1 封" in result.output
    assert sorted(to for to, _ in smtp_server.messages) == ["user0@example.cn",
                                                             "user1@example.cn"] * 1
    assert "From: noreply@example.cn" in smtp_server.messages[0][1]
    db.session.expire_all()
    rows = {r.to_address: r for r in db.session.scalars(select(OutboundEmail))}
    assert rows["user0@example.cn"].sent_at is not None and rows["user0@example.cn"].attempts == 1
    assert rows["bad@example.cn"].sent_at is None and rows["bad@example.cn"].attempts == 2
    assert "550" in rows["bad@example.cn"].last_error
    assert "已发送 0 封，失败 1 封" in again.output  # sent rows are never sent twice
    assert len(smtp_server.messages) == 2


def test_send_mail_reports_an_unreachable_server(app, runner):
    queue(1)
    probe = socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)
    port = probe.server_address[1]
    probe.server_close()  # nothing listens there now
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        result = runner.invoke(args=["send-mail"])
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert result.exit_code != 0 and "出错" in result.output
    row = db.session.scalars(select(OutboundEmail)).one()
    assert row.sent_at is None and row.attempts == 1 and row.last_error


def test_a_decided_panel_moves_to_the_reviewers_past_list(client, auth, make, people):
    board, _bids, _bidders, reviewers = decided_board(client, auth, make, people)
    auth.logout()
    auth.login(reviewers[0])
    page = client.get("/reviews").get_data(as_text=True)
    assert f'data-testid="panel-{board.id}"' not in page  # no longer under review
    past = page.split('data-testid="past-panels"')[1]
    assert board.title in past and f"/panels/{board.id}/scores" in past
