"""揭榜 in a real browser: a solver writes a bid with a partner, two milestones and a response
to every indicator, submits it, uploads an attachment; after the deadline the issuer sees it and
the bureau qualifies it."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.states import Role
from challenge.timeutil import local_today
from challenge.workflow import perform
from tests.browser.helpers import login
from tests.test_bidding import PDF, open_board

pytestmark = pytest.mark.browser


def test_bidding_story(browser, live_server, make, people, shots, tmp_path):
    board = open_board(make, people)
    solver = make.user(Role.SOLVER, email="team@uni.edu.cn", name="王老师")
    db.session.commit()
    base = live_server

    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, solver.email)
    page.goto(f"{base}/challenges/{board.id}")
    page.click("text=我要揭榜")
    page.fill("#title", "梯度驻极熔喷材料")
    page.fill("#technical_approach", "双组分纺丝 + 水驻极，梯度孔结构降低阻力。")
    page.fill("#responses-0-committed_value", "99.98")
    page.fill("#responses-1-committed_value", "72")
    page.fill("#partners-0-organization", "示范市先进材料研究院")
    page.fill("#partners-0-role", "中试线验证")
    page.fill("#members-0-title", "副教授")
    page.fill("#requested", "250")
    page.fill("#budget-0-item", "材料与测试")
    page.fill("#budget-0-amount", "250")
    day = local_today()
    page.fill("#milestones-0-title", "小试")
    page.fill("#milestones-0-due", (day + timedelta(days=90)).isoformat())
    page.fill("#milestones-0-share", "40")
    page.click("#add-milestones")
    page.fill("#milestones-1-title", "中试验收")
    page.fill("#milestones-1-due", (day + timedelta(days=270)).isoformat())
    page.fill("#milestones-1-share", "50")
    page.click("button[name=submit]")
    expect(page.get_by_test_id("milestones-error")).to_contain_text("当前为 90%")
    expect(page.locator("#milestones-1-title")).to_have_value("中试验收")
    shots(page, "shares-do-not-add-up")
    page.fill("#milestones-1-share", "60")
    page.click("button[name=submit]")
    expect(page.locator(".form-check", has=page.locator("#commitment"))).to_contain_text(
        "提交前须勾选揭榜承诺（军令状）")
    page.check("#commitment")
    page.click("button[name=submit]")
    expect(page.locator(".alert-success")).to_contain_text("方案已提交（第 1 版）")
    expect(page.get_by_test_id("proposal-state")).to_have_text("已提交")

    report = tmp_path / "检测报告.pdf"
    report.write_bytes(PDF)
    page.set_input_files("#file", str(report))
    page.click("#attachments button[type=submit]")
    expect(page.get_by_test_id("attachment")).to_contain_text("检测报告.pdf")
    shots(page, "submitted-with-attachment")

    # The deadline passes; the bureau checks eligibility.
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    db.session.commit()
    bureau = browser.new_context(locale="zh-CN").new_page()
    login(bureau, base, people["admin"].email)
    bureau.goto(f"{base}/challenges/{board.id}/proposals")
    row = bureau.locator("tr", has_text="梯度驻极熔喷材料")
    expect(row).to_contain_text("示范市先进材料研究院")
    row.locator("button[value=qualify]").click()
    expect(bureau.locator(".alert-success")).to_contain_text("已记录资格审查结果")
    expect(bureau.locator("tr", has_text="梯度驻极熔喷材料")).to_contain_text("资格合格")
    shots(bureau, "eligibility")
