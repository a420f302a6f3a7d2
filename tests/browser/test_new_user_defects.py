"""The new user's defects (issue 11, item 8) looked at in a real browser: a draft saved with only
its title; the eligible organisation types ticked again on the edit page and kept through the
bureau's wording edit; the error banner counting two wrong fields; attachment sizes in Chinese;
the 回避 button only on a panel that still works."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Challenge, Proposal
from challenge.states import ChallengeState, Role
from tests.browser.helpers import login
from tests.test_bidding import PDF, bid_form, open_board
from tests.test_new_user_defects import seated_panel

pytestmark = pytest.mark.browser


def new_page(browser):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def type_box(page, value: str):
    return page.locator(f"input[name=eligible_org_types][value={value}]")


def test_a_draft_keeps_its_eligible_types_through_every_edit(browser, live_server, people, shots):
    base = live_server
    page = new_page(browser)
    login(page, base, people["issuer"].email)

    # A draft with nothing but its title is saved.
    page.goto(f"{base}/challenges/new")
    page.fill("#title", "高纯石英坩埚寿命提升")
    page.click("button[name=save]")
    expect(page.locator(".alert-success")).to_contain_text("草稿已保存")
    expect(page.locator("#title")).to_have_value("高纯石英坩埚寿命提升")
    expect(page.locator("#bounty")).to_have_value("")
    shots(page, "draft-with-only-a-title")

    # Restricted to universities and institutes, saved, and ticked again when reopened.
    type_box(page, "university").check()
    type_box(page, "institute").check()
    page.fill("#qualifications", "具有 CNAS 认可实验室\n近三年无失信记录")
    page.click("button[name=save]")
    expect(page.locator(".alert-success")).to_contain_text("修改已保存")
    page.reload()
    expect(type_box(page, "university")).to_be_checked()
    expect(type_box(page, "institute")).to_be_checked()
    expect(type_box(page, "enterprise")).not_to_be_checked()
    shots(page, "eligible-types-ticked-again")

    # Submitting the incomplete draft: each missing field says so, and the banner counts them.
    page.click("button[name=submit]")
    expect(page.locator("#summary + .invalid-feedback")).to_contain_text("请填写公开摘要")
    expect(page.locator("#bounty + .invalid-feedback")).to_contain_text("请填写金额")
    expect(page.get_by_test_id("error-summary")).to_contain_text("有 8 处需要修改")
    shots(page, "submit-shows-what-is-missing")

    # Two wrong fields, one a row of the indicator list: the banner says 2.
    page.fill("#field", "新材料")
    page.fill("#summary", "提升光伏用石英坩埚在长时拉晶下的使用寿命。")
    page.fill("#detail", "现有坩埚 300 小时后析晶，需达到 500 小时。")
    page.fill("#indicators-0-name", "使用寿命")
    page.fill("#bounty", "200")
    page.fill("#investment", "600")
    page.fill("#contact_name", "周工")
    page.fill("#contact_phone", "123")
    page.click("button[name=submit]")
    expect(page.get_by_test_id("error-summary")).to_contain_text("有 2 处需要修改")
    expect(page.locator("#indicators-0-target + .invalid-feedback")).to_contain_text("必填")
    shots(page, "banner-counts-two")
    page.fill("#indicators-0-target", "≥500")
    page.fill("#contact_phone", "13800001111")
    page.click("button[name=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已提交科技局审核")

    # The bureau edits the wording during screening; the restriction stays.
    challenge = db.session.scalars(select(Challenge)).one()
    bureau = new_page(browser)
    login(bureau, base, people["admin"].email)
    bureau.goto(f"{base}/challenges/{challenge.id}/edit")
    expect(type_box(bureau, "university")).to_be_checked()
    bureau.fill("#summary", "提升光伏单晶拉制用石英坩埚的使用寿命。")
    bureau.fill("#edit_note", "凝练表述")
    bureau.click("button[name=save]")
    expect(bureau.locator(".alert-success")).to_contain_text("已保存修改（1 项）")
    shots(bureau, "bureau-wording-edit")
    db.session.expire_all()
    saved = db.session.get(Challenge, challenge.id)
    assert saved.state is ChallengeState.SCREENING
    assert saved.eligible_org_types == "university,institute"
    assert saved.qualifications == "具有 CNAS 认可实验室\n近三年无失信记录"


def test_attachment_sizes_read_in_chinese(browser, live_server, client, auth, make, people, shots,
                                          tmp_path):
    board = open_board(make, people)
    auth.login(people["solver"])
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    proposal_id = db.session.scalar(select(Proposal.id))
    page = new_page(browser)
    login(page, live_server, people["solver"].email)
    page.goto(f"{live_server}/proposals/{proposal_id}")
    for name, size in (("检测报告.pdf", 303), ("附录.pdf", 1229)):
        file = tmp_path / name
        file.write_bytes(PDF + b"%" * (size - len(PDF)))
        page.set_input_files("#file", str(file))
        page.get_by_role("button", name="上传").click()
        expect(page.locator(".alert-success")).to_contain_text("附件已上传")
    expect(page.locator("#attachments")).to_contain_text("303 字节")
    expect(page.locator("#attachments")).to_contain_text("1.2 KB")
    expect(page.locator("#attachments")).to_contain_text("单个不超过 10 MB")
    expect(page.locator("body")).not_to_contain_text("Bytes")
    shots(page, "attachment-sizes")


def test_the_conflict_button_shows_only_on_a_working_panel(browser, live_server, make, people,
                                                           shots):
    working = seated_panel(make, people, "open", title="仍在评审的榜")
    people["issuer"] = make.user(Role.ENTERPRISE, name="另一发榜人")
    db.session.commit()
    decided = seated_panel(make, people, "decided", title="已公示的榜")
    page = new_page(browser)
    login(page, live_server, people["reviewer"].email)
    page.goto(f"{live_server}/me/")
    seats = page.get_by_test_id("seats")
    expect(seats.locator(f'a[href="/reviews/seats/{working.id}/decline"]')).to_be_visible()
    expect(seats.locator(f'a[href="/reviews/seats/{decided.id}/decline"]')).to_have_count(0)
    expect(seats.get_by_role("link", name="声明回避")).to_have_count(1)
    expect(seats.locator("tr", has_text="已公示的榜")).to_contain_text("评审已结束")
    expect(seats.locator("tr", has_text="仍在评审的榜")).not_to_contain_text("评审已结束")
    shots(page, "one-conflict-button")
    page.goto(f"{live_server}/reviews/seats/{decided.id}/decline")
    expect(page.locator("body")).to_contain_text("403")
