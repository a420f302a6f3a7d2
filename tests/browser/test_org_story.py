"""Organisations in a real browser: a university registers (its licence uploaded) → the bureau
downloads the licence and verifies it → the org admin invites a colleague by e-mail → the
colleague opens the mailed link, registers and is a member; the link then is used up."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Organization, OutboundEmail
from challenge.states import OrgState, Role
from tests.browser.helpers import confirm_email, login, on_this_server
from tests.factories import credit_code

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_org_story(browser, live_server, make, shots, tmp_path):
    admin = make.user(Role.ADMIN, email="admin@bureau.cn", name="科技局王处")
    db.session.commit()
    base = live_server
    licence = tmp_path / "江淮理工-法人证书.pdf"
    licence.write_bytes(PDF)

    # The first person of a university registers it and becomes its org admin.
    first = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = first.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/auth/register")
    page.check("#role-1")  # 揭榜方
    page.fill("#name", "徐明远")
    page.fill("#email", "xu@jhu.edu.cn")
    page.fill("#password", "jianghuai-2026!")
    page.fill("#confirm", "jianghuai-2026!")
    page.check("#org_choice-0")  # 登记新单位
    page.fill("#org_name", "江淮理工大学")
    page.select_option("#org_type", "university")
    page.fill("#region", "示范市大学城")
    page.fill("#credit_code", credit_code(9090))
    page.set_input_files("#licence", str(licence))
    page.check("#accept_terms")
    shots(page, "register-new-organisation")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("您是单位管理员")
    confirm_email(page, "xu@jhu.edu.cn")
    expect(page.get_by_test_id("org-gate")).to_contain_text("待科技局认证")
    page.goto(f"{base}/org")
    expect(page.get_by_test_id("org-state")).to_have_text("待认证")
    shots(page, "org-pending")

    # The bureau reads the licence and verifies the organisation.
    bureau = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    admin_page = bureau.new_page()
    admin_page.on("dialog", lambda dialog: dialog.accept())
    login(admin_page, base, admin.email)
    admin_page.click("nav >> text=单位认证")
    expect(admin_page.get_by_test_id("org-queue")).to_contain_text("江淮理工大学")
    shots(admin_page, "bureau-queue")
    admin_page.click("text=江淮理工大学")
    with admin_page.expect_download() as download:
        admin_page.get_by_test_id("licence").click()
    assert download.value.suggested_filename == "江淮理工-法人证书.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    shots(admin_page, "bureau-review")
    admin_page.click("button:has-text('认证通过')")
    expect(admin_page.locator(".alert-success")).to_contain_text("已认证")
    org = db.session.scalar(select(Organization).where(Organization.name == "江淮理工大学"))
    assert org.state is OrgState.VERIFIED and org.verified_by_id == admin.id

    # The org admin is told, and invites a colleague by e-mail.
    page.goto(f"{base}/me/notifications")
    expect(page.locator("main")).to_contain_text("已通过科技局认证")
    page.goto(f"{base}/org")
    expect(page.get_by_test_id("org-state")).to_have_text("已认证")
    expect(page.get_by_test_id("org-gate")).to_have_count(0)
    page.fill("#email", "song@jhu.edu.cn")
    page.click("button:has-text('发送邀请')")
    expect(page.locator(".alert-success")).to_contain_text("邀请邮件已发送")
    expect(page.get_by_test_id("invitation")).to_contain_text("song@jhu.edu.cn")
    shots(page, "org-admin-invited")
    mail = db.session.scalar(select(OutboundEmail).where(OutboundEmail.to_address == "song@jhu.edu.cn"))
    link = on_this_server(page, re.search(r"http://\S+/org/invitations/accept/\S+", mail.body).group(0))
    assert link.startswith(base)

    # The colleague opens the mailed link, registers and is a member at once.
    colleague = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    other = colleague.new_page()
    other.goto(link)
    shots(other, "invitation-landing")
    other.click("text=注册新账号并加入")
    expect(other.get_by_test_id("invitation")).to_contain_text("江淮理工大学")
    expect(other.locator("#email")).to_have_value("song@jhu.edu.cn")
    other.fill("#name", "宋佳怡")
    other.fill("#password", "lotus-river-2026!")
    other.fill("#confirm", "lotus-river-2026!")
    other.check("#accept_terms")
    shots(other, "register-with-invitation")
    other.click("main form button[type=submit]")
    expect(other.locator(".alert-success")).to_contain_text("您已通过邀请加入「江淮理工大学」")
    other.goto(f"{base}/org")
    expect(other.get_by_test_id("member")).to_have_count(2)
    shots(other, "colleague-is-member")

    # The org admin sees the new member; the link cannot be used again.
    page.goto(f"{base}/org")
    expect(page.get_by_test_id("members")).to_contain_text("宋佳怡")
    shots(page, "org-admin-members")
    reuse = browser.new_context(locale="zh-CN").new_page()
    reuse.goto(link)
    expect(reuse.get_by_test_id("invitation-problem")).to_contain_text("已被使用")
    for context in (first, bureau, colleague):
        context.close()
