"""发榜 in a real browser: register → post with two indicators → submit → admin publishes →
a visitor finds it by keyword → a solver requests access → the enterprise grants → the solver
signs the undertaking and reads the body → the enterprise sees the view in the log."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Organization
from challenge.states import OrgState, Role
from challenge.timeutil import local_today, utcnow
from tests.browser.helpers import confirm_email, login
from tests.factories import credit_code

pytestmark = pytest.mark.browser




def test_posting_story(browser, live_server, make, shots):
    admin = make.user(Role.ADMIN, email="admin@bureau.cn", name="科技局王处")
    solver = make.user(Role.SOLVER, email="prof@uni.edu.cn", name="李教授")
    db.session.commit()
    base = live_server

    # An enterprise registers.
    enterprise = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = enterprise.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/auth/register?role=enterprise")
    page.fill("#name", "赵总工")
    page.fill("#email", "zhao@hengtai.cn")
    page.fill("#password", "hengtai-2026!")
    page.fill("#confirm", "hengtai-2026!")
    page.fill("#org_name", "恒泰非织造材料有限公司")
    page.select_option("#org_type", "enterprise")
    page.fill("#region", "示范市高新区")
    page.fill("#credit_code", "bad-code")
    page.click("main form button[type=submit]")
    expect(page.locator("#credit_code + .invalid-feedback")).to_contain_text("统一社会信用代码")
    expect(page.locator("#org_name")).to_have_value("恒泰非织造材料有限公司")
    shots(page, "register-error-kept-input")
    page.fill("#password", "hengtai-2026!")
    page.fill("#confirm", "hengtai-2026!")
    page.fill("#credit_code", credit_code(4242))
    page.check("#accept_terms")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("注册成功")
    confirm_email(page, "zhao@hengtai.cn")
    # Fixture shortcut: the bureau has verified the new organisation (test_org_story.py walks
    # registration → verification → invitation in the browser).
    org = db.session.scalar(select(Organization).where(Organization.name == "恒泰非织造材料有限公司"))
    org.state, org.verified_at = OrgState.VERIFIED, utcnow()
    db.session.commit()

    # It posts a 榜 with two indicators and submits it for screening.
    page.click("text=发布新榜")
    page.fill("#title", "医用熔喷布过滤效率与驻极稳定性提升")
    page.select_option("#kind", "chokepoint")
    page.fill("#field", "新材料")
    page.fill("#industry_tags", "纺织服装产业链, 医用防护")
    page.fill("#summary", "需要在不增加呼吸阻力的前提下，提升熔喷非织造布的过滤效率和驻极电荷的长期稳定性。")
    page.fill("#detail", "现有产线过滤效率 95.1%，60 天后衰减至 91%；驻极电压 28kV，设备为某进口线。")
    page.fill("#indicators-0-name", "过滤效率")
    page.fill("#indicators-0-target", "≥99.97")
    page.fill("#indicators-0-unit", "%")
    page.fill("#indicators-0-method", "GB 2626-2019 NaCl 气溶胶法")
    page.click("#add-indicator")
    page.fill("#indicators-1-name", "呼吸阻力")
    page.fill("#indicators-1-target", "≤80")
    page.fill("#indicators-1-unit", "Pa")
    page.fill("#indicators-1-method", "85 L/min 流量")
    page.fill("#bounty", "300")
    page.fill("#investment", "1200")
    page.select_option("#funding_mode", "milestone")
    page.fill("#deadline", (local_today() + timedelta(days=40)).isoformat())
    page.check("#confidentiality-1")  # 脱敏
    page.fill("#contact_name", "赵工")
    page.fill("#contact_phone", "0512-66881234")
    page.fill("#bounty", "-3")
    page.click("button[name=save]")
    expect(page.locator("#bounty + .invalid-feedback")).to_contain_text("金额必须大于 0")
    expect(page.locator("#indicators-1-name")).to_have_value("呼吸阻力")
    shots(page, "post-form-error-kept-input")
    page.fill("#bounty", "300")
    page.click("button[name=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已提交科技局审核")
    expect(page.locator("h1")).to_have_text("医用熔喷布过滤效率与驻极稳定性提升")
    shots(page, "submitted")
    challenge_url = page.url

    # The bureau publishes it.
    bureau = browser.new_context(locale="zh-CN")
    admin_page = bureau.new_page()
    admin_page.on("dialog", lambda dialog: dialog.accept())
    login(admin_page, base, admin.email)
    admin_page.goto(f"{base}/admin/challenges")
    admin_page.click("text=医用熔喷布过滤效率与驻极稳定性提升")
    expect(admin_page.locator("[data-testid=indicators]")).to_contain_text("呼吸阻力")
    shots(admin_page, "admin-screening")
    admin_page.click("form[action$='/publish'] button[type=submit]")
    expect(admin_page.locator(".alert-success")).to_contain_text("已发布")

    # A visitor finds it in the hall by keyword; the issuer is hidden.
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(base)
    visitor.fill("input[name=q]", "熔喷 驻极")
    visitor.click("button:has-text('搜索')")
    expect(visitor.locator("[data-testid=result-count]")).to_contain_text("共 1 个榜")
    shots(visitor, "hall-search")
    visitor.click("text=医用熔喷布过滤效率与驻极稳定性提升")
    expect(visitor.locator("[data-testid=issuer]")).to_have_text("某企业")
    expect(visitor.locator("body")).not_to_contain_text("95.1%")
    shots(visitor, "visitor-detail")
    assert visitor.goto(f"{challenge_url}/body").status == 403

    # A solver requests access.
    lab = browser.new_context(locale="zh-CN")
    solver_page = lab.new_page()
    login(solver_page, base, solver.email)
    solver_page.goto(challenge_url)
    solver_page.click("text=申请查阅")
    solver_page.fill("#note", "课题组长期从事驻极熔喷材料研究，有中试线。")
    solver_page.click("main form button[type=submit]")
    expect(solver_page.locator(".alert-success")).to_contain_text("申请已提交")
    shots(solver_page, "solver-requested")

    # The enterprise grants it.
    page.goto(f"{challenge_url}/access")
    row = page.locator(f"[data-testid='grant-{solver.email}']")
    expect(row).to_contain_text("课题组长期从事驻极熔喷材料研究")
    row.locator("button[value=grant]").click()
    expect(page.locator(".alert-success")).to_contain_text("已同意")

    # The solver signs the undertaking once and reads the body.
    solver_page.goto(challenge_url)
    solver_page.click("text=签署保密承诺后查看")
    shots(solver_page, "undertaking")
    solver_page.check("#agree-0")
    solver_page.click("main form button[type=submit]")
    expect(solver_page.locator("[data-testid=detail]")).to_contain_text("95.1%")
    expect(solver_page.locator("[data-testid=indicators]")).to_contain_text("≤80")
    shots(solver_page, "solver-reads-body")

    # The enterprise sees the view in the access log.
    page.goto(f"{challenge_url}/access")
    expect(page.locator("[data-testid=access-log]")).to_contain_text("李教授")
    shots(page, "access-log")

    # The reviewer on a phone between meetings: the hall is readable at 390 px.
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True).new_page()
    phone.goto(base)
    expect(phone.locator("[data-testid=result-count]")).to_contain_text("共 1 个榜")
    shots(phone, "hall-phone")
    for context in (enterprise, bureau, lab):
        context.close()
