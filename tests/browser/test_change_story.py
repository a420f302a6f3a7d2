"""Issue 15 item 6 in a real browser: the bureau extends an open 榜's deadline (a date before the
current one is refused next to its field first) and the 榜 page shows the extension with its
date; after signing, the solver asks to move a milestone and change the budget (a malformed
budget line refused first), the enterprise agrees, the bureau approves, and the contract's
version history shows what changed."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.models import ContractMilestone
from challenge.states import ChallengeState
from tests.browser.helpers import login
from tests.test_award_progress import signed_contract

pytestmark = pytest.mark.browser


def new_page(browser, base, user):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, user.email)
    return page


def test_extension_then_a_contract_change_approved(browser, live_server, make, people, shots):
    base = live_server
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                           title="高精度减速器攻关")
    old_day = board.deadline_at.date()
    contract = signed_contract(make, people)
    second = contract.milestones[1]
    moved = second.due_on + timedelta(days=45)

    admin = new_page(browser, base, people["admin"])
    admin.goto(f"{base}/challenges/{board.id}")
    admin.get_by_test_id("addenda-link").click()
    admin.fill("#ext-deadline", (old_day - timedelta(days=2)).isoformat())
    admin.click("[data-testid=extension-form] button[type=submit]")
    expect(admin.locator("[data-testid=extension-form] .invalid-feedback")).to_contain_text(
        "必须晚于原截止时间")
    shots(admin, "extension-refused")
    admin.fill("#ext-deadline", (old_day + timedelta(days=14)).isoformat())
    admin.fill("#ext-note", "应多家单位请求，截止时间顺延两周。")
    admin.click("[data-testid=extension-form] button[type=submit]")
    expect(admin.locator(".alert-success")).to_contain_text("已延长截止时间")
    expect(admin.get_by_test_id("addenda")).to_contain_text("应多家单位请求")
    expect(admin.get_by_test_id("addenda")).to_contain_text(
        (old_day + timedelta(days=14)).isoformat())
    shots(admin, "extension-on-the-board")

    solver = new_page(browser, base, people["solver"])
    solver.goto(f"{base}/contracts/{contract.id}")
    solver.get_by_test_id("changes-link").click()
    solver.fill(f"#due_{second.id}", moved.isoformat())
    solver.fill("#budget", "设备费 | 很多")
    solver.fill("#reason", "进口设备到货延迟")
    solver.click("[data-testid=change-form] button[type=submit]")
    expect(solver.locator("#budget ~ .invalid-feedback, .invalid-feedback")).to_contain_text("第 1 行金额")
    expect(solver.locator("#reason")).to_have_value("进口设备到货延迟")
    solver.fill("#budget", "设备费 | 30 | 进口\n测试费 | 5")
    solver.click("[data-testid=change-form] button[type=submit]")
    expect(solver.locator(".alert-success")).to_contain_text("等待合同另一方确认")
    expect(solver.get_by_test_id("change-state")).to_contain_text("待对方确认")
    shots(solver, "change-requested")
    link = solver.url

    issuer = new_page(browser, base, people["issuer"])
    issuer.goto(link)
    issuer.get_by_test_id("cr-agree").click()
    expect(issuer.get_by_test_id("change-state")).to_contain_text("待科技局审批")

    admin.goto(link)
    admin.get_by_test_id("cr-approve").click()
    expect(admin.get_by_test_id("change-state")).to_contain_text("已批准")
    db.session.expire_all()
    assert db.session.get(ContractMilestone, second.id).due_on == moved

    solver.goto(f"{base}/contracts/{contract.id}/versions")
    latest = solver.get_by_test_id("version").first
    expect(latest).to_contain_text("第 2 版")
    expect(latest).to_contain_text(moved.isoformat())
    expect(latest).to_contain_text("设备费 30.00 万元；测试费 5.00 万元")
    expect(solver.get_by_test_id("version")).to_have_count(2)
    shots(solver, "contract-versions")
