"""奖榜 in a real browser: the solver reports a milestone with a file, the enterprise confirms and
the bureau approves it; then the solver fills in 验收 (a measured value and evidence per
indicator), submits it, the enterprise signs it off indicator by indicator and the bureau passes
it — the contract and the 榜 are accepted. The acceptance table is also looked at on a phone."""

import pytest
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.models import Challenge
from challenge.states import AcceptanceState, ChallengeState, ContractState
from tests.browser.helpers import login
from tests.test_award_progress import PDF, signed_contract

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def desk(browser, base, user, **options):
    context = browser.new_context(locale="zh-CN", **(options or {"viewport": {"width": 1280, "height": 900}}))
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, user.email)
    return page


def test_milestone_and_acceptance_story(browser, live_server, make, people, shots, tmp_path):
    people["solver"].name, people["issuer"].name, people["admin"].name = "王老师", "李经理", "科技局张科长"
    contract = signed_contract(make, people, shares=(10_000,))
    milestone = contract.milestones[0]
    milestone.title, milestone.deliverable = "中试验收", "中试线样品与第三方检测报告"
    db.session.commit()
    base = live_server
    report = tmp_path / "中试报告.pdf"
    report.write_bytes(PDF)
    evidence = [tmp_path / "过滤效率检测.pdf", tmp_path / "呼吸阻力检测.pdf"]
    for path in evidence:
        path.write_bytes(PDF)

    # The solver reports the milestone with a file.
    solver = desk(browser, base, people["solver"])
    solver.goto(f"{base}/milestones/{milestone.id}")
    expect(solver.get_by_test_id("milestone-state")).to_have_text("未到期/待报告")
    solver.fill("#report", "完成中试：连续运行 72 小时，过滤效率 99.98%，阻力 76Pa。")
    solver.set_input_files("#files", str(report))
    shots(solver, "solver-writes-report")
    solver.click("[data-testid=report-form] button[type=submit]")
    expect(solver.locator(".alert-success")).to_contain_text("里程碑报告已提交")
    expect(solver.get_by_test_id("milestone-state")).to_have_text("已报告，待企业确认")
    expect(solver.get_by_test_id("award-file")).to_contain_text("中试报告.pdf")

    # The enterprise reads it and confirms.
    issuer = desk(browser, base, people["issuer"])
    issuer.goto(f"{base}/milestones/{milestone.id}")
    expect(issuer.get_by_test_id("report-text")).to_contain_text("连续运行 72 小时")
    shots(issuer, "enterprise-sees-report")
    issuer.click("button:has-text('确认')")
    expect(issuer.locator(".alert-success")).to_contain_text("已确认该里程碑")
    expect(issuer.get_by_test_id("milestone-state")).to_have_text("企业已确认，待评审")

    # The bureau approves it.
    admin = desk(browser, base, people["admin"])
    admin.goto(f"{base}/milestones/{milestone.id}")
    admin.fill("#approve-note", "资料齐全，同意通过。")
    admin.click("[data-testid=approve-form] button[type=submit]")
    expect(admin.locator(".alert-success")).to_contain_text("评审通过")
    expect(admin.get_by_test_id("milestone-state")).to_have_text("评审通过")
    expect(admin.get_by_test_id("history")).to_contain_text("企业已确认，待评审 → 评审通过")
    shots(admin, "milestone-approved")

    # 验收: the solver fills in a measured value and evidence per indicator and submits.
    solver.goto(f"{base}/contracts/{contract.id}/acceptance")
    rows = solver.get_by_test_id("indicator-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("承诺≥99.97")
    solver.fill("#items-0-measured", "99.98")
    solver.set_input_files("#items-0-evidence", str(evidence[0]))
    rows.nth(0).get_by_test_id("item-upload").click()
    expect(solver.locator(".alert-success")).to_contain_text("过滤效率")
    expect(solver.locator("#items-0-measured")).to_have_value("99.98")  # typed value saved with it
    solver.click("button:has-text('提交验收')")
    expect(solver.get_by_test_id("submit-problems")).to_contain_text("指标「呼吸阻力」缺少实测值")
    expect(solver.get_by_test_id("submit-problems")).to_contain_text("指标「呼吸阻力」缺少证明材料")
    shots(solver, "acceptance-refused-with-gaps")
    solver.fill("#items-1-measured", "76")
    solver.set_input_files("#items-1-evidence", str(evidence[1]))
    solver.fill("#summary", "各项指标均达到合同约定，详见第三方检测报告。")
    solver.click("button:has-text('保存')")
    expect(solver.locator(".alert-success")).to_contain_text("验收材料已保存")
    expect(solver.get_by_test_id("indicator-row").nth(1)).to_contain_text("呼吸阻力检测.pdf")
    shots(solver, "acceptance-filled")
    phone = desk(browser, base, people["solver"], **PHONE)
    phone.goto(f"{base}/contracts/{contract.id}/acceptance")
    shots(phone, "acceptance-on-phone-solver")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.context.close()
    solver.click("button:has-text('提交验收')")
    expect(solver.locator(".alert-success")).to_contain_text("验收申请已提交")
    expect(solver.get_by_test_id("acceptance-state")).to_have_text("已提交，待企业签认")

    # The enterprise judges every indicator (on a phone) and signs off.
    signer = desk(browser, base, people["issuer"], **PHONE)
    signer.goto(f"{base}/contracts/{contract.id}/acceptance")
    signer.check("#items-0-met-0")
    signer.click("button:has-text('签认')")
    expect(signer.get_by_test_id("sign-error")).to_contain_text("请逐项判定是否达标：呼吸阻力")
    expect(signer.locator("#items-0-met-0")).to_be_checked()
    signer.check("#items-1-met-0")
    signer.fill("#opinion", "经复核，两项指标均达标，同意验收。")
    shots(signer, "enterprise-signs-off-on-phone")
    assert signer.evaluate("document.documentElement.scrollWidth") <= 390
    signer.click("button:has-text('签认')")
    expect(signer.locator(".alert-success")).to_contain_text("已签认验收")
    expect(signer.get_by_test_id("met")).to_have_count(2)

    # The bureau passes it: the contract and the 榜 are accepted.
    admin.goto(f"{base}/contracts/{contract.id}/acceptance")
    expect(admin.get_by_test_id("opinion")).to_contain_text("同意验收")
    admin.click("button:has-text('验收通过')")
    expect(admin.locator(".alert-success[role=alert]")).to_contain_text("本榜当前状态：已验收")
    expect(admin.get_by_test_id("acceptance-state")).to_have_text("验收通过")
    expect(admin.get_by_test_id("challenge-state")).to_have_text("已验收")
    shots(admin, "acceptance-passed")

    db.session.expire_all()
    board = db.session.get(Challenge, contract.challenge_id)
    assert contract.acceptance.state is AcceptanceState.PASSED
    assert contract.state is ContractState.ACCEPTED and board.state is ChallengeState.ACCEPTED
