"""A failed contract in a real browser, closing the loop: the bureau fails it under the withhold
rule, records a third-party body's diligent determination, releases the withheld money; the
enterprise uploads its R&D spend receipt; the bureau verifies part of it, sets the 榜's cap, is
refused one 分 over the compensation limit, and pays the 风险补偿."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.awarding.rules import contract_totals
from challenge.extensions import db
from challenge.models import LedgerEntry
from challenge.states import ChallengeState, ContractState, EntryKind, FundingMode, MilestoneState, Payer
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform
from tests.browser.helpers import login

pytestmark = pytest.mark.browser
WAN = 1_000_000
PDF = b"%PDF-1.4\n% R&D receipt\n"


def test_failure_then_diligent_determination_then_compensation_paid(browser, live_server, make,
                                                                    people, shots):
    admin, issuer, solver = people["admin"], people["issuer"], people["solver"]
    board = make.challenge(issuer, ChallengeState.PUBLICITY, admin=admin, title="高效熔喷过滤材料攻关",
                           funding_mode=FundingMode.MILESTONE)
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    contract = make.contract(board, admin, solver=solver, sign=True, shares=(4000, 6000),
                             amount_fen=100 * WAN)
    first = contract.milestones[0]
    for action, actor in (("report", solver), ("confirm", issuer)):
        perform(first, action, actor, report="小试完成")
    db.session.commit()
    assert first.state is MilestoneState.CONFIRMED
    base = live_server

    bureau = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    bureau.on("dialog", lambda dialog: dialog.accept())
    login(bureau, base, admin.email)
    bureau.goto(f"{base}/contracts/{contract.id}/fail")
    bureau.check("input[name=rule][value=withhold]")
    bureau.fill("#reason", "核心团队解散，中试无法进行")
    bureau.click("#fail-form button[type=submit]")
    expect(bureau.locator(".alert-success")).to_contain_text("已判定失败")
    expect(bureau.get_by_test_id("withheld")).to_contain_text("40.00")

    bureau.get_by_test_id("diligence-link").click()
    expect(bureau.locator("h1")).to_contain_text("尽职认定与风险补偿")
    bureau.check("input[name=verdict][value=diligent]")
    bureau.check("input[name=determined_by][value=third_party]")
    bureau.fill("#determiners", "示范市科技评估中心")
    bureau.fill("#reasons", "研发投入到位、过程记录完整，失败系技术路线风险")
    bureau.set_input_files("#evidence", files=[{"name": "评估报告.pdf", "mimeType": "application/pdf",
                                                 "buffer": PDF}])
    shots(bureau, "determination-form")
    bureau.click("#determination-form button[type=submit]")
    expect(bureau.locator(".alert-success")).to_contain_text("已登记尽职认定")
    expect(bureau.get_by_test_id("verdict")).to_contain_text("尽职")

    # the withheld 40 万 of the confirmed milestone is released to the solver
    bureau.goto(f"{base}/contracts/{contract.id}")
    expect(bureau.locator("#pay h2")).to_contain_text("放行暂扣款")
    bureau.select_option("#pay-milestone", str(first.id))
    bureau.fill("#pay-amount", "40")
    bureau.fill("#pay-reference", "放行-20250301")
    bureau.click("#pay button[type=submit]")
    expect(bureau.get_by_test_id("withheld")).to_contain_text("0.00")

    enterprise = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    login(enterprise, base, issuer.email)
    enterprise.goto(f"{base}/contracts/{contract.id}/diligence")
    enterprise.fill("#description", "中试样机材料与加工费")
    enterprise.fill("#amount", "60")
    enterprise.fill("#spent_on", local_today().isoformat())
    enterprise.set_input_files("#file", files=[{"name": "发票.pdf", "mimeType": "application/pdf",
                                                "buffer": PDF}])
    enterprise.click("#receipt-form button[type=submit]")
    expect(enterprise.locator(".alert-success")).to_contain_text("等待科技局核定")
    expect(enterprise.get_by_test_id("receipts")).to_contain_text("待核定")

    bureau.goto(f"{base}/contracts/{contract.id}/diligence")
    receipt_row = bureau.get_by_test_id("receipts")
    receipt_row.locator("input[name$=-verified]").fill("50")
    receipt_row.locator("textarea[name$=-note]").fill("10 万元管理费不属研发投入")
    receipt_row.locator("button[type=submit]").click()
    expect(bureau.get_by_test_id("verified")).to_contain_text("50")
    bureau.fill("#cap", "100")
    bureau.click("#cap-form button[type=submit]")
    expect(bureau.get_by_test_id("limit")).to_contain_text("15.00")  # 30 % of 50 万
    bureau.fill("#amount", "15.000001")
    bureau.fill("#reference", "补偿-20250310")
    bureau.click("#compensation-form button[type=submit]")
    expect(bureau.locator("#compensation-form .invalid-feedback")).to_contain_text("超出可补偿金额")
    expect(bureau.locator("#reference")).to_have_value("补偿-20250310")
    bureau.fill("#amount", "15")
    bureau.click("#compensation-form button[type=submit]")
    expect(bureau.locator(".alert-success")).to_contain_text("已登记风险补偿")
    expect(bureau.get_by_test_id("compensated")).to_contain_text("15.00")
    shots(bureau, "compensation-paid")

    db.session.expire_all()
    assert contract.state is ContractState.FAILED
    entry = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.COMPENSATION)).one()
    assert (entry.amount_fen, entry.payer, entry.payee) == (15 * WAN, Payer.GOVERNMENT, board.issuer.name)
    totals = contract_totals(contract)
    assert (totals.compensated, totals.withheld, totals.paid) == (15 * WAN, 0, 40 * WAN)
