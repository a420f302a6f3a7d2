"""签约与履约 in a real browser: the bureau drafts the contract from the winning bid, gets the
milestone shares wrong and sees why, fixes them, signs, and records a payment after the
enterprise confirms the first milestone (an overpayment is refused first); the contract page is
checked on a phone. A 赛马 board shows two teams side by side."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.awarding import operations as ops
from challenge.extensions import db
from challenge.models import Contract, LedgerEntry
from challenge.states import ChallengeState, ContractState, FundingMode
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform
from tests.browser.helpers import login

pytestmark = pytest.mark.browser


def test_admin_drafts_edits_signs_and_pays(browser, live_server, make, people, shots):
    admin, solver = people["admin"], people["solver"]
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=admin,
                           funding_mode=FundingMode.MILESTONE, title="高效熔喷过滤材料攻关")
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    make.winner(board, solver, shares=(4000, 6000))
    db.session.commit()
    base = live_server

    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, admin.email)
    page.goto(f"{base}/challenges/{board.id}")
    page.get_by_test_id("contracts-link").click()
    expect(page.locator("h1")).to_contain_text("签约与履约")
    shots(page, "board-before-draft")
    page.click("button:has-text('起草合同')")
    expect(page.locator(".alert-success")).to_contain_text("已按入选方案起草合同")
    expect(page.locator("#milestones-0-share")).to_have_value("40")

    page.fill("#amount", "120")
    page.fill("#subsidy_rate", "30")
    page.fill("#subsidy_cap", "20")
    page.fill("#milestones-1-share", "50")
    page.click("button:has-text('保存合同')")
    expect(page.get_by_test_id("milestones-error")).to_contain_text("现为 90%")
    expect(page.locator("#amount")).to_have_value("120")
    expect(page.locator("#milestones-1-share")).to_have_value("50")
    shots(page, "shares-do-not-add-up")
    page.fill("#milestones-1-share", "60")
    page.click("button:has-text('保存合同')")
    expect(page.locator(".alert-success")).to_contain_text("合同已保存")
    expect(page.get_by_test_id("amount")).to_contain_text("120.00")
    expect(page.get_by_test_id("subsidy")).to_contain_text("20.00")
    shots(page, "draft-ready-to-sign")

    page.get_by_test_id("sign").click()
    expect(page.locator(".alert-success")).to_contain_text("全部入选方案均已签约")
    contract = db.session.scalars(select(Contract)).one()
    db.session.refresh(contract)
    assert contract.state is ContractState.ACTIVE

    # The solver reports the first milestone; the enterprise confirms it.
    first = contract.milestones[0]
    perform(first, "report", solver, report="小试完成，过滤效率 99.5%")
    perform(first, "confirm", people["issuer"])
    db.session.commit()

    page.goto(f"{base}/contracts/{contract.id}")
    expect(page.locator("#pay-milestone")).to_have_value(str(first.id))
    page.fill("#pay-amount", "60")
    page.fill("#pay-reference", "银行流水 20250301")
    page.click("#pay button[type=submit]")
    expect(page.locator("#pay .invalid-feedback")).to_contain_text("超出该里程碑份额")
    expect(page.locator("#pay-amount")).to_have_value("60")
    expect(page.locator("#pay-reference")).to_have_value("银行流水 20250301")
    shots(page, "overpayment-refused")
    page.fill("#pay-amount", "48")
    page.click("#pay button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已登记付款 48.00 万元")
    expect(page.get_by_test_id("ledger")).to_contain_text("银行流水 20250301")
    expect(page.get_by_test_id("totals-enterprise")).to_contain_text("48.00")
    assert db.session.scalars(select(LedgerEntry.amount_fen)).all() == [48_000_000]
    shots(page, "payment-recorded")

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True).new_page()
    login(phone, base, admin.email)
    phone.goto(f"{base}/contracts/{contract.id}")
    expect(phone.get_by_test_id("ledger")).to_contain_text("48.00")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the contract page scrolls sideways on a phone ({width}px)"
    shots(phone, "contract-on-phone")
    for section in ("milestones", "ledger"):  # what a thumb sees, at full resolution
        phone.get_by_test_id(section).scroll_into_view_if_needed()
        phone.screenshot(path=str(shots.folder / f"{shots.count:02d}-phone-{section}.png"))

    solver_page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                      is_mobile=True).new_page()
    login(solver_page, base, solver.email)
    solver_page.goto(f"{base}/my/contracts")
    expect(solver_page.get_by_test_id("contract-cards")).to_contain_text(contract.number)
    expect(solver_page.get_by_test_id("contracts")).to_be_hidden()
    shots(solver_page, "solver-contracts-on-phone")


def test_horse_race_side_by_side_elimination_and_overdue(browser, live_server, make, people, shots):
    admin = people["admin"]
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=admin,
                           funding_mode=FundingMode.HORSE_RACE, max_winners=3,
                           title="车规级功率芯片封装赛马")
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    teams = [make.contract(board, admin, solver=people["solver"], amount_fen=100_000_000),
             make.contract(board, admin, solver=people["other_solver"], amount_fen=100_000_000),
             make.contract(board, admin, amount_fen=80_000_000)]
    for contract in teams:
        ops.sign_contract(contract, admin)
    first = teams[0].milestones[0]
    perform(first, "report", people["solver"], report="样品完成")
    perform(first, "confirm", people["issuer"])
    teams[1].milestones[0].due_on = local_today() - timedelta(days=2)  # overdue
    db.session.commit()

    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    login(page, live_server, admin.email)
    page.goto(f"{live_server}/admin/challenges/{board.id}/contracts")
    expect(page.get_by_test_id("race")).to_contain_text(teams[0].number)
    expect(page.locator("h2", has_text="赛马：各队对比")).to_be_visible()
    expect(page.get_by_test_id(f"team-{teams[1].id}").get_by_test_id("overdue")).to_be_visible()
    shots(page, "race-desktop")
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True).new_page()
    login(phone, live_server, admin.email)
    phone.goto(f"{live_server}/admin/challenges/{board.id}/contracts")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the race board scrolls sideways on a phone ({width}px)"
    shots(phone, "race-phone")

    # The overdue milestone is flagged on the bureau's dashboard and in the contract list.
    page.goto(f"{live_server}/admin/")
    expect(page.get_by_test_id("overdue-count")).to_have_text("1")
    shots(page, "admin-dashboard-overdue")
    page.click("text=查看全部逾期合同")
    expect(page.get_by_test_id("contracts")).to_contain_text(teams[1].number)
    shots(page, "overdue-contracts")

    # Team 2 is eliminated after a stage review: the page says what that means first.
    page.goto(f"{live_server}/contracts/{teams[1].id}/eliminate")
    expect(page.get_by_test_id("consequences")).to_contain_text("将全部取消")
    shots(page, "eliminate-confirm")
    page.fill("#reason", "第一阶段评审排名末位，样品未按期交付。")
    page.click("button:has-text('确认淘汰')")
    expect(page.locator(".alert-success")).to_contain_text("已淘汰")
    expect(page.get_by_test_id(f"team-{teams[1].id}")).to_contain_text("已淘汰")
    shots(page, "race-after-elimination")

    page.goto(f"{live_server}/contracts/{teams[2].id}/fail")
    page.check("input[value=recover]")
    expect(page.locator("#recovery")).to_be_visible()
    page.check("input[value=terminate]")
    expect(page.locator("#recovery")).to_be_hidden()
    shots(page, "fail-confirm")
