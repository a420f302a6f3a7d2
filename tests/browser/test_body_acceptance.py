"""验收 by a third-party professional body (专业机构), in a real browser: the bureau appoints the
body to the 榜 for acceptance testing, and 验收 can no longer pass on the enterprise's sign-off
alone; the body signs in (second factor), sees the 榜 it is appointed to, records the measured
value and a pass/fail per indicator with its test report, a gap first refused next to the
table; the bureau reads the finding, adopts it, and passes 验收: the contract and the 榜 are
accepted."""

import pytest
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.models import Challenge, Finding
from challenge.states import AcceptanceState, ChallengeState, ContractState, FindingState, Role
from challenge.workflow import perform
from tests.browser.helpers import login
from tests.test_award_progress import PDF, signed_contract, submitted_acceptance

pytestmark = pytest.mark.browser


def desk(browser, base, user):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, user.email)
    return page


def test_acceptance_by_a_third_party_body(browser, live_server, make, people, shots, tmp_path):
    people["admin"].name = "科技局张科长"
    body = make.user(Role.BODY, org=make.org(name="示范市产品质量检验研究院"), name="检验院刘工")
    contract = signed_contract(make, people)
    acceptance = submitted_acceptance(contract, people)
    perform(acceptance, "sign_off", people["issuer"],
            judgements={i.id: True for i in acceptance.items}, opinion="同意验收")
    db.session.commit()
    board = contract.challenge
    base = live_server
    report = tmp_path / "第三方测试报告.pdf"
    report.write_bytes(PDF)

    # The bureau appoints the body for acceptance testing from the 签约与履约 page.
    admin = desk(browser, base, people["admin"])
    admin.goto(f"{base}/admin/challenges/{board.id}/contracts")
    admin.get_by_test_id("bodies-link").click()
    admin.select_option("#body", label=f"示范市产品质量检验研究院（{body.email}）")
    admin.select_option("#purpose", "acceptance")
    admin.click("main form button:has-text('委托')")
    expect(admin.locator(".alert-success")).to_contain_text("已委托")
    expect(admin.get_by_test_id("appointments")).to_contain_text("示范市产品质量检验研究院")
    expect(admin.get_by_test_id("appointments")).to_contain_text("验收测试")
    shots(admin, "bureau-appoints-body")

    # The enterprise's sign-off alone no longer passes 验收.
    admin.goto(f"{base}/contracts/{contract.id}/acceptance")
    admin.click("button:has-text('验收通过')")
    expect(admin.locator(".alert-danger")).to_contain_text("已委托专业机构进行验收测试，其测试意见尚未提交")
    shots(admin, "pass-refused-without-finding")

    # The body signs in (second factor), finds the 榜 and records its finding.
    tester = desk(browser, base, body)
    tester.goto(f"{base}/me/")
    expect(tester.get_by_test_id("appointments")).to_contain_text(board.title)
    tester.get_by_test_id("appointments").get_by_text(board.title).click()
    tester.get_by_test_id("contracts").get_by_text(contract.number).click()  # the solver's file
    expect(tester.locator("main")).to_contain_text("证明.pdf")
    expect(tester.locator("main form")).to_have_count(0)  # it reads; it acts on nothing there
    shots(tester, "body-reads-acceptance-file")
    tester.go_back()
    tester.click("a:has-text('提交意见')")
    first, second = board.indicators
    tester.fill(f"#measured_{first.id}", "99.98")
    tester.check(f"input[name=met_{first.id}][value='1']")
    tester.fill("#summary", "按 GB 2626 方法在本院实验室测试，两项指标均达到合同约定。")
    tester.check("#passed-0")
    tester.set_input_files("#files", str(report))
    tester.click("main form button:has-text('提交')")
    expect(tester.get_by_test_id("item-error")).to_contain_text("指标「呼吸阻力」需填写实测值并判定是否达标")
    expect(tester.locator(f"#measured_{first.id}")).to_have_value("99.98")
    shots(tester, "body-gap-refused")
    tester.fill(f"#measured_{second.id}", "76")
    tester.check(f"input[name=met_{second.id}][value='1']")
    tester.set_input_files("#files", str(report))  # a browser never keeps a chosen file
    tester.click("main form button:has-text('提交')")
    expect(tester.locator(".alert-success")).to_contain_text("意见已提交，待科技局采纳或改判")
    expect(tester.get_by_test_id("finding-items")).to_contain_text("76")
    expect(tester.get_by_test_id("finding-state")).to_have_text("待科技局认定")
    shots(tester, "body-finding-recorded")

    # The bureau reads it, adopts it and passes 验收.
    admin.goto(f"{base}/admin/challenges/{board.id}/bodies")
    admin.get_by_test_id("findings").get_by_text("查看").click()
    expect(admin.locator("main")).to_contain_text("第三方测试报告.pdf")
    shots(admin, "bureau-reads-finding")
    admin.get_by_test_id("adopt").click()
    expect(admin.locator(".alert-success")).to_contain_text("已采纳该意见")
    expect(admin.get_by_test_id("final")).to_have_text("通过")
    admin.goto(f"{base}/contracts/{contract.id}/acceptance")
    admin.click("button:has-text('验收通过')")
    expect(admin.get_by_test_id("acceptance-state")).to_have_text("验收通过")
    expect(admin.get_by_test_id("challenge-state")).to_have_text("已验收")
    shots(admin, "acceptance-passed")

    db.session.expire_all()
    finding = db.session.query(Finding).one()
    assert finding.state is FindingState.ADOPTED and finding.final_passed is True
    assert [i.measured_value for i in finding.items] == ["99.98", "76"]
    assert contract.acceptance.state is AcceptanceState.PASSED
    assert contract.state is ContractState.ACCEPTED
    assert db.session.get(Challenge, board.id).state is ChallengeState.ACCEPTED
