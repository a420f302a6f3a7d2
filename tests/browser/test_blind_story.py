"""On a phone: a newly seated reviewer meets the 评审承诺书 first, signs it, then scores a bid
of a blind 榜 without ever seeing who bid (organisation, partners, people, file names)."""

import pytest
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.models import ReviewPledge
from challenge.reviewing import blind
from challenge.reviewing import operations as panels
from challenge.states import OrgType, Role
from tests.browser.helpers import login
from tests.browser.test_axe import audit, axe_context
from tests.test_blind import LEAD_ORG, SECRETS, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_pledge_then_blind_scoring_on_a_phone(browser, live_server, make, people, world, shots):  # noqa: F811
    board, (named, _plain), _pledged = world
    board.reviewers_required = 3
    reviewer = make.user(Role.REVIEWER, org=make.org(type=OrgType.UNIVERSITY), name="手机专家")
    panels.seat_reviewer(board, reviewer, people["admin"])
    blind.set_blind(board, True, people["admin"])
    db.session.commit()

    context = axe_context(browser, is_mobile=True, has_touch=True)  # axe-core on every page
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, reviewer.email)
    page.goto(f"{live_server}/reviews")
    expect(page.get_by_test_id("pledge-needed")).to_be_visible()
    shots(page, "pledge-needed")

    page.goto(f"{live_server}/reviews/proposals/{named.id}")  # a bid first sends to the pledge
    expect(page.get_by_test_id("pledge-text")).to_contain_text("不以任何方式与揭榜单位")
    page.get_by_role("button", name="签署评审承诺书").click()
    expect(page.locator("#agree-error")).to_contain_text("请勾选同意评审承诺书")
    assert audit(page) == []  # the pledge, with its error next to the box
    page.get_by_label("我已阅读并承诺遵守以上评审承诺").check()
    shots(page, "pledge")
    page.get_by_role("button", name="签署评审承诺书").click()
    expect(page.get_by_test_id("blind-note")).to_contain_text("已被遮盖")  # the score page
    assert db.session.query(ReviewPledge).filter_by(reviewer_id=reviewer.id).count() == 1
    page.wait_for_load_state("load")  # a click led here: measure once the stylesheets apply
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(page, "blind-score")
    assert audit(page) == []
    for secret in SECRETS:
        assert secret not in page.content(), secret

    for key, points in {"approach": 24, "indicators": 20, "team": 15, "plan": 12, "budget": 8}.items():
        page.fill(f"#score-{key}", str(points))
    page.get_by_role("button", name="提交评分").click()
    expect(page.locator(".alert-success")).to_contain_text("评分已提交")
    assert LEAD_ORG not in page.content()
    shots(page, "submitted")
    context.close()
