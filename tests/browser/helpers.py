"""Steps every browser story takes."""

from playwright.sync_api import expect

from tests.factories import PASSWORD, totp_code


def login(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Sign in; an account with two-factor sign-in (every admin) types its authenticator's code."""
    page.goto(f"{base}/auth/login")
    page.fill("#login", email)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if "/auth/two-factor" in page.url:
        page.fill("#code", totp_code(email))
        page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("登录成功")
