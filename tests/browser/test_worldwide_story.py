"""A 榜 published to the world, in a real browser: a visitor who reads no Chinese (English
pages) finds it in the hall by an English word, opens it and reads its English face; a solver
then bids on it with the form in English, in English words."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Proposal
from challenge.posting.rules import ENGLISH_FACE
from challenge.states import ChallengeState, ProposalState, Role
from challenge.timeutil import local_today
from tests.browser.helpers import login
from tests.test_bilingual import INDICATORS, SUMMARY_EN, TITLE_EN, english

pytestmark = pytest.mark.browser


def test_a_visitor_finds_reads_and_a_solver_bids_in_english(browser, live_server, make, people,
                                                           shots):
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                           worldwide=True, bounty_fen=300_000_000, **english())
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                   title="只有中文的榜", summary="没有英文版。")
    solver = make.user(Role.SOLVER, email="team@uni.example.org", name="Dr Alice Green")
    db.session.commit()
    base = live_server

    # A visitor reading English searches the hall by an English word.
    visitor = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{base}/?lang=en")
    expect(visitor.get_by_test_id("zh-only").first).to_be_visible()  # the Chinese-only 榜
    visitor.fill("input[name=q]", "desalination")
    visitor.press("input[name=q]", "Enter")
    card = visitor.locator("article.challenge-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(TITLE_EN)
    expect(card.get_by_test_id("worldwide")).to_be_visible()
    expect(card.get_by_test_id("zh-only")).to_have_count(0)
    shots(visitor, "english-hall-search")

    # ...opens it and reads its English face.
    card.get_by_text(TITLE_EN).click()
    expect(visitor.get_by_test_id("title")).to_have_text(TITLE_EN)
    expect(visitor.get_by_test_id("summary")).to_contain_text(SUMMARY_EN)
    indicators = visitor.get_by_test_id("indicators")
    for indicator in INDICATORS:
        expect(indicators).to_contain_text(indicator["name_en"])
    expect(visitor.get_by_test_id("title").get_by_test_id("zh-only")).to_have_count(0)
    expect(visitor.get_by_test_id("summary").get_by_test_id("zh-only")).to_have_count(0)
    expect(visitor.get_by_test_id("zh-only")).to_have_count(1)  # the body, written in Chinese
    assert visitor.title().startswith(TITLE_EN)
    shots(visitor, "english-detail")

    # A solver bids with the form in English, in English words.
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, solver.email)
    page.goto(f"{base}/challenges/{board.id}?lang=en")
    expect(page.get_by_test_id("title")).to_have_text(TITLE_EN)
    page.click(f"a[href='/challenges/{board.id}/bid']")
    form = page.locator("main form").first
    for indicator in INDICATORS:
        expect(form).to_contain_text(indicator["name_en"])
    page.fill("#title", "Crosslinked graphene oxide laminates")
    page.fill("#technical_approach", "Layer-by-layer assembly with diamine crosslinkers keeps the "
                                     "interlayer spacing stable in seawater.")
    page.fill("#responses-0-committed_value", "99.7")
    page.fill("#responses-1-committed_value", "45")
    page.fill("#members-0-title", "Professor")
    page.fill("#requested", "250")
    page.fill("#budget-0-item", "Materials and testing")
    page.fill("#budget-0-amount", "250")
    page.fill("#milestones-0-title", "Pilot module")
    page.fill("#milestones-0-due", local_today().replace(year=local_today().year + 1).isoformat())
    page.fill("#milestones-0-share", "100")
    page.check("#commitment")
    shots(page, "english-bid-form")
    page.click("button[name=submit]")
    expect(page.get_by_test_id("proposal-state")).to_be_visible()
    shots(page, "english-bid-submitted")

    proposal = db.session.scalars(select(Proposal).where(Proposal.challenge_id == board.id)).one()
    assert proposal.state is ProposalState.SUBMITTED
    assert proposal.title == "Crosslinked graphene oxide laminates"


def test_the_bureau_requires_the_english_face_to_publish_worldwide(browser, live_server, make,
                                                                   people, shots):
    """The enterprise asked for 面向全球发布 without the English face: the bureau's publish is
    refused next to the box; the bureau writes the English face in the edit form (checking it
    beside the Chinese) and publishes the 榜 worldwide."""
    board = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"],
                           worldwide=True)
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, people["admin"].email)
    page.goto(f"{live_server}/admin/challenges/{board.id}")
    expect(page.get_by_test_id("english-face-missing")).to_be_visible()
    expect(page.locator("#worldwide")).to_be_checked()  # as the enterprise asked
    page.fill("#deadline", local_today().replace(year=local_today().year + 1).isoformat())
    page.locator("form", has=page.locator("#worldwide")).locator("button[type=submit]").click()
    box = page.locator(".form-check", has=page.locator("#worldwide"))
    feedback = box.locator(".invalid-feedback")  # one line for each: title, summary, names
    expect(feedback).to_have_text([str(missing) for missing in ENGLISH_FACE.values()])
    expect(page.locator("#worldwide")).to_be_checked()
    shots(page, "refused-next-to-the-box")

    page.goto(f"{live_server}/challenges/{board.id}/edit")
    page.fill("#title_en", TITLE_EN)
    page.fill("#summary_en", SUMMARY_EN)
    page.fill("#indicators-0-name_en", "Filtration efficiency")
    shots(page, "english-face-in-the-form")
    page.click("button[name=save]")
    expect(page.get_by_test_id("screen-title-en")).to_have_text(TITLE_EN)
    expect(page.get_by_test_id("english-face")).to_contain_text("Filtration efficiency")
    shots(page, "english-beside-chinese")
    page.fill("#deadline", local_today().replace(year=local_today().year + 1).isoformat())
    page.locator("form", has=page.locator("#worldwide")).locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    db.session.expire_all()
    published = db.session.get(type(board), board.id)
    assert published.state is ChallengeState.OPEN and published.worldwide
    assert published.title_en == TITLE_EN
