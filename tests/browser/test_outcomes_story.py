"""What came of it, in a real browser: a year after acceptance the remind-outcomes job tells the
solver its outcome report is due; the solver opens the contract, follows 成果报告, types a patent
count in words (told next to the field, nothing lost), corrects it and files; the bureau's
dashboard then shows the 技术合同成交额 and its records list names the registration."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Contract
from challenge.outcomes.operations import remind_outcomes
from challenge.states import ChallengeState
from challenge.timeutil import utcnow
from tests.browser.helpers import login
from tests.browser.test_axe import audit, axe_context

pytestmark = pytest.mark.browser


def test_solver_reports_outcomes_and_the_bureau_counts_them(browser, live_server, make, people, shots):
    board = make.challenge(people["issuer"], ChallengeState.ACCEPTED, admin=people["admin"],
                           solver=people["solver"], title="熔喷布过滤效率提升")
    contract = db.session.scalars(select(Contract).where(Contract.challenge_id == board.id)).one()
    contract.ended_at = utcnow() - timedelta(days=350)  # accepted 350 days ago: year 1 due in ~15
    db.session.commit()
    assert remind_outcomes() == 2
    db.session.commit()

    context = axe_context(browser)  # each page of the story also passes axe-core
    page = context.new_page()
    login(page, live_server, people["solver"].email)
    page.goto(f"{live_server}/me/notifications")
    expect(page.get_by_text("验收后第 1 年的成果报告将于").first).to_be_visible()
    page.goto(f"{live_server}/contracts/{contract.id}")
    page.get_by_test_id("outcomes-link").click()
    expect(page.locator("h1")).to_have_text("成果报告")
    expect(page.get_by_test_id("report-enterprise-1")).to_have_count(0)  # not the solver's to file
    assert audit(page) == []
    page.get_by_test_id("report-solver-1").click()
    page.fill("#tech_contract_no", "2027440101000123")
    page.fill("#tech_contract_amount", "123.45")
    page.fill("#results_no", "9442027Y0123")
    page.fill("#patents_filed", "三")
    page.fill("#patents_granted", "1")
    page.fill("#products", "高效低阻熔喷滤材")
    page.fill("#sales", "500")
    page.get_by_test_id("submit-outcome").click()
    expect(page.locator("#patents_filed")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#products")).to_have_value("高效低阻熔喷滤材")
    shots(page, "outcome-form-error")
    assert audit(page) == []
    page.fill("#patents_filed", "3")
    page.get_by_test_id("submit-outcome").click()
    row = page.get_by_test_id("outcome-solver-1")
    expect(row).to_contain_text("已提交")
    expect(row).to_contain_text("2027440101000123")
    expect(row).to_contain_text("3 / 1")
    shots(page, "outcome-filed")
    assert audit(page) == []
    context.close()

    context = axe_context(browser)
    page = context.new_page()
    login(page, live_server, people["admin"].email)
    page.goto(f"{live_server}/admin/statistics?period=all")
    amount = page.get_by_test_id("figure-tech_contract_amount")
    expect(amount).to_have_attribute("data-value", "123450000")
    expect(page.get_by_test_id("figure-patents_filed")).to_have_text("3")
    page.get_by_test_id("outcome-cards").scroll_into_view_if_needed()
    shots(page, "dashboard-outcomes")
    amount.click()
    expect(page.locator("h1")).to_have_text("技术合同成交额")
    expect(page.get_by_test_id("records-total")).to_have_attribute("data-value", "123450000")
    expect(page.get_by_test_id("records")).to_contain_text("2027440101000123")
    shots(page, "records-tech-contracts")
    assert audit(page) == []
    context.close()
