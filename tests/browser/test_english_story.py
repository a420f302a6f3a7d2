"""A visitor who reads no Chinese, in a real browser set to English: finds a 榜 in the hall,
reads it, registers nothing new but signs in as a solver, writes and submits a bid, all on
English pages; every page's visible text is free of Chinese (beyond the switch's 中文)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.states import ChallengeState, Role
from challenge.timeutil import local_today
from tests.factories import PASSWORD
from tests.i18n.test_english_walk import INDICATORS, values

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def chinese_on(page) -> list[str]:
    text = page.evaluate("document.body.innerText").replace("中文", "")
    return CJK.findall(text)


def test_a_solver_finds_reads_and_bids_in_english(browser, live_server, make, shots):
    issuer = make.user(Role.ENTERPRISE, name="Chen Jing",
                       org=make.org("Fujian Textile Co.", region="Xiamen"))
    admin = make.user(Role.ADMIN, name="Admin Liu", org=make.org("Demo Bureau", region="Xiamen"))
    board = make.challenge(issuer, ChallengeState.OPEN, admin=admin,
                           **values(title="Melt-blown filter efficiency", indicators=INDICATORS))
    solver = make.user(Role.SOLVER, email="lin@fzu.example.org", name="Lin Tao",
                       org=make.org("Fuzhou University", region="Fuzhou"))
    db.session.commit()
    page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{live_server}/")  # Accept-Language: en-US, nothing chosen yet
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).to_contain_text("Melt-blown filter efficiency")
    assert chinese_on(page) == []
    shots(page, "hall-in-english")
    page.click("text=Melt-blown filter efficiency")
    expect(page.locator("main")).to_contain_text("CNY 3,000,000")
    assert chinese_on(page) == []
    shots(page, "detail-in-english")

    page.goto(f"{live_server}/auth/login")
    page.fill("#login", solver.email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    assert chinese_on(page) == []
    page.goto(f"{live_server}/challenges/{board.id}")
    page.click("main a[href$='/bid']")
    page.fill("#title", "Gradient electret melt-blown")
    page.fill("#technical_approach", "Two-component spinning and hydro-charging.")
    page.fill("#responses-0-committed_value", "99.98")
    page.fill("#responses-1-committed_value", "72")
    page.fill("#requested", "250")
    page.fill("#budget-0-item", "Materials and tests")
    page.fill("#budget-0-amount", "250")
    page.fill("#milestones-0-title", "Pilot")
    page.fill("#milestones-0-due", (local_today() + timedelta(days=90)).isoformat())
    page.fill("#milestones-0-share", "100")
    page.check("#commitment")
    assert chinese_on(page) == []
    shots(page, "bid-form-in-english")
    page.click("button[name=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("proposal-state")).to_have_text("Submitted")
    assert chinese_on(page) == []
    shots(page, "bid-submitted-in-english")
