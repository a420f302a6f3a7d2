"""递补 and 前置兑现 in a real browser: the winner declines, the bureau promotes the runner-up
(the next bid above the pass mark) with its own 公示; after it, the runner-up's contract is
signed and the bureau pays part of the subsidy in advance — an advance over the 榜's limit is
refused next to the amount first — and the ledger shows the advance."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Contract, LedgerEntry
from challenge.reviewing.decision import decide
from challenge.states import ContractState, EntryKind, FundingMode, ProposalState
from challenge.timeutil import utcnow
from tests.browser.helpers import login
from tests.test_decision import review_board, states

pytestmark = pytest.mark.browser
WAN = 1_000_000


def test_runner_up_replaces_a_declining_winner_and_gets_an_advance(browser, live_server, client, auth,
                                                                  make, people, shots):
    admin = people["admin"]
    board, bids, bidders, _reviewers = review_board(client, auth, make, people,
                                                    [[85, 85, 85], [75, 75, 75], [50, 50, 50]])
    board.funding_mode = FundingMode.MILESTONE
    decide(board, admin, [bids[0].id], "综合得分第一。", {})
    db.session.commit()
    base = live_server

    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, admin.email)

    # the 榜's advance: 30 % of each contract's subsidy, at most 20 万; a bad share first
    page.goto(f"{base}/admin/challenges/{board.id}/contracts")
    page.get_by_test_id("advance-terms-link").click()
    page.fill("#share", "三成")
    page.fill("#cap", "20")
    page.click("#advance-terms-form button[type=submit]")
    expect(page.locator("#advance-terms-form .invalid-feedback")).to_contain_text("百分数")
    expect(page.locator("#cap")).to_have_value("20")
    page.fill("#share", "30")
    page.click("#advance-terms-form button[type=submit]")
    expect(page.get_by_test_id("advance-terms")).to_contain_text("30%")

    # 递补: the winner declines; the 75-point bid is proposed, not the 50-point one
    page.get_by_test_id(f"runner-up-{bids[0].id}").click()
    expect(page.get_by_test_id("candidate")).to_contain_text(bidders[1].organization.name)
    page.click("#runner-up-form button[type=submit]")
    expect(page.locator("#runner-up-form")).to_contain_text("请选择递补原因")
    page.get_by_label("入选方放弃").check()
    page.fill("#reason", "中标方来函书面放弃")
    shots(page, "runner-up-form")
    page.click("#runner-up-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("递补入选")
    assert states(*bids) == [ProposalState.NOT_SELECTED, ProposalState.SELECTED, ProposalState.NOT_SELECTED]
    shots(page, "runner-up-promoted")

    # its own 公示 runs; once over, the runner-up's contract is drafted and signed
    db.session.refresh(board)
    assert board.publicity_ends_at > utcnow() + timedelta(days=4)
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page.goto(f"{base}/admin/challenges/{board.id}/contracts")
    page.get_by_test_id(f"draft-{bids[1].id}").click()
    page.fill("#amount", "100")
    page.fill("#subsidy_rate", "30")
    page.fill("#subsidy_cap", "40")
    page.click("button:has-text('保存合同')")
    expect(page.get_by_test_id("subsidy")).to_contain_text("30.00")
    page.get_by_test_id("sign").click()
    contract = db.session.scalars(select(Contract).where(Contract.proposal_id == bids[1].id)).one()
    db.session.refresh(contract)
    assert contract.state is ContractState.ACTIVE

    # 前置兑现: 30 % of the 30 万 subsidy = 9 万; 9.5 is refused by the amount, 9 is recorded
    page.goto(f"{base}/contracts/{contract.id}")
    page.get_by_test_id("advance-link").click()
    expect(page.get_by_test_id("advance-limit")).to_contain_text("9.00")
    page.fill("#amount", "9.5")
    page.fill("#reference", "国库拨付 2026-001")
    page.click("#advance-form button[type=submit]")
    expect(page.locator("#advance-form .invalid-feedback")).to_contain_text("超出前置兑现额度")
    expect(page.locator("#reference")).to_have_value("国库拨付 2026-001")
    shots(page, "advance-over-limit")
    page.fill("#amount", "9")
    page.click("#advance-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已登记前置兑现")
    expect(page.get_by_test_id("ledger")).to_contain_text("前置兑现")
    expect(page.get_by_test_id("advanced")).to_contain_text("9.00")
    shots(page, "advance-in-ledger")
    assert db.session.scalars(select(LedgerEntry.amount_fen).where(
        LedgerEntry.contract_id == contract.id, LedgerEntry.kind == EntryKind.ADVANCE)).all() == [9 * WAN]
