"""审计日志 in a real browser: the bureau opens the trail from its workbench, narrows it to one
榜, reads a change as before → after, filters by action and by dates (a bad range is explained
next to the field), and downloads the filtered trail as Excel."""

from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.posting import operations as ops
from challenge.states import ChallengeState, Role
from challenge.timeutil import end_of_local_day, local_today
from challenge.workflow import perform
from tests.browser.helpers import login
from tests.factories import challenge_values

pytestmark = pytest.mark.browser


def test_audit_trail(browser, live_server, make, shots, tmp_path):
    admin = make.user(Role.ADMIN, email="audit@bureau.cn", name="科技局王科")
    issuer = make.user(Role.ENTERPRISE, email="ops@firm.cn", name="企业张工")
    board = make.challenge(issuer, ChallengeState.DRAFT, title="高温合金叶片铸造")
    ops.update_challenge(board, issuer, challenge_values(
        title="高温合金单晶叶片铸造", bounty_fen=500_000_000), note="按专家诊断意见修改")
    perform(board, "submit", issuer)
    perform(board, "publish", admin, deadline_at=end_of_local_day(local_today() + timedelta(days=30)))
    other = make.challenge(issuer, ChallengeState.DRAFT, title="另一个榜")
    db.session.commit()

    context = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    login(page, live_server, admin.email)
    page.click("nav >> text=管理工作台")
    page.click("main a:has-text('审计日志')")
    trail = page.get_by_test_id("audit-trail")
    expect(trail).to_contain_text("创建草稿")
    shots(page, "all-events")

    # One 榜: its own history, newest first, states as labels, the edit as before → after.
    page.select_option("#type", "challenge")
    page.fill("#id", str(board.id))
    page.click("[data-testid=audit-filter] button[type=submit]")
    expect(page.get_by_test_id("total")).to_contain_text("共 4 条记录")
    rows = trail.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("发布")
    expect(rows.nth(0)).to_contain_text("待审核 → 揭榜中")
    edit = trail.locator("tbody tr", has_text="修改内容")
    expect(edit).to_contain_text("榜单名称：高温合金叶片铸造 → 高温合金单晶叶片铸造")
    expect(edit).to_contain_text("榜额：300.00 万元 → 500.00 万元")
    expect(edit).to_contain_text("按专家诊断意见修改")
    expect(edit).to_contain_text("企业张工")
    expect(trail).not_to_contain_text(f"#{other.id} ")
    shots(page, "one-challenge")

    # By action: only the publication.
    page.select_option("#action", "publish")
    page.click("[data-testid=audit-filter] button[type=submit]")
    expect(page.get_by_test_id("total")).to_contain_text("共 1 条记录")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("科技局王科")

    # A date range that ends before it starts: explained next to the field, values kept.
    page.select_option("#action", "")
    page.fill("#start", "2026-03-05")
    page.fill("#end", "2026-03-01")
    page.click("[data-testid=audit-filter] button[type=submit]")
    expect(page.get_by_test_id("error-end")).to_contain_text("结束日期不能早于开始日期")
    expect(page.locator("#start")).to_have_value("2026-03-05")
    shots(page, "bad-dates")

    # Today only (Shanghai): the 榜's four events again; then the Excel of exactly those.
    today = local_today().isoformat()
    page.fill("#start", today)
    page.fill("#end", today)
    page.click("[data-testid=audit-filter] button[type=submit]")
    expect(page.get_by_test_id("total")).to_contain_text("共 4 条记录")
    shots(page, "today")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename == f"审计日志-{today}.xlsx"
    saved = tmp_path / "trail.xlsx"
    download.save_as(saved)
    sheet = load_workbook(saved)["审计日志"]
    rows_out = [r for r in sheet.iter_rows(values_only=True)]
    assert rows_out[0][:3] == ("编号", "时间", "操作人") and len(rows_out) == 5
    assert {r[6] for r in rows_out[1:]} == {"创建草稿", "修改内容", "提交审核", "发布"}
    assert {r[5] for r in rows_out[1:]} == {board.id}
    context.close()
