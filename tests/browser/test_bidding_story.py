"""揭榜 and 评榜 in a real browser: a solver writes a bid with a partner, two milestones and a
response to every indicator, submits it and uploads an attachment; after the deadline the bureau
qualifies it and assigns three reviewers; each scores; the bureau selects the winner; the public
results page shows it; an objection is filed and dismissed."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.models import ExpertProfile
from challenge.states import OrgType, Role
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

    # Three reviewers, proposed by expertise and confirmed by the bureau.
    reviewers = []
    for n in range(3):
        reviewer = make.user(Role.REVIEWER, email=f"expert{n}@inst.cn", name=f"评审专家{n + 1}",
                             org=make.org(type=OrgType.INSTITUTE))
        db.session.add(ExpertProfile(user_id=reviewer.id, name=reviewer.name,
                                     organization_id=reviewer.organization_id,
                                     organization_name=reviewer.org_name, fields="非织造材料",
                                     keywords="熔喷,驻极,过滤效率"))
        reviewers.append(reviewer)
    db.session.commit()
    bureau.on("dialog", lambda dialog: dialog.accept())
    bureau.goto(f"{base}/admin/panels")
    bureau.click("button:has-text('生成分配方案')")
    expect(bureau.get_by_test_id(f"plan-{board.id}")).to_contain_text("评审专家")
    shots(bureau, "panel-proposal")
    bureau.click("button:has-text('确认分配')")
    expect(bureau.locator(".alert-success")).to_contain_text("已分配 3 个评审席位")

    for n, reviewer in enumerate(reviewers):
        desk = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                   is_mobile=True).new_page()
        desk.on("dialog", lambda dialog: dialog.accept())
        login(desk, base, reviewer.email)
        desk.goto(f"{base}/reviews")
        desk.click("a:has-text('签署评审承诺书')")  # the 评审承诺书 before any bid
        desk.check("#agree")
        desk.click("button:has-text('签署评审承诺书')")
        desk.click("a:has-text('评分')")
        for key, points in (("approach", 25), ("indicators", 21 - n), ("team", 16), ("plan", 12),
                            ("budget", 8)):
            desk.fill(f"#score-{key}", str(points))
        desk.fill("#comment", "技术路线可行，指标响应具体。")
        if n == 0:
            shots(desk, "reviewer-scoring-on-phone")
        desk.click("button[name=submit]")
        expect(desk.locator(".alert-success")).to_contain_text("评分已提交")
        desk.context.close()

    # The bureau decides; the results are published for 公示.
    bureau.goto(f"{base}/admin/challenges/{board.id}/decision")
    bureau.locator("input[name=winner]").first.check()
    bureau.fill("#reason", "综合得分第一，指标响应全面。")
    shots(bureau, "decision")
    bureau.click("button:has-text('确定揭榜方并公示')")
    expect(bureau.locator(".alert-success")).to_be_visible()

    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{base}/results/{board.id}")
    expect(public.get_by_test_id("winners")).to_contain_text(solver.org_name)
    expect(public.locator("body")).not_to_contain_text("评审专家1")
    shots(public, "public-results")

    # Anyone signed in may object during 公示; the bureau answers.
    rival = browser.new_context(locale="zh-CN").new_page()
    login(rival, base, people["other_solver"].email)
    rival.goto(f"{base}/results/{board.id}")
    rival.fill("#objection textarea", "中标单位的中试线产能不足以支撑承诺指标。")
    rival.click("#objection button[type=submit]")
    expect(rival.locator(".alert-success")).to_be_visible()
    bureau.goto(f"{base}/admin/challenges/{board.id}/decision")
    card = bureau.locator("[data-testid^=objection-]").first
    card.locator("input[type=radio][value=dismiss]").check()
    card.locator("textarea").fill("经核实，合作单位中试线可满足要求，异议不成立。")
    card.locator("button[type=submit]").click()
    expect(bureau.locator("[data-testid^=objection-]").first).to_contain_text("已驳回")
    shots(bureau, "objection-dismissed")
