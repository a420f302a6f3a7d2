"""揭榜: drafting, submitting and revising a bid; every rule refuses with a clear message and
leaves nothing half-saved; bids stay private; attachments are checked and guarded."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from challenge.extensions import db
from challenge.models import Challenge, Notification, Proposal, ProposalVersion
from challenge.posting import operations as posting_ops
from challenge.states import ChallengeState, Confidentiality, OrgType, ProposalState, Role
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_board(make, people) -> Challenge:
    """An open public 榜 of 300 万元 with two indicators, as bid_form() expects."""
    return make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                          bounty_fen=300_000_000, indicators=[
                              {"name": "过滤效率", "target": "≥99.97", "unit": "%", "method": "NaCl"},
                              {"name": "呼吸阻力", "target": "≤80", "unit": "Pa", "method": "85L/min"}])


@pytest.fixture
def board(make, people):
    return open_board(make, people)


def bid_form(challenge: Challenge, **overrides) -> dict:
    day = local_today()
    ids = [i.id for i in challenge.indicators]
    data = {
        "title": "驻极熔喷一体化工艺", "technical_approach": "采用双组分驻极与梯度结构。",
        "requested": "280",
        "partners-0-organization": "示范市先进材料研究院", "partners-0-role": "中试验证",
        "members-0-name": "李教授", "members-0-title": "教授", "members-0-role": "负责人",
        "responses-0-indicator_id": str(ids[0]), "responses-0-committed_value": "99.98",
        "responses-0-evidence_plan": "第三方检测",
        "responses-1-indicator_id": str(ids[1]), "responses-1-committed_value": "75",
        "responses-1-evidence_plan": "第三方检测",
        "budget-0-item": "设备费", "budget-0-amount": "200", "budget-0-note": "",
        "budget-1-item": "测试费", "budget-1-amount": "80", "budget-1-note": "",
        "milestones-0-title": "小试", "milestones-0-due": (day + timedelta(days=120)).isoformat(),
        "milestones-0-deliverable": "小试报告", "milestones-0-share": "30",
        "milestones-1-title": "中试验收", "milestones-1-due": (day + timedelta(days=300)).isoformat(),
        "milestones-1-deliverable": "检测报告", "milestones-1-share": "70",
        "commitment": "y", "submit": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def proposals() -> list[Proposal]:
    return list(db.session.scalars(select(Proposal)))


@pytest.fixture
def solver(people, auth):
    auth.login(people["solver"])
    return people["solver"]


def test_solver_submits_then_revises_and_each_version_is_kept(client, solver, board):
    response = client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    proposal = proposals()[0]
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    assert proposal.state is ProposalState.SUBMITTED and proposal.version_no == 1
    assert proposal.requested_fen == 280_000_000 and proposal.budget_total_fen == 280_000_000
    assert [m.share_bp for m in proposal.milestones] == [3000, 7000]
    assert [r.committed_value for r in proposal.responses] == ["99.98", "75"]
    assert proposal.partners[0].organization_name == "示范市先进材料研究院"
    client.post(f"/proposals/{proposal.id}/edit", data=bid_form(board, title="第二版方案"))
    db.session.expire_all()
    versions = db.session.scalars(select(ProposalVersion).order_by(ProposalVersion.number)).all()
    assert [v.snapshot["title"] for v in versions] == ["驻极熔喷一体化工艺", "第二版方案"]
    assert db.session.get(Proposal, proposal.id).version_no == 2


def test_draft_may_be_incomplete_and_says_what_is_missing(client, solver, board):
    client.post(f"/challenges/{board.id}/bid", data=bid_form(
        board, submit=None, save="1", commitment=None, **{"responses-1-committed_value": ""}))
    proposal = proposals()[0]
    assert proposal.state is ProposalState.DRAFT
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "呼吸阻力" in page.split('data-testid="problems"')[1] and "军令状" in page


REFUSALS = [
    ({"milestones-1-share": "60"}, "付款比例之和必须为 100%，当前为 90%"),
    ({"requested": "300.01"}, "申请金额不能超过榜额"),
    ({"responses-0-committed_value": ""}, "提交前须逐项响应"),
    ({"commitment": None}, "提交前须勾选揭榜承诺"),
    ({"milestones-0-share": "abc"}, "请输入百分数"),
    ({"milestones-0-due": "2020-01-01"}, "日期必须晚于今天"),
    ({"budget-0-amount": "-1"}, "金额不能为负数"),
    ({"title": ""}, "请填写方案名称"),
    ({"members-0-name": ""}, "必填"),
]


@pytest.mark.parametrize("overrides,message", REFUSALS, ids=[m for _, m in REFUSALS])
def test_each_rule_refuses_with_a_message_and_saves_nothing(client, solver, board, overrides,
                                                            message):
    response = client.post(f"/challenges/{board.id}/bid", data=bid_form(board, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    if overrides.get("title") != "":
        assert "驻极熔喷一体化工艺" in html  # typed input kept
    assert proposals() == []


def test_one_live_bid_per_lead_organization(client, auth, people, board, make):
    colleague = make.user(Role.SOLVER, org=people["solver"].organization)
    db.session.commit()
    auth.login(people["solver"])
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    auth.logout()
    auth.login(colleague)
    response = client.get(f"/challenges/{board.id}/bid")
    assert response.headers["Location"].endswith(f"/proposals/{proposals()[0].id}")
    assert client.post(f"/challenges/{board.id}/bid", data=bid_form(board)).status_code == 302
    assert len(proposals()) == 1
    # ...and the database refuses a second live bid even if the application did not.
    first = proposals()[0]
    db.session.add(Proposal(challenge_id=board.id, lead_org_id=first.lead_org_id,
                            team_lead_id=colleague.id, title="x", technical_approach="x",
                            requested_fen=0, budget=[], members=[]))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_withdrawn_bid_frees_the_organization_to_bid_again(client, solver, board):
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    first = proposals()[0]
    assert "请填写理由" in client.post(f"/proposals/{first.id}/withdraw",
                                    data={"reason": ""}).get_data(as_text=True)
    client.post(f"/proposals/{first.id}/withdraw", data={"reason": "调整团队"})
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board, title="新方案"))
    states = sorted(p.state.value for p in proposals())
    assert states == ["submitted", "withdrawn"]


def test_no_bid_after_the_deadline(client, solver, board):
    board.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    assert response.status_code == 403 and proposals() == []


def test_no_revision_after_the_deadline(client, solver, board):
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    proposal = proposals()[0]
    board.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.post(f"/proposals/{proposal.id}/edit",
                       data=bid_form(board, title="迟到的修改")).status_code == 403
    assert client.post(f"/proposals/{proposal.id}/withdraw",
                       data={"reason": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).title == "驻极熔喷一体化工艺"


@pytest.mark.parametrize("field,value,message", [
    ("eligible_org_types", "institute", "本榜仅限 科研院所 揭榜"),
    ("eligible_regions", "邻省某市", "本榜仅限 邻省某市 的单位揭榜"),
])
def test_eligibility_is_checked(client, solver, board, field, value, message):
    setattr(board, field, value)
    db.session.commit()
    response = client.get(f"/challenges/{board.id}/bid")
    assert response.status_code == 403 and message in response.get_data(as_text=True)


def test_confidential_bid_needs_a_grant_and_the_undertaking(client, solver, people, make):
    secret = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                            confidentiality=Confidentiality.DESENSITIZED)
    assert "签署保密承诺" in client.get(f"/challenges/{secret.id}/bid").get_data(as_text=True)
    grant = posting_ops.request_access(secret, solver, "申请")
    perform(grant, "grant", people["issuer"])
    posting_ops.accept_undertaking(grant, solver)
    db.session.commit()
    assert client.get(f"/challenges/{secret.id}/bid").status_code == 200


def test_bids_are_private(client, auth, people, board, make):
    auth.login(people["solver"])
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    proposal = proposals()[0]
    auth.logout()
    for user, status in ((people["other_solver"], 403), (people["issuer"], 403),
                         (people["reviewer"], 403), (people["admin"], 200)):
        auth.login(user)
        assert client.get(f"/proposals/{proposal.id}").status_code == status, user
        auth.logout()
    auth.login(people["issuer"])
    assert client.get(f"/challenges/{board.id}/proposals").status_code == 403
    auth.logout()
    board.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login(people["issuer"])  # the deadline check on access closes the 榜
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    assert "驻极熔喷一体化工艺" in client.get(f"/challenges/{board.id}/proposals").get_data(
        as_text=True)


def test_attachments_are_checked_stored_privately_and_guarded(app, client, auth, people, board):
    auth.login(people["solver"])
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    proposal = proposals()[0]
    url = f"/proposals/{proposal.id}/attachments"

    def upload(content: bytes, name: str):
        return client.post(url, data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data", follow_redirects=True
                           ).get_data(as_text=True)

    assert "只接受" in upload(b"MZ\x90\x00", "tool.exe")
    assert "内容与扩展名" in upload(b"not a pdf", "fake.pdf")
    app.config["ATTACHMENT_MAX_BYTES"] = 64
    try:
        assert "文件超过" in upload(PDF + b"x" * 100, "big.pdf")
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = 10 * 1024 * 1024
    assert "附件已上传" in upload(PDF, "检测报告.pdf")
    db.session.expire_all()
    [item] = db.session.get(Proposal, proposal.id).attachments
    stored = Path(app.config["UPLOAD_FOLDER"]) / "proposals" / item.stored_name
    assert stored.read_bytes() == PDF and "检测报告" not in item.stored_name
    assert "static" not in str(stored)
    download = client.get(f"{url}/{item.id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    auth.logout()
    auth.login(people["other_solver"])
    assert client.get(f"{url}/{item.id}").status_code == 403


def test_admin_checks_eligibility_and_a_board_without_qualified_bids_goes_unclaimed(
        client, auth, people, board, make):
    auth.login(people["solver"])
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    proposal = proposals()[0]
    auth.logout()
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    db.session.commit()
    auth.login(people["admin"])
    html = client.post(f"/challenges/{board.id}/unclaim", data={"reason": "无合格方案"},
                       follow_redirects=True).get_data(as_text=True)
    assert "还有揭榜方案未做资格审查" in html
    html = client.post(f"/proposals/{proposal.id}/eligibility",
                       data={"decision": "disqualify", "reason": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "需要填写理由" in html
    client.post(f"/proposals/{proposal.id}/eligibility",
                data={"decision": "disqualify", "reason": "缺少检测资质"})
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state is ProposalState.DISQUALIFIED
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == people["solver"].id,
        Notification.message.contains("缺少检测资质"))) == 1
    client.post(f"/challenges/{board.id}/unclaim", data={"reason": "无合格方案"})
    db.session.expire_all()
    assert db.session.get(Challenge, board.id).state is ChallengeState.UNCLAIMED


def test_qualified_bid_blocks_unclaiming(client, auth, people, board):
    auth.login(people["solver"])
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    auth.logout()
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    db.session.commit()
    auth.login(people["admin"])
    client.post(f"/proposals/{proposals()[0].id}/eligibility", data={"decision": "qualify"})
    html = client.post(f"/challenges/{board.id}/unclaim", data={"reason": "x"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已有资格合格的揭榜方案" in html


def test_partner_organizations_are_linked_for_conflict_checks(client, solver, board, make):
    institute = make.org(name="示范市先进材料研究院", type=OrgType.INSTITUTE)
    db.session.commit()
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    proposal = proposals()[0]
    linked = {proposal.lead_org_id, *(p.organization_id for p in proposal.partners)}
    assert linked == {solver.organization_id, institute.id}


def test_audit_never_copies_the_bid_content(client, solver, board):
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    rows = db.session.execute(sa.text("SELECT changes FROM audit_events")).all()
    assert "双组分驻极" not in str(rows)
