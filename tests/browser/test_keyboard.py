"""Keyboard only: no mouse click anywhere. The skip link is the first Tab stop and lands on the
main content; a solver signs in, opens a 榜, bids on it and submits, a reviewer scores that bid,
each with Tab / Shift+Tab, Enter, Space and typing; the database holds what they entered."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Proposal, Review
from challenge.reviewing import operations as panels
from challenge.states import OrgType, ProposalState, ReviewState, Role
from challenge.timeutil import local_today
from challenge.workflow import perform
from tests import factories
from tests.factories import PASSWORD
from tests.test_bidding import open_board

pytestmark = pytest.mark.browser

FOCUSED = "s => !!document.activeElement && document.activeElement.matches(s)"


def tab_to(page, selector: str, backwards: bool = False, limit: int = 250) -> None:
    """Press Tab (Shift+Tab backwards) until the focused element matches *selector*."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(FOCUSED, selector):
            return
    pytest.fail(f"{limit} presses of {'Shift+' if backwards else ''}Tab never reached {selector}")


def type_into(page, selector: str, text: str, backwards: bool = False) -> None:
    tab_to(page, selector, backwards)
    page.keyboard.type(text)


# What the probe 01/02/2003 typed into a date input becomes, by the order the browser shows its parts.
DATE_ORDERS = {"2003-01-02": "%m/%d/%Y", "2003-02-01": "%d/%m/%Y"}


def type_date(page, selector: str, day) -> None:
    """A date input shows month, day and year in the order of the browser's own language
    (month/day/year in headless Chromium here, whatever the page's locale), moving to the next
    part on "/". Learn the order from a probe, as a person reads the parts, then leave the field
    with Shift+Tab (one press per part), come back with Tab and type the date in that order."""
    tab_to(page, selector)
    page.keyboard.type("01/02/2003")
    order = DATE_ORDERS.get(page.eval_on_selector(selector, "e => e.value"), "%Y/%m/%d")
    while page.evaluate(FOCUSED, selector):
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    page.keyboard.type(day.strftime(order))
    assert page.eval_on_selector(selector, "e => e.value") == day.isoformat()


def keyboard_page(browser):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm: Enter on the dialog's OK
    return page


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    type_into(page, "#login", email)
    type_into(page, "#password", PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("登录成功")


def test_skip_link_is_the_first_tab_stop_and_lands_on_main(browser, live_server, people, shots):
    page = keyboard_page(browser)
    for path in ("/", "/results", "/statistics", "/auth/register"):
        page.goto(f"{live_server}{path}")
        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        expect(skip).to_have_text("跳到正文")
        expect(skip).to_be_visible()  # shown while focused (hidden from the mouse otherwise)
        if path == "/":
            shots(page, "skip-link-focused")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content"
        assert page.evaluate("document.activeElement.tagName") == "MAIN"
        page.keyboard.press("Tab")  # the next stop is inside the main content, past the navbar
        assert page.evaluate("!!document.activeElement.closest('main')"), path


def test_a_solver_bids_and_a_reviewer_scores_by_keyboard_alone(browser, live_server, make, people,
                                                                  shots):
    board = open_board(make, people)
    solver = make.user(Role.SOLVER, email="keys@uni.edu.cn", name="键盘老师")
    db.session.commit()
    page = keyboard_page(browser)
    sign_in(page, live_server, solver.email)

    page.goto(f"{live_server}/challenges/{board.id}")
    tab_to(page, f"a[href$='/challenges/{board.id}/bid']")
    page.keyboard.press("Enter")
    expect(page.locator("#title")).to_be_visible()
    type_into(page, "#title", "键盘揭榜：梯度驻极熔喷")
    type_into(page, "#technical_approach", "双组分纺丝加水驻极。")
    type_into(page, "#responses-0-committed_value", "99.98")
    type_into(page, "#responses-1-committed_value", "72")
    type_into(page, "#requested", "250")
    type_into(page, "#budget-0-item", "材料与测试")
    type_into(page, "#budget-0-amount", "250")
    type_into(page, "#milestones-0-title", "中试验收")
    due = local_today() + timedelta(days=200)
    type_date(page, "#milestones-0-due", due)
    tab_to(page, "#commitment")
    page.keyboard.press("Space")
    type_into(page, "#milestones-0-share", "100", backwards=True)  # went past it: Shift+Tab back
    shots(page, "bid-filled-by-keyboard")
    tab_to(page, "button[name=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("方案已提交（第 1 版）")

    bid = db.session.scalars(select(Proposal).where(Proposal.challenge_id == board.id)).one()
    db.session.refresh(bid)
    assert bid.state is ProposalState.SUBMITTED and bid.team_lead_id == solver.id
    assert bid.title == "键盘揭榜：梯度驻极熔喷" and bid.requested_fen == 250 * 1_000_000
    assert bid.commitment_accepted_at is not None
    assert [(m.title, m.due_on, m.share_bp) for m in bid.milestones] == [("中试验收", due, 10_000)]
    assert sorted(r.committed_value for r in bid.responses) == ["72", "99.98"]

    # The deadline passes, the bureau qualifies the bid and seats a reviewer.
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    perform(bid, "qualify", people["admin"])
    reviewer = make.user(Role.REVIEWER, email="keys@inst.cn", name="键盘专家",
                         org=make.org(type=OrgType.INSTITUTE))
    factories.pledge(board, panels.seat_reviewer(board, reviewer, people["admin"]))
    db.session.commit()

    desk = keyboard_page(browser)
    sign_in(desk, live_server, reviewer.email)
    desk.goto(f"{live_server}/reviews")
    tab_to(desk, f"a[href$='/reviews/proposals/{bid.id}']")
    desk.keyboard.press("Enter")
    expect(desk.locator("#score-approach")).to_be_visible()
    scores = {"approach": 26, "indicators": 21, "team": 17, "plan": 13, "budget": 9}
    for key, points in scores.items():
        type_into(desk, f"#score-{key}", str(points))
    type_into(desk, "#comment", "路线可行，键盘评审。")
    shots(desk, "scored-by-keyboard")
    tab_to(desk, "button[name=submit]")
    desk.keyboard.press("Enter")
    expect(desk.locator(".alert-success")).to_contain_text("评分已提交")

    review = db.session.scalars(select(Review).where(Review.proposal_id == bid.id)).one()
    db.session.refresh(review)
    assert review.state is ReviewState.SUBMITTED and review.reviewer_id == reviewer.id
    assert review.scores == scores and review.total == 86
    assert review.comment == "路线可行，键盘评审。"
