"""Steps every browser story takes."""

import re
from urllib.parse import urlsplit, urlunsplit

from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import OutboundEmail
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


def on_this_server(page, link: str) -> str:
    """A mailed link (built on BASE_URL) opened on the live test server the page is on."""
    here, there = urlsplit(page.url), urlsplit(link)
    return urlunsplit((here.scheme, here.netloc, there.path, there.query, there.fragment))


def confirm_email(page, address: str) -> None:
    """Open the newest confirmation link mailed to *address* (the outbox is the mailbox)."""
    body = db.session.scalars(select(OutboundEmail.body).where(
        OutboundEmail.to_address == address, OutboundEmail.body.contains("/auth/confirm/"))
        .order_by(OutboundEmail.id.desc())).first()
    assert body, f"no confirmation mailed to {address}"
    page.goto(on_this_server(page, re.search(r"https?://\S+/auth/confirm/\S+", body).group(0)))
    expect(page.locator(".alert-success")).to_contain_text("邮箱已确认")
