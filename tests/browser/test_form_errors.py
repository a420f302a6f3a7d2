"""Form errors are linked to their fields for assistive technology (the shared field macro in
templates/_macros/forms.html): each field in error is aria-invalid and its accessible
description, as Chromium computes it, is the error text shown beside it; radio groups are
fieldsets named by their legend."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import credit_code

pytestmark = pytest.mark.browser

INVALID = {  # field id -> the error shown beside it
    "name": "请输入姓名。",
    "email": "邮箱格式不正确。",
    "phone": "请输入 11 位手机号。",
    "password": "密码至少需要",
    "confirm": "两次输入的密码不一致。",
    "accept_terms": "请阅读并同意用户协议和隐私政策。",
}


def test_six_invalid_registration_fields_each_carry_their_error(browser, live_server, app):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{live_server}/auth/register")
    expect(page.get_by_role("group", name="注册身份")).to_be_visible()  # fieldset + legend
    page.check("#role-0")
    page.fill("#email", "not-an-email")
    page.fill("#phone", "123")
    page.fill("#password", "abc")
    page.fill("#confirm", "abd")
    page.fill("#org_name", "示范市无障碍材料有限公司")
    page.fill("#region", "示范市高新区")
    page.fill("#credit_code", credit_code(9001))
    page.click("main form button[type=submit]")

    invalid = page.locator("main form .is-invalid:not([type=radio])")
    assert sorted(invalid.evaluate_all("els => els.map(e => e.id)")) == sorted(INVALID)
    for field_id, message in INVALID.items():
        control = page.locator(f"#{field_id}")
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(control).to_have_accessible_description(re.compile(re.escape(message)))
        for error_id in control.get_attribute("aria-describedby").split():
            expect(page.locator(f"#{error_id}")).to_be_visible()
    # The password's description holds its error, then its help text.
    expect(page.locator("#password")).to_have_accessible_description(re.compile("^密码至少需要.+常见密码"))
    # Fields without an error are not marked.
    expect(page.locator("#org_name")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#role-0")).not_to_have_attribute("aria-invalid", "true")
