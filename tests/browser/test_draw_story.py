"""Seating by random draw in a real browser: the bureau asks for too small a pool and is told so
next to the box, then draws from the five best candidates; the page shows the new members and
the draw's record (head, seed, tickets), replayed as it is read, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import PanelDraw
from tests.browser.helpers import login
from tests.test_draw import board  # noqa: F401  (the fixture)
from tests.test_panels import seats

pytestmark = pytest.mark.browser


def test_draw_story(browser, live_server, people, board, shots):  # noqa: F811
    meltblown, crew = board
    base = live_server
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, base, people["admin"].email)
    page.goto(f"{base}/admin/panels/{meltblown.id}")
    expect(page.get_by_test_id("seat-count")).to_have_text("0 / 3")

    page.fill("#pool_size", "2")
    page.get_by_test_id("draw").click()
    expect(page.get_by_test_id("draw-error")).to_contain_text("候选人数应在 3 到 50 之间")
    expect(page.locator("#pool_size")).to_have_value("2")
    shots(page, "pool-too-small")

    page.fill("#pool_size", "5")
    page.get_by_test_id("draw").click()
    expect(page.locator(".alert-success")).to_contain_text("已随机抽取 3 位评审专家")
    expect(page.get_by_test_id("seat-count")).to_have_text("3 / 3")
    made = db.session.scalars(select(PanelDraw)).one()
    record = page.get_by_test_id(f"draw-{made.id}")
    expect(record.get_by_test_id("replay")).to_have_text("重放一致")
    expect(record.get_by_test_id("seed")).to_have_text(made.seed)
    expect(record.locator("tbody tr")).to_have_count(5)
    expect(record.locator("tbody tr.table-success")).to_have_count(3)
    expect(page.get_by_test_id("draw")).to_be_disabled()  # the panel is full
    shots(page, "drawn")
    assert seats(meltblown) == set(made.drawn)
    assert crew["insider"].id not in {c["reviewer"] for c in made.candidates}

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                storage_state=context.storage_state()).new_page()
    phone.goto(f"{base}/admin/panels/{meltblown.id}#draws")
    expect(phone.get_by_test_id(f"draw-{made.id}").get_by_test_id("replay")).to_have_text("重放一致")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    shots(phone, "record-on-a-phone")
    context.close()
