"""Steps every browser story takes."""

from playwright.sync_api import expect

from tests.factories import PASSWORD


def login(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#login", email)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("登录成功")
