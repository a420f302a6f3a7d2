"""Issue 14 items 5 and 6 in a real browser: the bureau finds a complete panel on its dashboard's
to-do list, opens it, rates a reviewer (a missing mark is explained next to its box), and once
the decision opens 公示 the bidder reads its own feedback on a phone."""

import pytest
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.models import Review, ReviewerRating
from challenge.reviewing.decision import decide
from tests.browser.helpers import login
from tests.test_decision import review_board

pytestmark = pytest.mark.browser


def test_to_do_rating_and_feedback(browser, live_server, client, auth, make, people, shots):
    board, bids, bidders, reviewers = review_board(client, auth, make, people,
                                                   [[80, 82, 78], [70, 72, 68]])
    db.session.execute(Review.__table__.update().where(Review.proposal_id == bids[0].id,
                                                       Review.reviewer_id == reviewers[0].id)
                       .values(comment="技术路线清晰，指标论证充分。"))
    db.session.commit()

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
    page = desk.new_page()
    login(page, live_server, people["admin"].email)
    page.click("nav >> text=管理工作台")
    todo = page.get_by_test_id("todo-decide")
    expect(todo).to_contain_text("评审完成待确定揭榜方")
    expect(todo).to_contain_text(board.title)
    shots(page, "dashboard-to-do")
    todo.get_by_role("link", name=board.title).click()
    expect(page).to_have_url(f"{live_server}/admin/challenges/{board.id}/decision")

    # The 榜's admin page leads to the panel's due date and ratings.
    page.goto(f"{live_server}/admin/challenges/{board.id}")
    page.get_by_test_id("review-links").get_by_role("link", name="评审期限与评价").click()
    expect(page.get_by_test_id("review-due-on")).to_have_text(board.review_due_on.isoformat())
    row = page.get_by_test_id(f"rate-{reviewers[0].id}")
    row.locator("select[name=timeliness]").select_option("5")
    row.locator("input[name=note]").fill("按期提交，意见具体")
    row.get_by_role("button", name="保存评价").click()
    row = page.get_by_test_id(f"rate-{reviewers[0].id}")
    expect(row.locator(".invalid-feedback")).to_have_text("请选择 1 到 5 分。")
    expect(row.locator("select[name=timeliness]")).to_have_value("5")  # nothing typed is lost
    expect(row.locator("input[name=note]")).to_have_value("按期提交，意见具体")
    shots(page, "rating-refused")
    row.locator("select[name=quality]").select_option("4")
    row.get_by_role("button", name="保存评价").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存对")
    expect(page.get_by_test_id(f"rating-{reviewers[0].id}")).to_contain_text(
        "按时程度 5 / 5，意见质量 4 / 5")
    shots(page, "rated")
    desk.close()
    db.session.expire_all()
    assert db.session.query(ReviewerRating).count() == 1

    decide(board, people["admin"], [bids[0].id], "综合得分第一。", {})
    db.session.commit()

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    page = phone.new_page()
    login(page, live_server, bidders[0].email)
    page.goto(f"{live_server}/proposals/{bids[0].id}")
    feedback = page.get_by_test_id("feedback")
    expect(page.get_by_test_id("feedback-score")).to_have_text("80.00")
    expect(page.get_by_test_id("feedback-band")).to_have_text("第 1 名（共 2 个方案）")
    expect(page.get_by_test_id("feedback-comments")).to_contain_text("技术路线清晰，指标论证充分。")
    for reviewer in reviewers:
        expect(feedback).not_to_contain_text(reviewer.name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    shots(page, "bidder-feedback-phone")
    phone.close()
