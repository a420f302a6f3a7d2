"""Accounts in a real browser: a solver who forgot the password guesses until sign-in is
refused, asks for a link, opens the mail (the outbox), sets a new password and signs in with it at
once; a new admin is sent to enrol in two-factor sign-in, scans the offline QR code (the test
computes the code from the secret shown), keeps the recovery codes, and from then on signs in with
a code; a registrant must accept the terms and confirm the address before acting."""

import re

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import OutboundEmail
from challenge.states import Role
from tests.browser.helpers import login, on_this_server
from tests.factories import credit_code, totp_code

pytestmark = pytest.mark.browser


def test_forgotten_password_to_signed_in(browser, live_server, make, shots):
    solver = make.user(Role.SOLVER, email="li.wei@jh.edu.cn", name="李伟")
    db.session.commit()
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860}).new_page()
    page.goto(f"{live_server}/auth/login")
    for attempt in range(6):  # five wrong guesses, then the account is refused for a while
        page.fill("#login", solver.email)
        page.fill("#password", f"i-forgot-it-{attempt}")
        page.click("main form button[type=submit]")
    expect(page.get_by_test_id("throttled")).to_contain_text("登录失败次数过多")
    expect(page.get_by_test_id("throttled")).to_contain_text("忘记密码")
    shots(page, "locked-out")
    page.click("text=忘记密码？")
    page.fill("#email", solver.email)
    shots(page, "forgot")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-info")).to_contain_text("重设密码的链接已发往该邮箱")
    shots(page, "link-sent")

    body = db.session.scalars(select(OutboundEmail.body).where(
        OutboundEmail.to_address == solver.email)).one()
    link = on_this_server(page, re.search(r"https?://\S+/auth/reset/\S+", body).group(0))
    page.goto(link)
    page.fill("#password", "qwertyuiop")
    page.fill("#confirm", "qwertyuiop")
    page.click("main form button[type=submit]")
    expect(page.locator(".invalid-feedback")).to_contain_text("该密码过于常见")
    shots(page, "common-password-refused")
    page.fill("#password", "river-stone-42")
    page.fill("#confirm", "river-stone-42")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("密码已重设")
    shots(page, "reset-done")

    login(page, live_server, solver.email, "river-stone-42")
    expect(page.locator("nav")).to_contain_text("李伟")
    shots(page, "signed-in")
    page.goto(link)  # the link worked once
    expect(page.locator("main")).to_contain_text("无效、已过期或已经用过")


def test_admin_enrols_in_two_factor_on_first_sign_in(browser, live_server, make, shots):
    admin = make.user(Role.ADMIN, email="zhou@bureau.cn", name="周科长")
    admin.totp_secret = admin.totp_enabled_at = None  # a new admin: nothing enrolled yet
    db.session.commit()
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server}/auth/login")
    page.fill("#login", admin.email)
    page.fill("#password", "correct-horse-9")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/auth/two-factor/setup$"))
    expect(page.locator("main")).to_contain_text("管理员账号必须开启两步验证")
    expect(page.get_by_test_id("totp-qr").locator("svg path")).to_have_count(1)
    shots(page, "enrol")
    page.goto(f"{live_server}/admin/")  # nothing else until enrolled
    expect(page).to_have_url(re.compile(r"/auth/two-factor/setup$"))

    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main form button[type=submit]")
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    first_codes = codes.all_inner_texts()
    shots(page, "recovery-codes")
    page.click("text=我已保存，继续")
    expect(page.locator("nav")).to_contain_text("管理工作台")
    shots(page, "admin-workbench")

    page.click("nav .dropdown-toggle")
    page.click("nav button:has-text('退出登录')")
    page.goto(f"{live_server}/auth/login")
    page.fill("#login", admin.email)
    page.fill("#password", "correct-horse-9")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/auth/two-factor"))
    shots(page, "code-step")
    page.fill("#code", totp_code(admin.email))  # the enrolment spent the current code
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("登录成功")
    page.goto(f"{live_server}/auth/security")
    expect(page.get_by_test_id("2fa-status")).to_contain_text("已开启")
    shots(page, "security-page")
    page.fill("#renew-code", totp_code(admin.email))
    page.click("text=更换恢复码")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    assert not set(page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()) & set(
        first_codes)


def test_registration_needs_consent_and_a_confirmed_address(browser, live_server, shots):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1100}).new_page()
    page.goto(f"{live_server}/auth/register?role=solver")
    page.fill("#name", "赵敏")
    page.fill("#email", "zhao.min@hz.edu.cn")
    page.fill("#password", "lotus-bridge-88")
    page.fill("#confirm", "lotus-bridge-88")
    page.fill("#org_name", "湖州理工学院")
    page.select_option("#org_type", "university")
    page.fill("#region", "示范市")
    page.fill("#credit_code", credit_code(9191))
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("请阅读并同意用户协议和隐私政策")
    shots(page, "consent-missing")
    page.fill("#password", "lotus-bridge-88")
    page.fill("#confirm", "lotus-bridge-88")
    page.check("#accept_terms")
    page.click("main form button[type=submit]")
    expect(page.locator("main h1")).to_have_text("请查收确认邮件")
    shots(page, "check-your-mail")
    page.goto(f"{live_server}/me/")
    expect(page).to_have_url(re.compile(r"/auth/unconfirmed$"))

    body = db.session.scalars(select(OutboundEmail.body).where(
        OutboundEmail.to_address == "zhao.min@hz.edu.cn")).one()
    page.goto(on_this_server(page, re.search(r"https?://\S+/auth/confirm/\S+", body).group(0)))
    expect(page.locator(".alert-success")).to_contain_text("邮箱已确认")
    shots(page, "confirmed")
