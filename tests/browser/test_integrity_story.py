"""清廉评审 from end to end, in a real browser (issue 14's story):

the bureau sets 盲评 and seats the panel by a recorded draw → a drawn reviewer, on a phone, meets
the 评审承诺书 first, signs it and scores both bids without learning who bid → the decision page
flags the reviewer far from the rest, and the bureau acknowledges it with a reason → decision and
公示 → the bidder reads its own score, rank and the panel's comments (no reviewer names) on a
phone.

The other two drawn reviewers score through the same operations the pages call (one of them far
from the rest, so the flag is real); every other step is a person clicking."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Challenge, FlagAcknowledgement, PanelDraw, Proposal, ReviewPledge
from challenge.reviewing import scoring
from challenge.states import ChallengeState, OrgType
from challenge.workflow import perform
from tests.browser.helpers import login
from tests.factories import pledge
from tests.test_bidding import bid_form, open_board
from tests.test_decision import scores_for
from tests.test_draw import MELT
from tests.test_panels import reviewer

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# What the phone reviewer types per bid, and what the other two give (the last far below).
PHONE_SCORES = ({"approach": 24, "indicators": 20, "team": 15, "plan": 12, "budget": 8},   # 79
                {"approach": 21, "indicators": 18, "team": 14, "plan": 10, "budget": 7})   # 70
OTHERS = ((80, "驻极工艺路线清楚，中试数据可信，指标响应逐项落实。"),
          (60, "团队在熔喷方向积累不足，验证计划偏弱，建议补充中试。"))
OTHERS_SECOND = ((72, "方案可行但阻力指标论证不足，预算偏高。"), (68, "技术路线常规，创新点有限。"))


def phone_page(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


def test_draw_pledge_blind_score_anomaly_decision_feedback(browser, live_server, client, auth,
                                                          make, people, shots):
    base, admin = live_server, people["admin"]
    board = open_board(make, people)
    board.reviewers_required = 3
    bidders = [people["solver"], people["other_solver"]]
    db.session.commit()
    for bidder in bidders:  # two bids through the bid form, then the deadline passes
        auth.login(bidder)
        assert client.post(f"/challenges/{board.id}/bid", data=bid_form(board)).status_code == 302
        auth.logout()
    bids = [db.session.scalars(select(Proposal).where(Proposal.team_lead_id == b.id)).one()
            for b in bidders]
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    for bid in bids:
        perform(bid, "qualify", admin)
    for n in range(1, 6):
        reviewer(make, f"熔喷专家{n}", MELT, org=make.org(type=OrgType.INSTITUTE))
    db.session.commit()
    lead_names = [b.organization.name for b in bidders]

    # 1. The bureau sets 盲评, then seats the panel by a draw from the five best candidates.
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, admin.email)
    page.goto(f"{base}/admin/panels/{board.id}")
    page.check("#blind")
    page.get_by_test_id("blind-form").locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已设为盲评")
    page.fill("#pool_size", "5")
    page.get_by_test_id("draw").click()
    expect(page.locator(".alert-success")).to_contain_text("已随机抽取 3 位评审专家")
    made = db.session.scalars(select(PanelDraw).where(PanelDraw.challenge_id == board.id)).one()
    expect(page.get_by_test_id(f"draw-{made.id}").get_by_test_id("replay")).to_have_text("重放一致")
    shots(page, "drawn")
    drawn = [db.session.get(type(admin), i) for i in made.drawn]

    # 2. The first drawn reviewer, on a phone: the pledge before any bid, then blind scoring.
    judge = drawn[0]
    phone, mobile = phone_page(browser)
    login(mobile, base, judge.email)
    mobile.goto(f"{base}/reviews/proposals/{bids[0].id}")
    expect(mobile.get_by_test_id("pledge-text")).to_be_visible()
    mobile.get_by_label("我已阅读并承诺遵守以上评审承诺").check()
    mobile.get_by_role("button", name="签署评审承诺书").click()
    expect(mobile.get_by_test_id("blind-note")).to_be_visible()
    assert db.session.query(ReviewPledge).filter_by(reviewer_id=judge.id).count() == 1
    for bid, points in zip(bids, PHONE_SCORES, strict=True):
        mobile.goto(f"{base}/reviews/proposals/{bid.id}")
        for name in lead_names:
            assert name not in mobile.content(), name  # blind: no bidding organisation
        for key, value in points.items():
            mobile.fill(f"#score-{key}", str(value))
        mobile.fill("#comment", "指标响应具体，建议补充长期驻极稳定性数据。" if bid is bids[0]
                    else "阻力指标论证偏弱，需补充试验。")
        mobile.get_by_role("button", name="提交评分").click()
        expect(mobile.locator(".alert-success")).to_contain_text("评分已提交")
    # The page a click led to, measured once its stylesheets apply: the DOM comes first, and on a
    # busy machine this once measured 474 px, the width of this page without Bootstrap's CSS.
    mobile.wait_for_load_state("load")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(mobile, "blind-scored-on-a-phone")
    phone.close()

    # The other two sign and score through the operations the pages call; one is far below.
    pledge(board, *drawn[1:])
    for other, (first, second) in zip(drawn[1:], zip(OTHERS, OTHERS_SECOND, strict=True),
                                      strict=True):
        for bid, (total, comment) in ((bids[0], first), (bids[1], second)):
            review = scoring.save_review(other, bid, scores_for(total), comment)
            scoring.submit_review(other, review)
    db.session.commit()

    # 3. The decision page flags the outlier; deciding waits for its acknowledgement.
    page.goto(f"{base}/admin/challenges/{board.id}/decision")
    flag = page.get_by_test_id("flag-outlier")
    expect(flag).to_contain_text(drawn[2].name)
    page.locator(f"#winner-{bids[0].id}").check()
    page.fill("#reason", "综合得分第一。")
    page.click("button:has-text('确定揭榜方并公示')")
    expect(page.get_by_test_id("problems")).to_contain_text("评分异常提示未确认")
    flag = page.get_by_test_id("flag-outlier")
    flag.locator("textarea").fill("已与该专家核实：其认为中试数据不足，意见有据，不影响排序。")
    flag.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已确认该评分异常提示")
    assert db.session.query(FlagAcknowledgement).filter_by(challenge_id=board.id).count() == 1
    shots(page, "acknowledged")

    # 4. The decision, and 公示 opens.
    page.locator(f"#winner-{bids[0].id}").check()
    page.fill("#reason", "综合得分第一。")
    page.click("button:has-text('确定揭榜方并公示')")
    expect(page.locator(".alert-success")).to_contain_text("已确定 1 个揭榜方")
    db.session.expire_all()
    assert db.session.get(Challenge, board.id).state is ChallengeState.PUBLICITY
    desk.close()

    # 5. The runner-up bidder reads its own feedback on a phone: score, place, comments, no names.
    phone, mobile = phone_page(browser)
    login(mobile, base, bidders[1].email)
    mobile.goto(f"{base}/proposals/{bids[1].id}")
    feedback = mobile.get_by_test_id("feedback")
    expect(mobile.get_by_test_id("feedback-score")).to_have_text("70.00")
    expect(mobile.get_by_test_id("feedback-band")).to_have_text("第 2 名（共 2 个方案）")
    expect(mobile.get_by_test_id("feedback-comments")).to_contain_text("阻力指标论证偏弱")
    expect(mobile.get_by_test_id("feedback-comments")).to_contain_text("技术路线常规")
    for person in drawn:
        expect(feedback).not_to_contain_text(person.name)
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(mobile, "bidder-feedback")
    phone.close()
