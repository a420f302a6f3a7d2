"""奖榜 progress through the pages: milestone reports, the enterprise's confirmation and the
bureau's review; award files; 验收 filled in, signed off indicator by indicator and decided; the
overdue reminder. Every refusal is a readable message, never a 500."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.awarding import operations as ops
from challenge.extensions import db
from challenge.models import (
    Acceptance,
    AuditEvent,
    AwardFile,
    Challenge,
    Contract,
    ContractMilestone,
    Notification,
    OutboundEmail,
)
from challenge.states import AcceptanceState, ChallengeState, ContractState, MilestoneState
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
INDICATORS = [{"name": "过滤效率", "target": "≥99.97", "unit": "%", "method": "NaCl 法"},
              {"name": "呼吸阻力", "target": "≤80", "unit": "Pa", "method": "85L/min"}]


def upload(name="检测报告.pdf", data=PDF):
    return (io.BytesIO(data), name)


def pdf_storage(name="证明.pdf"):
    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(PDF), filename=name, content_type="application/pdf")


def signed_contract(make, people, shares=(5000, 5000)) -> Contract:
    """A 榜 with two indicators after 公示, its winner (people['solver']) under a signed contract."""
    admin, issuer = people["admin"], people["issuer"]
    board = make.challenge(issuer, ChallengeState.PUBLICITY, admin=admin, indicators=INDICATORS)
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    contract = make.contract(board, admin, solver=people["solver"], sign=True, shares=shares)
    db.session.commit()
    assert contract.state is ContractState.ACTIVE and board.state is ChallengeState.CONTRACTED
    return contract


def approve_all(contract: Contract, people) -> None:
    for milestone in contract.milestones:
        perform(milestone, "report", people["solver"], report="完成")
        perform(milestone, "confirm", people["issuer"])
        perform(milestone, "approve", people["admin"])
    db.session.commit()


def submitted_acceptance(contract: Contract, people) -> Acceptance:
    approve_all(contract, people)
    acceptance = ops.acceptance_for(contract)
    ops.save_acceptance(acceptance, people["solver"], "全部达标", {i.id: "99.98" for i in acceptance.items})
    for item in acceptance.items:
        ops.add_file(item, people["solver"], pdf_storage())
    perform(acceptance, "submit", people["solver"])
    db.session.commit()
    return acceptance


def text(response) -> str:
    return response.get_data(as_text=True)


def notices_for(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)))


# -- who may open and post what ------------------------------------------------------------

ROLES = ["visitor", "issuer", "colleague", "other_enterprise", "solver", "other_solver", "reviewer", "admin"]


def row(visitor, issuer, colleague, other_enterprise, solver, other_solver, reviewer, admin):
    return dict(zip(ROLES, (visitor, issuer, colleague, other_enterprise, solver, other_solver,
                            reviewer, admin), strict=True))


PARTIES_SEE = row(302, 200, 200, 404, 200, 404, 404, 200)
NOBODY = row(302, 404, 404, 404, 404, 404, 404, 404)

# 200 = the page again with a message next to the field; 302 after a POST = done, or refused with
# a flash (wrong state); 403 = a party to the contract, but not the one for this step.
TABLE = [
    ("GET", "/milestones/{pending}", None, PARTIES_SEE),
    ("GET", "/milestones/999999", None, NOBODY),
    ("POST", "/milestones/{pending}/report", {}, row(302, 403, 403, 404, 200, 404, 404, 403)),
    ("POST", "/milestones/{pending}/report", {"report": "完成小试"},
     row(302, 403, 403, 404, 302, 404, 404, 403)),
    ("POST", "/milestones/{reported}/report", {"report": "再报一次"},
     row(302, 403, 403, 404, 200, 404, 404, 403)),
    ("POST", "/milestones/{pending}/files", {}, row(302, 403, 403, 404, 200, 404, 404, 403)),
    ("POST", "/milestones/{reported}/files", {}, row(302, 403, 403, 404, 302, 404, 404, 403)),
    ("POST", "/milestones/{reported}/confirm", {}, row(302, 302, 302, 404, 403, 404, 404, 403)),
    ("POST", "/milestones/{pending}/confirm", {}, row(302, 302, 302, 404, 403, 404, 404, 403)),
    ("POST", "/milestones/{reported}/send-back", {}, row(302, 200, 200, 404, 403, 404, 404, 403)),
    ("POST", "/milestones/{reported}/send-back", {"back-reason": "缺检测报告"},
     row(302, 302, 302, 404, 403, 404, 404, 403)),
    ("POST", "/milestones/{confirmed}/approve", {}, row(302, 403, 403, 404, 403, 404, 404, 302)),
    ("POST", "/milestones/{confirmed}/rework", {}, row(302, 403, 403, 404, 403, 404, 404, 200)),
    ("POST", "/milestones/{confirmed}/rework", {"rework-reason": "数据不全"},
     row(302, 403, 403, 404, 403, 404, 404, 302)),
    ("GET", "/award-files/{pending_file}", None, PARTIES_SEE),
    ("GET", "/award-files/{item_file}", None, PARTIES_SEE),
    ("GET", "/award-files/999999", None, NOBODY),
    ("POST", "/award-files/{pending_file}/delete", {}, row(302, 403, 403, 404, 302, 404, 404, 403)),
    ("POST", "/award-files/{item_file}/delete", {}, row(302, 403, 403, 404, 302, 404, 404, 403)),
    ("GET", "/contracts/{contract}/acceptance", None, PARTIES_SEE),
    ("GET", "/contracts/{submitted}/acceptance", None, PARTIES_SEE),
    ("GET", "/contracts/999999/acceptance", None, NOBODY),
    ("POST", "/contracts/{contract}/acceptance", {"summary": "进展顺利"},
     row(302, 403, 403, 404, 302, 404, 404, 403)),
    ("POST", "/contracts/{contract}/acceptance/submit", {},
     row(302, 403, 403, 404, 200, 404, 404, 403)),
    ("POST", "/contracts/{submitted}/acceptance", {"summary": "改"},
     row(302, 403, 403, 404, 302, 404, 404, 403)),
    ("POST", "/acceptance/items/{item}/files", {}, row(302, 403, 403, 404, 302, 404, 404, 403)),
    ("POST", "/contracts/{submitted}/acceptance/sign-off", {},
     row(302, 200, 200, 404, 403, 404, 404, 403)),
    ("POST", "/contracts/{submitted}/acceptance/send-back", {},
     row(302, 200, 200, 404, 403, 404, 404, 403)),
    ("POST", "/contracts/{submitted}/acceptance/pass", {},
     row(302, 403, 403, 404, 403, 404, 404, 302)),
    ("POST", "/contracts/{submitted}/acceptance/reject", {},
     row(302, 403, 403, 404, 403, 404, 404, 200)),
]


@pytest.fixture
def world(make, people):
    """Two contracts of people['solver'] on two 榜 of people['issuer']: the first with
    milestones pending, reported and confirmed and a draft acceptance; the second with its
    acceptance submitted to the enterprise."""
    solver, issuer = people["solver"], people["issuer"]
    contract = signed_contract(make, people, shares=(3000, 3000, 4000))
    pending, reported, confirmed = contract.milestones
    perform(reported, "report", solver, report="完成")
    perform(confirmed, "report", solver, report="完成")
    perform(confirmed, "confirm", issuer)
    pending_file = ops.add_file(pending, solver, pdf_storage())
    acceptance = ops.acceptance_for(contract)
    item_file = ops.add_file(acceptance.items[0], solver, pdf_storage())
    db.session.commit()
    other = signed_contract(make, people, shares=(10000,))
    submitted_acceptance(other, people)
    return {"pending": pending.id, "reported": reported.id, "confirmed": confirmed.id,
            "pending_file": pending_file.id, "item_file": item_file.id, "contract": contract.id,
            "item": acceptance.items[1].id, "submitted": other.id}


CASES = [(method, url, data, role, expected[role]) for method, url, data, expected in TABLE
         for role in ROLES]


@pytest.mark.parametrize("method,url,data,role,expected", CASES,
                         ids=[f"{m} {u} {sorted(d or {})} as {r}" for m, u, d, r, _ in CASES])
def test_role_endpoint_table(client, auth, people, world, method, url, data, role, expected):
    if role != "visitor":
        assert auth.login(people[role]).status_code == 302
    response = client.open(url.format(**world), method=method, data=data)
    body = text(response)[:400]
    response.close()  # a download streams its file
    assert response.status_code == expected, body
    if role == "visitor":
        assert "/auth/login" in response.headers["Location"]


# -- a milestone from report to review -----------------------------------------------------

def test_milestone_chain_report_send_back_report_confirm_approve(client, auth, make, people):
    solver, issuer, admin = people["solver"], people["issuer"], people["admin"]
    contract = signed_contract(make, people)
    milestone = contract.milestones[0]
    url = f"/milestones/{milestone.id}"

    auth.login(solver)
    page = text(client.get(url))
    assert 'data-testid="report-form"' in page and 'data-testid="send-back-form"' not in page
    response = client.post(f"{url}/report", data={"report": "完成小试，过滤效率 99.2%",
                                                  "files": upload("小试报告.pdf")})
    assert response.status_code == 302
    db.session.expire_all()
    assert milestone.state is MilestoneState.REPORTED and milestone.report.startswith("完成小试")
    assert [f.original_name for f in milestone.files] == ["小试报告.pdf"]
    assert any("里程碑报告待您确认" in n for n in notices_for(issuer))
    auth.logout()

    auth.login(issuer)
    page = text(client.get(url))
    assert "完成小试" in page and "小试报告.pdf" in page and 'data-testid="send-back-form"' in page
    refused = client.post(f"{url}/send-back", data={"back-reason": "  "})
    assert refused.status_code == 200 and "请填写理由" in text(refused)
    db.session.expire_all()
    assert milestone.state is MilestoneState.REPORTED
    assert client.post(f"{url}/send-back", data={"back-reason": "缺少第三方检测报告"}).status_code == 302
    db.session.expire_all()
    assert milestone.state is MilestoneState.RETURNED
    assert any("缺少第三方检测报告" in n for n in notices_for(solver))
    auth.logout()

    auth.login(solver)
    page = text(client.get(url))
    assert "缺少第三方检测报告" in page and "重新提交报告" in page
    assert "完成小试，过滤效率 99.2%" in page  # the report comes back to be amended
    assert client.post(f"{url}/report", data={"report": "补充第三方检测：99.3%",
                                              "files": upload("检测.pdf")}).status_code == 302
    db.session.expire_all()
    assert milestone.state is MilestoneState.REPORTED and milestone.report == "补充第三方检测：99.3%"
    assert len(milestone.files) == 2
    auth.logout()

    auth.login(issuer)
    assert client.post(f"{url}/confirm").status_code == 302
    db.session.expire_all()
    assert milestone.state is MilestoneState.CONFIRMED and milestone.confirmed_at is not None
    auth.logout()

    auth.login(admin)
    page = text(client.get(url))
    assert 'data-testid="approve-form"' in page and 'data-testid="rework-form"' in page
    assert client.post(f"{url}/approve", data={"approve-note": "资料齐全"}).status_code == 302
    db.session.expire_all()
    assert milestone.state is MilestoneState.APPROVED and milestone.review_note == "资料齐全"
    assert any("评审通过" in n for n in notices_for(solver))
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "milestone", AuditEvent.object_id == milestone.id)
        .order_by(AuditEvent.id)).all()
    assert actions == ["attach", "report", "send_back", "attach", "report", "confirm", "approve"]
    page = text(client.get(url))
    assert "评审通过" in page and "缺少第三方检测报告" in page and "资料齐全" in page
    assert 'data-testid="approve-form"' not in page


def test_report_error_keeps_the_text_and_saves_nothing(client, auth, make, people):
    contract = signed_contract(make, people)
    milestone = contract.milestones[0]
    auth.login(people["solver"])
    response = client.post(f"/milestones/{milestone.id}/report", data={
        "report": "这段文字不能丢", "files": upload("假的.pdf", b"MZ\x90\x00 not a pdf")})
    page = text(response)
    assert response.status_code == 200 and "这段文字不能丢" in page
    assert "文件内容与扩展名 .pdf 不符" in page
    db.session.expire_all()
    assert milestone.state is MilestoneState.PENDING and milestone.report == ""
    assert db.session.scalar(select(func.count(AwardFile.id))) == 0
    empty = client.post(f"/milestones/{milestone.id}/report", data={"report": ""})
    assert empty.status_code == 200 and "请填写里程碑完成情况" in text(empty)


def test_rework_needs_a_reason_and_returns_the_milestone(client, auth, make, people):
    contract = signed_contract(make, people)
    milestone = contract.milestones[0]
    perform(milestone, "report", people["solver"], report="完成")
    perform(milestone, "confirm", people["issuer"])
    db.session.commit()
    auth.login(people["admin"])
    refused = client.post(f"/milestones/{milestone.id}/rework", data={"rework-reason": ""})
    assert refused.status_code == 200 and "请填写理由" in text(refused)
    assert client.post(f"/milestones/{milestone.id}/rework",
                       data={"rework-reason": "检测样本不足"}).status_code == 302
    db.session.expire_all()
    assert milestone.state is MilestoneState.RETURNED and milestone.review_note == "检测样本不足"
    assert any("检测样本不足" in n for n in notices_for(people["solver"]))


# -- files ---------------------------------------------------------------------------------

def test_file_type_checks(client, auth, make, people):
    milestone = signed_contract(make, people).milestones[0]
    auth.login(people["solver"])
    url = f"/milestones/{milestone.id}/files"
    fake = client.post(url, data={"file": upload("报告.pdf", b"GIF89a not a pdf at all")})
    assert fake.status_code == 200 and "文件内容与扩展名 .pdf 不符" in text(fake)
    exe = client.post(url, data={"file": upload("tool.exe", b"MZ\x90\x00")})
    assert exe.status_code == 200 and "只接受 PDF" in text(exe)
    nothing = client.post(url, data={})
    assert nothing.status_code == 200 and "请选择文件" in text(nothing)
    assert db.session.scalar(select(func.count(AwardFile.id))) == 0
    assert client.post(url, data={"file": upload("报告.pdf")}).status_code == 302
    assert db.session.scalar(select(func.count(AwardFile.id))) == 1


def test_download_permission_and_disposition(client, auth, make, people):
    milestone = signed_contract(make, people).milestones[0]
    report = ops.add_file(milestone, people["solver"], pdf_storage("检测报告.pdf"))
    from werkzeug.datastructures import FileStorage

    photo = ops.add_file(milestone, people["solver"], FileStorage(
        stream=io.BytesIO(PNG), filename="样机.png", content_type="image/png"))
    db.session.commit()
    for who in ("issuer", "colleague", "solver", "admin"):
        auth.login(people[who])
        response = client.get(f"/award-files/{report.id}")
        assert response.status_code == 200 and response.data == PDF, who
        assert response.headers["Content-Disposition"].startswith("attachment")
        image = client.get(f"/award-files/{photo.id}")
        assert image.status_code == 200 and image.mimetype == "image/png"
        # Every file is a download, images too (issue 11): never rendered in the site's origin.
        assert image.headers["Content-Disposition"].startswith("attachment")
        assert "filename*=UTF-8''%E6%A0%B7%E6%9C%BA.png" in image.headers["Content-Disposition"]
        response.close()
        image.close()
        auth.logout()
    for who in ("other_solver", "other_enterprise", "reviewer"):
        auth.login(people[who])
        assert client.get(f"/award-files/{report.id}").status_code == 404, who
        auth.logout()


def test_files_can_be_deleted_only_by_the_uploaders_side_while_open(client, auth, make, people):
    milestone = signed_contract(make, people).milestones[0]
    first = ops.add_file(milestone, people["solver"], pdf_storage("一.pdf"))
    second = ops.add_file(milestone, people["solver"], pdf_storage("二.pdf"))
    db.session.commit()
    first_id, second_id = first.id, second.id
    auth.login(people["issuer"])
    assert client.post(f"/award-files/{first_id}/delete").status_code == 403
    auth.logout()
    auth.login(people["solver"])
    response = client.post(f"/award-files/{first_id}/delete", follow_redirects=True)
    assert "附件「一.pdf」已删除" in text(response)
    assert db.session.get(AwardFile, first_id) is None
    perform(milestone, "report", people["solver"], report="完成")
    db.session.commit()
    refused = client.post(f"/award-files/{second_id}/delete", follow_redirects=True)
    assert "附件不能再修改" in text(refused) and db.session.get(AwardFile, second_id) is not None
    detach = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "detach")).one()
    assert detach.changes == {"file": ["一.pdf", None]}


# -- acceptance ----------------------------------------------------------------------------

def test_acceptance_created_for_solver_and_admin_but_not_the_enterprise(client, auth, make, people):
    contract = signed_contract(make, people)
    auth.login(people["issuer"])
    page = text(client.get(f"/contracts/{contract.id}/acceptance"))
    assert "揭榜方尚未开始填写验收材料" in page
    assert db.session.scalar(select(func.count(Acceptance.id))) == 0
    auth.logout()
    auth.login(people["solver"])
    page = text(client.get(f"/contracts/{contract.id}/acceptance"))
    assert db.session.scalar(select(func.count(Acceptance.id))) == 1
    for name, target, committed in (("过滤效率", "≥99.97%", "承诺≥99.97"), ("呼吸阻力", "≤80Pa", "承诺≤80")):
        assert name in page and target in page and committed in page
    assert "第1阶段" in page and "尚未评审通过" in page  # what is still missing, before submitting


def test_acceptance_with_missing_value_and_evidence_is_refused_naming_the_indicator(
        client, auth, make, people):
    contract = signed_contract(make, people)
    approve_all(contract, people)
    acceptance = ops.acceptance_for(contract)
    db.session.commit()
    efficiency, resistance = acceptance.items
    auth.login(people["solver"])
    # Efficiency: a measured value, no evidence; resistance: evidence (uploaded on its own row), no value.
    response = client.post(f"/acceptance/items/{resistance.id}/files", data={
        "summary": "基本完成",
        "items-0-item_id": str(efficiency.id), "items-0-measured": "99.98",
        "items-1-item_id": str(resistance.id), "items-1-measured": "",
        "items-1-evidence": upload("阻力检测.pdf")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#item-{resistance.id}")
    db.session.expire_all()
    assert efficiency.measured_value == "99.98" and acceptance.summary == "基本完成"
    assert [f.original_name for f in resistance.files] == ["阻力检测.pdf"]

    refused = client.post(f"/contracts/{contract.id}/acceptance/submit", data={
        "summary": "基本完成",
        "items-0-item_id": str(efficiency.id), "items-0-measured": "99.98",
        "items-1-item_id": str(resistance.id), "items-1-measured": ""})
    page = text(refused)
    assert refused.status_code == 200 and 'data-testid="submit-problems"' in page
    assert "指标「过滤效率」缺少证明材料" in page and "指标「呼吸阻力」缺少实测值" in page
    assert "指标「过滤效率」缺少实测值" not in page and "指标「呼吸阻力」缺少证明材料" not in page
    db.session.expire_all()
    assert acceptance.state is AcceptanceState.DRAFT

    fake = client.post(f"/contracts/{contract.id}/acceptance", data={
        "summary": "基本完成",
        "items-0-item_id": str(efficiency.id), "items-0-measured": "99.98",
        "items-0-evidence": upload("效率.pdf", b"not a pdf"),
        "items-1-item_id": str(resistance.id), "items-1-measured": "76"})
    assert fake.status_code == 200 and "文件内容与扩展名 .pdf 不符" in text(fake)
    assert 'value="76"' in text(fake)  # typed values kept
    db.session.expire_all()
    assert resistance.measured_value == ""  # nothing half-saved
    too_long = client.post(f"/contracts/{contract.id}/acceptance", data={
        "items-0-item_id": str(efficiency.id), "items-0-measured": "9" * 101,
        "items-1-item_id": str(resistance.id), "items-1-measured": "76"})
    assert too_long.status_code == 200 and "实测值不超过 100 个字符" in text(too_long)

    assert client.post(f"/contracts/{contract.id}/acceptance/submit", data={
        "summary": "全部达标",
        "items-0-item_id": str(efficiency.id), "items-0-measured": "99.98",
        "items-0-evidence": upload("效率.pdf"),
        "items-1-item_id": str(resistance.id), "items-1-measured": "76"}).status_code == 302
    db.session.expire_all()
    assert acceptance.state is AcceptanceState.SUBMITTED and resistance.measured_value == "76"
    assert any("提交验收申请" in n for n in notices_for(people["issuer"]))
    again = client.post(f"/contracts/{contract.id}/acceptance", data={"summary": "再改"},
                        follow_redirects=True)
    assert "材料不能再修改" in text(again)


def test_enterprise_sign_off_needs_a_judgement_on_every_item(client, auth, make, people):
    contract = signed_contract(make, people)
    acceptance = submitted_acceptance(contract, people)
    efficiency, resistance = acceptance.items
    auth.login(people["colleague"])  # anyone of the issuing enterprise signs for it
    page = text(client.get(f"/contracts/{contract.id}/acceptance"))
    assert 'id="sign-form"' in page and "达标" in page and "未达标" in page
    partial = client.post(f"/contracts/{contract.id}/acceptance/sign-off", data={
        "items-0-item_id": str(efficiency.id), "items-0-met": "1",
        "items-1-item_id": str(resistance.id), "opinion": "效率达标"})
    page = text(partial)
    assert partial.status_code == 200 and "请逐项判定是否达标：呼吸阻力" in page
    assert "请判定是否达标" in page and "效率达标" in page
    db.session.expire_all()
    assert acceptance.state is AcceptanceState.SUBMITTED and efficiency.met is None
    assert client.post(f"/contracts/{contract.id}/acceptance/sign-off", data={
        "items-0-item_id": str(efficiency.id), "items-0-met": "1",
        "items-1-item_id": str(resistance.id), "items-1-met": "0",
        "opinion": "阻力未达标"}).status_code == 302
    db.session.expire_all()
    assert acceptance.state is AcceptanceState.SIGNED_OFF
    assert (efficiency.met, resistance.met) == (True, False)
    assert acceptance.enterprise_opinion == "阻力未达标"
    auth.logout()

    auth.login(people["admin"])
    page = text(client.get(f"/contracts/{contract.id}/acceptance"))
    assert "企业判定未达标的指标：呼吸阻力" in page and "/acceptance/pass" not in page
    refused = client.post(f"/contracts/{contract.id}/acceptance/pass", follow_redirects=True)
    assert "指标「呼吸阻力」未达标，不能认定验收通过" in text(refused)
    no_reason = client.post(f"/contracts/{contract.id}/acceptance/reject", data={"reject-reason": ""})
    assert no_reason.status_code == 200 and "请填写理由" in text(no_reason)
    assert client.post(f"/contracts/{contract.id}/acceptance/reject",
                       data={"reject-reason": "呼吸阻力未达到合同约定"}).status_code == 302
    db.session.expire_all()
    assert acceptance.state is AcceptanceState.FAILED and contract.state is ContractState.ACTIVE
    assert any("呼吸阻力未达到合同约定" in n for n in notices_for(people["solver"]))
    page = text(client.get(f"/contracts/{contract.id}/acceptance"))
    assert "验收不通过" in page and "呼吸阻力未达到合同约定" in page


def test_enterprise_sends_acceptance_back_with_a_reason(client, auth, make, people):
    contract = signed_contract(make, people)
    acceptance = submitted_acceptance(contract, people)
    auth.login(people["issuer"])
    refused = client.post(f"/contracts/{contract.id}/acceptance/send-back", data={"back-reason": ""})
    assert refused.status_code == 200 and "请填写理由" in text(refused)
    assert client.post(f"/contracts/{contract.id}/acceptance/send-back",
                       data={"back-reason": "请补充阻力原始数据"}).status_code == 302
    db.session.expire_all()
    assert acceptance.state is AcceptanceState.DRAFT
    auth.logout()
    auth.login(people["solver"])
    page = text(client.get(f"/contracts/{contract.id}/acceptance"))
    assert "请补充阻力原始数据" in page and 'id="acceptance-form"' in page


def test_admin_pass_accepts_contract_and_board_and_tells_the_solver(client, auth, make, people):
    contract = signed_contract(make, people)
    acceptance = submitted_acceptance(contract, people)
    perform(acceptance, "sign_off", people["issuer"], judgements={i.id: True for i in acceptance.items},
            opinion="同意验收")
    db.session.commit()
    solver_mail = db.session.scalar(select(func.count(OutboundEmail.id)).where(
        OutboundEmail.to_address == people["solver"].email))
    auth.login(people["admin"])
    page = text(client.get(f"/contracts/{contract.id}/acceptance"))
    assert "/acceptance/pass" in page and "同意验收" in page
    response = client.post(f"/contracts/{contract.id}/acceptance/pass", follow_redirects=True)
    assert "验收通过，合同已验收。本榜当前状态：已验收" in text(response)
    db.session.expire_all()
    board = db.session.get(Challenge, contract.challenge_id)
    assert acceptance.state is AcceptanceState.PASSED and acceptance.decided_at is not None
    assert contract.state is ContractState.ACCEPTED and contract.ended_at is not None
    assert board.state is ChallengeState.ACCEPTED and board.accepted_at is not None
    assert any("合同验收通过" in n for n in notices_for(people["solver"]))
    assert any("验收通过" in n for n in notices_for(people["issuer"]))
    mails = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.to_address == people["solver"].email).order_by(OutboundEmail.id)).all()
    assert len(mails) == solver_mail + 1 and "合同验收通过" in mails[-1].body
    again = client.post(f"/contracts/{contract.id}/acceptance/pass", follow_redirects=True)
    assert "当前状态为「验收通过」" in text(again)


# -- overdue reminders ---------------------------------------------------------------------

def test_remind_overdue_notifies_once(runner, client, auth, make, people):
    contract = signed_contract(make, people)
    late, later = contract.milestones
    late.due_on = local_today() - timedelta(days=3)
    db.session.commit()
    result = runner.invoke(args=["remind-overdue"])
    assert result.exit_code == 0 and "逾期里程碑提醒 1 个" in result.output, result.output
    db.session.expire_all()
    for who in ("solver", "issuer", "admin"):
        assert sum("已于" in n and late.title in n for n in notices_for(people[who])) == 1, who
    assert db.session.get(ContractMilestone, late.id).overdue_notified_on == local_today()
    mails = db.session.scalar(select(func.count(OutboundEmail.id)))
    again = runner.invoke(args=["remind-overdue"])
    assert again.exit_code == 0 and "逾期里程碑提醒 0 个" in again.output
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == mails
    assert sum("已于" in n for n in notices_for(people["solver"])) == 1
    also = runner.invoke(args=["close-expired"])  # the clock job runs the reminder too
    assert also.exit_code == 0 and "逾期里程碑提醒 0 个" in also.output
    auth.login(people["solver"])
    assert 'data-testid="overdue"' in text(client.get(f"/milestones/{late.id}"))
    assert 'data-testid="overdue"' not in text(client.get(f"/milestones/{later.id}"))


# -- edges ---------------------------------------------------------------------------------

def test_unsigned_and_failed_contracts_offer_no_actions(client, auth, make, people):
    from challenge.states import FailureRule

    admin, issuer = people["admin"], people["issuer"]
    board = make.challenge(issuer, ChallengeState.PUBLICITY, admin=admin, indicators=INDICATORS)
    draft = make.contract(board, admin, solver=people["solver"])
    db.session.commit()
    auth.login(people["solver"])
    page = text(client.get(f"/contracts/{draft.id}/acceptance"))
    assert "合同签订后" in page and db.session.scalar(select(func.count(Acceptance.id))) == 0
    page = text(client.get(f"/milestones/{draft.milestones[0].id}"))
    assert 'data-testid="report-form"' not in page and "不再推进" in page
    refused = client.post(f"/milestones/{draft.milestones[0].id}/report", data={"report": "完成"})
    assert refused.status_code == 200 and "合同当前为「待签约」" in text(refused)
    auth.logout()

    contract = signed_contract(make, people)
    ops.fail_contract(contract, admin, "团队解散", FailureRule.TERMINATE)
    db.session.commit()
    auth.login(people["solver"])
    milestone = contract.milestones[0]
    page = text(client.get(f"/milestones/{milestone.id}"))
    assert "已取消" in page and 'data-testid="report-form"' not in page
    saved = client.post(f"/contracts/{contract.id}/acceptance", data={"summary": "x"},
                        follow_redirects=True)
    assert "合同当前为「攻关失败」，不能填写验收材料" in text(saved)


def test_a_record_changed_meanwhile_is_a_message_not_a_500(client, auth, make, people, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from challenge.awarding import progress_views as progress

    milestone = signed_contract(make, people).milestones[0]
    perform(milestone, "report", people["solver"], report="完成")
    db.session.commit()

    def clash(*args, **kwargs):
        raise StaleDataError("changed meanwhile")

    monkeypatch.setattr(progress, "apply_transition", clash)
    auth.login(people["issuer"])
    response = client.post(f"/milestones/{milestone.id}/confirm", follow_redirects=True)
    assert response.status_code == 200 and "该记录刚被其他人处理过" in text(response)


def test_failed_acceptance_can_be_reopened_after_rectification(client, auth, make, people):
    contract = signed_contract(make, people)
    acceptance = submitted_acceptance(contract, people)
    perform(acceptance, "sign_off", people["issuer"],
            judgements={i.id: n == 0 for n, i in enumerate(acceptance.items)}, opinion="阻力未达标")
    perform(acceptance, "reject", people["admin"], reason="呼吸阻力 85Pa，高于 80Pa")
    db.session.commit()
    auth.login(people["solver"])  # only the bureau reopens
    assert client.post(f"/contracts/{contract.id}/acceptance/reopen",
                       data={"reopen-reason": "整改"}).status_code == 403
    auth.logout()
    auth.login(people["admin"])
    page = text(client.get(f"/contracts/{contract.id}/acceptance"))
    assert 'data-testid="reopen-form"' in page
    refused = client.post(f"/contracts/{contract.id}/acceptance/reopen", data={"reopen-reason": " "})
    assert refused.status_code == 200 and "请填写理由" in text(refused)
    assert client.post(f"/contracts/{contract.id}/acceptance/reopen",
                       data={"reopen-reason": "已更换驻极工艺，同意重新验收"}).status_code == 302
    db.session.expire_all()
    assert acceptance.state is AcceptanceState.DRAFT and contract.state is ContractState.ACTIVE
    assert all(item.met is None for item in acceptance.items)
    assert any("重新申请验收" in m for m in notices_for(people["solver"]))
    perform(acceptance, "submit", people["solver"])  # a new round starts from the kept evidence
    assert acceptance.state is AcceptanceState.SUBMITTED
