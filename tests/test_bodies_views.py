"""The 专业机构 pages over HTTP: the bureau appoints a body, the body records an acceptance
finding with per-indicator results and a test report (bad input shown next to its field, the
entries kept), the bureau overrides it with a reason; who may download the report."""

import io

from sqlalchemy import select

from challenge.extensions import db
from challenge.models import BodyAppointment, Finding
from challenge.states import BodyPurpose, FindingState, Role
from tests.test_award_progress import PDF, signed_contract


def text(response) -> str:
    return response.get_data(as_text=True)


def test_appoint_record_override_over_http(client, auth, make, people):
    contract = signed_contract(make, people)
    board = contract.challenge
    body = make.user(Role.BODY, name="示范检测院")
    other_body = make.user(Role.BODY)
    db.session.commit()
    first, second = board.indicators

    auth.login(people["admin"])
    url = f"/admin/challenges/{board.id}/bodies"
    page = client.post(url, data={"body": "0", "purpose": "acceptance"})
    assert page.status_code == 422 and "请选择一个在用的专业机构账号" in text(page)
    assert client.post(url, data={"body": str(body.id), "purpose": "acceptance"}).status_code == 302
    assert db.session.scalar(select(BodyAppointment.purpose)) is BodyPurpose.ACCEPTANCE
    assert body.organization.name in text(client.get(url))
    auth.logout()

    auth.login(body)
    assert board.title in text(client.get("/body/"))
    new = f"/challenges/{board.id}/findings/new/acceptance"
    incomplete = client.post(new, data={
        f"measured_{first.id}": "99.98", f"met_{first.id}": "1", "summary": "按国标测试",
        "passed": "1"}, content_type="multipart/form-data")
    page = text(incomplete)
    assert incomplete.status_code == 422
    assert "指标「呼吸阻力」需填写实测值并判定是否达标。" in page and "请上传测试报告。" in page
    assert 'value="99.98"' in page and "按国标测试" in page  # nothing typed is lost
    assert db.session.scalar(select(Finding.id)) is None
    done = client.post(new, data={
        f"measured_{first.id}": "99.98", f"met_{first.id}": "1",
        f"measured_{second.id}": "85", f"met_{second.id}": "0", "summary": "呼吸阻力超标",
        "passed": "0", "files": [(io.BytesIO(PDF), "测试报告.pdf")]},
        content_type="multipart/form-data")
    assert done.status_code == 302
    finding = db.session.scalars(select(Finding)).one()
    page = text(client.get(done.headers["Location"]))
    assert "测试报告.pdf" in page and "85" in page and "未达标" in page
    download = client.get(f"/findings/files/{finding.files[0].id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()  # a download streams its file
    assert client.post(f"/findings/{finding.id}/adopt").status_code == 403
    auth.logout()

    auth.login(other_body)
    assert client.get(f"/findings/{finding.id}").status_code == 403
    assert client.get(f"/findings/files/{finding.files[0].id}").status_code == 403
    auth.logout()

    auth.login(people["admin"])
    refused = client.post(f"/findings/{finding.id}/override", data={"passed": "1", "reason": ""})
    assert refused.status_code == 422 and "需要填写理由" in text(refused)
    assert client.post(f"/findings/{finding.id}/override", data={
        "passed": "1", "reason": "复测报告表明呼吸阻力 78 Pa"}).status_code == 302
    db.session.expire_all()
    assert finding.state is FindingState.OVERRIDDEN and finding.final_passed is True
    page = text(client.get(f"/findings/{finding.id}"))
    assert "复测报告表明呼吸阻力 78 Pa" in page and 'data-testid="adopt"' not in page


def test_a_body_appointed_for_acceptance_reads_the_acceptance_file_and_acts_on_nothing(
        client, auth, make, people):
    from challenge.bodies import operations as ops
    from tests.test_award_progress import submitted_acceptance

    contract = signed_contract(make, people)
    acceptance = submitted_acceptance(contract, people)
    evidence = acceptance.items[0].files[0]
    appointed, other = make.user(Role.BODY), make.user(Role.BODY)
    ops.appoint(contract.challenge, people["admin"], appointed.id, BodyPurpose.ACCEPTANCE)
    db.session.commit()

    auth.login(other)
    assert client.get(f"/contracts/{contract.id}/acceptance").status_code == 404
    assert client.get(f"/award-files/{evidence.id}").status_code == 404
    assert client.get(f"/contracts/{contract.id}").status_code == 404  # no contract, no ledger
    assert client.get(f"/milestones/{contract.milestones[0].id}").status_code == 404
    auth.logout()

    auth.login(appointed)
    assert f"/contracts/{contract.id}/acceptance" in text(
        client.get(f"/body/challenges/{contract.challenge_id}"))
    page = client.get(f"/contracts/{contract.id}/acceptance")
    html = text(page)
    assert page.status_code == 200 and "99.98" in html and "证明.pdf" in html
    for action in ("acceptance/pass", "acceptance/reject", "acceptance/sign-off",
                   "acceptance/send-back", "acceptance/submit"):
        assert action not in html, action
    download = client.get(f"/award-files/{evidence.id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    assert client.post(f"/award-files/{evidence.id}/delete").status_code == 403
    assert f'href="/contracts/{contract.id}"' not in html  # no link to a page it cannot open
    assert client.get(f"/contracts/{contract.id}").status_code == 404
    assert client.post(f"/contracts/{contract.id}/acceptance/pass").status_code in (403, 404)
    milestone = contract.milestones[0]
    page = client.get(f"/milestones/{milestone.id}")
    assert page.status_code == 200 and f'href="/contracts/{contract.id}"' not in text(page)
    for action in ("report", "confirm", "approve", "send-back", "rework"):
        assert f"/milestones/{milestone.id}/{action}" not in text(page), action
