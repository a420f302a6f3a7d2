"""统计分析 in a real browser: the bureau opens the dashboard, reads the SVG charts (Chinese
labels in a CJK font), follows a bar to the records behind it, narrows the period, downloads
the Excel file; the same on a 390 px phone; the public page for a visitor."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login
from tests.test_stats import build_world

pytestmark = pytest.mark.browser

CJK_FONTS = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei")


def cjk_font_available(page) -> bool:
    return page.evaluate("fonts => fonts.some(f => document.fonts.check(`16px \"${f}\"`, '征集'))",
                         list(CJK_FONTS))


def text_width(page, selector: str) -> float:
    """Rendered width of an SVG text: a missing glyph font would still give boxes, so this only
    proves layout; the screenshot is looked at for the glyphs themselves."""
    return page.evaluate(f"document.querySelector({selector!r}).getBBox().width")


def test_dashboard_desktop_and_phone(browser, live_server, make, people, shots):
    build_world(make, people)
    admin = people["admin"]
    desktop = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = desktop.new_page()
    login(page, live_server, admin.email)
    page.get_by_role("link", name="统计分析").first.click()
    expect(page.locator("h1")).to_have_text("统计分析")
    page.get_by_role("link", name="全部").first.click()
    expect(page.get_by_test_id("period")).to_contain_text("全部时间")
    assert cjk_font_available(page), "no CJK font installed (apt-get install fonts-noto-cjk)"
    funnel = page.get_by_test_id("chart-funnel")
    expect(funnel.locator("svg text").first).to_have_text("征集")
    assert text_width(page, "[data-testid=chart-funnel] svg text") > 20  # 2 glyphs at 15 px
    expect(page.get_by_test_id("figure-contracted").first).to_have_text("3")
    shots(page, "dashboard-all-time")

    # A bar of the funnel leads to the records behind it, with the same total.
    funnel.locator("a").filter(has_text="签约：").click()
    expect(page.locator("h1")).to_have_text("签约榜单")
    expect(page.get_by_test_id("records-count")).to_have_text("3")
    expect(page.get_by_test_id("records").locator("tbody tr")).to_have_count(3)
    shots(page, "records-contracted")

    # Narrow to the second half of 2026 with the date fields.
    page.goto(f"{live_server}/admin/statistics")
    page.fill("#start", "2026-07-01")
    page.fill("#end", "2026-12-31")
    page.select_option("#kind", "chokepoint")
    page.click("[data-testid=stats-filter] button[type=submit]")
    expect(page.get_by_test_id("period")).to_contain_text("2026-07-01 至 2026-12-31 · 卡脖子技术")
    expect(page.get_by_test_id("figure-contracted").first).to_have_text("1")
    expect(page.get_by_test_id("figure-bounty")).to_have_text("300.00")
    shots(page, "dashboard-h2-chokepoint")
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.startswith("统计分析-")
    wb = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = {r[1].value: r[2].value for r in wb["统计指标"].iter_rows(min_row=2)}
    assert rows["签约榜单"] == 1 and rows["揭榜总金额"] == 300
    desktop.close()

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    page = phone.new_page()
    login(page, live_server, admin.email)
    page.goto(f"{live_server}/admin/statistics?period=all")
    expect(page.get_by_test_id("chart-funnel")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing spills sideways
    shots(page, "dashboard-phone")
    for part in ("stats-filter", "chart-funnel", "funnel-table", "money-cards", "chart-kind", "chart-trend",
                 "reviewer-workload"):  # close-ups to read
        page.get_by_test_id(part).screenshot(path=str(shots.folder / f"phone-{part}.png"))
    phone.close()


def test_public_statistics_page(browser, live_server, make, people, shots):
    world = build_world(make, people)
    for width in (1280, 390):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(live_server)
        page.get_by_role("link", name="统计公开").click()
        page.get_by_role("link", name="全部").first.click()
        expect(page.get_by_test_id("public-contracted")).to_have_text("3")
        body = page.locator("body").inner_text()
        assert world.f.issuer.name not in body and world.f.detail not in body
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shots(page, f"public-{width}")
        context.close()
