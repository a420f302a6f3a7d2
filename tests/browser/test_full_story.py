"""The whole programme in a real browser, one 榜 from 发榜 to 结榜:
发榜 → screening → 揭榜 → eligibility → panel → scoring → decision → 公示 → contract →
milestones with payments → acceptance → awarded → closed.

Only the clock is moved by hand (the bid deadline and the end of 公示 passing); every other
step is a person clicking in Chromium."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Challenge, ExpertProfile
from challenge.states import ChallengeState, OrgType, Role
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform
from tests.browser.helpers import login
from tests.test_bidding import PDF

pytestmark = pytest.mark.browser

TITLE = "高精度伺服电机编码器国产化"


def new_page(browser, phone: bool = False):
    if phone:
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                      is_mobile=True)
    else:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def board_now() -> Challenge:
    db.session.expire_all()
    return db.session.scalar(select(Challenge).where(Challenge.title == TITLE))


def test_full_story_from_posting_to_closed(browser, live_server, make, people, shots, tmp_path):
    base = live_server
    issuer, admin = people["issuer"], people["admin"]
    solver = make.user(Role.SOLVER, email="lab@uni.edu.cn", name="陈教授",
                       org=make.org("示范理工大学", type=OrgType.UNIVERSITY))
    reviewers = []
    for n in range(3):
        reviewer = make.user(Role.REVIEWER, email=f"judge{n}@inst.cn", name=f"评审专家{n + 1}",
                             org=make.org(type=OrgType.INSTITUTE))
        db.session.add(ExpertProfile(user_id=reviewer.id, name=reviewer.name,
                                     organization_id=reviewer.organization_id,
                                     organization_name=reviewer.org_name, fields="精密测量",
                                     keywords="编码器,伺服电机,光栅"))
        reviewers.append(reviewer)
    db.session.commit()
    evidence = tmp_path / "检测报告.pdf"
    evidence.write_bytes(PDF)
    day = local_today()

    # 发榜: the enterprise posts a public 榜 with two indicators, 里程碑资助.
    firm = new_page(browser)
    login(firm, base, issuer.email)
    firm.goto(f"{base}/challenges/new")
    firm.fill("#title", TITLE)
    firm.select_option("#kind", "import_substitution")
    firm.fill("#field", "高端装备")
    firm.fill("#industry_tags", "伺服电机, 精密测量")
    firm.fill("#summary", "需要 23 位绝对式光电编码器，替代进口产品，用于国产伺服电机。")
    firm.fill("#detail", "现用进口编码器单价 1800 元，交期 20 周。")
    firm.fill("#indicators-0-name", "分辨率")
    firm.fill("#indicators-0-target", "≥23")
    firm.fill("#indicators-0-unit", "位")
    firm.fill("#indicators-0-method", "第三方检测")
    firm.click("#add-indicator")
    firm.fill("#indicators-1-name", "精度")
    firm.fill("#indicators-1-target", "≤20")
    firm.fill("#indicators-1-unit", "角秒")
    firm.fill("#bounty", "200")
    firm.fill("#investment", "800")
    firm.select_option("#funding_mode", "milestone")
    firm.fill("#deadline", (day + timedelta(days=30)).isoformat())
    firm.check("#confidentiality-0")  # 公开
    firm.fill("#contact_name", "周工")
    firm.fill("#contact_phone", "0512-66880000")
    firm.click("button[name=submit]")
    expect(firm.locator(".alert-success")).to_contain_text("已提交科技局审核")
    shots(firm, "posted")

    # Screening: the bureau publishes it.
    bureau = new_page(browser)
    login(bureau, base, admin.email)
    bureau.goto(f"{base}/admin/challenges")
    bureau.click(f"text={TITLE}")
    bureau.click("form[action$='/publish'] button[type=submit]")
    expect(bureau.locator(".alert-success")).to_contain_text("已发布")
    board_id = board_now().id

    # 揭榜: a university lab bids with two milestones (40 % / 60 %).
    lab = new_page(browser)
    login(lab, base, solver.email)
    lab.goto(f"{base}/challenges/{board_id}")
    lab.click("text=我要揭榜")
    lab.fill("#title", "基于多码道光栅的绝对式编码器")
    lab.fill("#technical_approach", "多码道光栅 + 细分插值芯片，全自主工艺。")
    lab.fill("#responses-0-committed_value", "24")
    lab.fill("#responses-1-committed_value", "15")
    lab.fill("#members-0-title", "教授")
    lab.fill("#requested", "200")
    lab.fill("#budget-0-item", "流片与测试")
    lab.fill("#budget-0-amount", "200")
    lab.fill("#milestones-0-title", "样机")
    lab.fill("#milestones-0-due", (day + timedelta(days=120)).isoformat())
    lab.fill("#milestones-0-share", "40")
    lab.click("#add-milestones")
    lab.fill("#milestones-1-title", "小批量验证")
    lab.fill("#milestones-1-due", (day + timedelta(days=300)).isoformat())
    lab.fill("#milestones-1-share", "60")
    lab.check("#commitment")
    lab.click("button[name=submit]")
    expect(lab.locator(".alert-success")).to_contain_text("方案已提交")
    shots(lab, "bid-submitted")

    # The deadline passes (the clock); eligibility.
    board = board_now()
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    db.session.commit()
    bureau.goto(f"{base}/challenges/{board_id}/proposals")
    bureau.locator("tr", has_text="基于多码道光栅").locator("button[value=qualify]").click()
    expect(bureau.locator(".alert-success")).to_contain_text("已记录资格审查结果")

    # The panel: three reviewers proposed by expertise and confirmed.
    bureau.goto(f"{base}/admin/panels")
    bureau.click("button:has-text('生成分配方案')")
    expect(bureau.get_by_test_id(f"plan-{board_id}")).to_contain_text("评审专家")
    bureau.click("button:has-text('确认分配')")
    expect(bureau.locator(".alert-success")).to_contain_text("已分配 3 个评审席位")

    # Scoring, each reviewer on a phone.
    for n, reviewer in enumerate(reviewers):
        desk = new_page(browser, phone=True)
        login(desk, base, reviewer.email)
        desk.goto(f"{base}/reviews")
        desk.click("a:has-text('签署评审承诺书')")  # the 评审承诺书 before any bid
        desk.check("#agree")
        desk.click("button:has-text('签署评审承诺书')")
        desk.click("a:has-text('评分')")
        for key, points in (("approach", 26), ("indicators", 22 - n), ("team", 14), ("plan", 12),
                            ("budget", 8)):
            desk.fill(f"#score-{key}", str(points))
        desk.fill("#comment", "路线清晰，指标承诺高于要求。")
        if n == 0:
            shots(desk, "scoring-on-phone")
        desk.click("button[name=submit]")
        expect(desk.locator(".alert-success")).to_contain_text("评分已提交")
        desk.context.close()

    # Decision and 公示.
    bureau.goto(f"{base}/admin/challenges/{board_id}/decision")
    bureau.locator("input[name=winner]").first.check()
    bureau.fill("#reason", "综合得分第一。")
    bureau.click("button:has-text('确定揭榜方并公示')")
    expect(bureau.locator(".alert-success")).to_be_visible()
    visitor = new_page(browser)
    visitor.goto(f"{base}/results/{board_id}")
    expect(visitor.get_by_test_id("winners")).to_contain_text("示范理工大学")
    shots(visitor, "publicity")

    # 公示 runs its course (the clock).
    board = board_now()
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    award_story(browser, base, bureau, firm, lab, visitor, board_id, shots, evidence)


def milestone_done(base, lab, firm, bureau, contract_url, title, report, evidence):
    """Solver reports with a file → the enterprise confirms → the bureau approves."""
    lab.goto(contract_url)
    lab.get_by_test_id("milestones").locator(f"a:has-text('{title}')").click()
    lab.fill("#report", report)
    lab.set_input_files("#files", str(evidence))
    lab.click("[data-testid=report-form] button[type=submit]")
    expect(lab.locator(".alert-success")).to_contain_text("里程碑报告已提交")
    milestone_url = lab.url
    firm.goto(milestone_url)
    expect(firm.get_by_test_id("report-text")).to_contain_text(report)
    firm.click("button:has-text('确认')")
    expect(firm.locator(".alert-success")).to_contain_text("已确认该里程碑")
    bureau.goto(milestone_url)
    bureau.fill("#approve-note", "资料齐全，同意通过。")
    bureau.click("[data-testid=approve-form] button[type=submit]")
    expect(bureau.get_by_test_id("milestone-state")).to_have_text("评审通过")


def pay(bureau, contract_url, payer: str, amount: str, milestone: int, reference: str):
    """Record a payment against the *milestone*-th milestone (1-based; option 0 is none)."""
    bureau.goto(contract_url)
    bureau.select_option("#pay-payer", payer)
    bureau.select_option("#pay-milestone", index=milestone)
    bureau.fill("#pay-amount", amount)
    bureau.fill("#pay-reference", reference)
    bureau.click("#pay button[type=submit]")
    expect(bureau.locator(".alert-success")).to_contain_text(f"已登记付款 {amount}")


def award_story(browser, base, bureau, firm, lab, visitor, board_id, shots, evidence):
    # Contract: drafted from the winning bid, a 30 % subsidy capped at 30 万, signed.
    bureau.goto(f"{base}/challenges/{board_id}")
    bureau.get_by_test_id("contracts-link").click()
    bureau.click("button:has-text('起草合同')")
    expect(bureau.locator("#milestones-0-share")).to_have_value("40")
    bureau.fill("#subsidy_rate", "30")
    bureau.fill("#subsidy_cap", "30")
    bureau.click("button:has-text('保存合同')")
    expect(bureau.get_by_test_id("subsidy")).to_contain_text("30.00")
    shots(bureau, "contract-draft")
    bureau.get_by_test_id("sign").click()
    expect(bureau.locator(".alert-success")).to_contain_text("全部入选方案均已签约")
    assert board_now().state is ChallengeState.CONTRACTED

    # The lab finds its contract; milestone 1 is reported, confirmed, approved and paid
    # (40 % of the 200 万 bounty and of the 30 万 subsidy).
    lab.goto(f"{base}/my/contracts")
    lab.get_by_test_id("contracts").locator("a").first.click()
    contract_url = lab.url
    milestone_done(base, lab, firm, bureau, contract_url, "样机", "样机分辨率 24 位，精度 15 角秒。",
                   evidence)
    pay(bureau, contract_url, "enterprise", "80.00", 1, "银行流水 A-001")
    pay(bureau, contract_url, "government", "12.00", 1, "财政拨款 G-001")
    expect(bureau.get_by_test_id("totals-enterprise")).to_contain_text("80.00")
    shots(bureau, "first-milestone-paid")

    # Milestone 2, then 验收 against both indicators.
    milestone_done(base, lab, firm, bureau, contract_url, "小批量验证", "小批量 500 台验证通过。",
                   evidence)
    lab.goto(contract_url.rstrip("/") + "/acceptance")
    for n, value in enumerate(("24", "15")):
        lab.fill(f"#items-{n}-measured", value)
        lab.set_input_files(f"#items-{n}-evidence", str(evidence))
    lab.fill("#summary", "两项指标均优于榜单要求，详见第三方检测报告。")
    lab.click("button:has-text('保存')")
    expect(lab.locator(".alert-success")).to_contain_text("验收材料已保存")
    lab.click("button:has-text('提交验收')")
    expect(lab.locator(".alert-success")).to_contain_text("验收申请已提交")
    shots(lab, "acceptance-submitted")
    firm.goto(contract_url.rstrip("/") + "/acceptance")
    firm.check("#items-0-met-0")
    firm.check("#items-1-met-0")
    firm.fill("#opinion", "两项指标均达标，同意验收。")
    firm.click("button:has-text('签认')")
    expect(firm.locator(".alert-success")).to_contain_text("已签认验收")
    bureau.goto(contract_url.rstrip("/") + "/acceptance")
    bureau.click("button:has-text('验收通过')")
    expect(bureau.get_by_test_id("challenge-state")).to_have_text("已验收")
    shots(bureau, "accepted")

    # The rest is paid; the ledger shows everything due is paid, so the 榜 is awarded.
    pay(bureau, contract_url, "enterprise", "120.00", 2, "银行流水 A-002")
    assert board_now().state is ChallengeState.ACCEPTED  # the subsidy is still owed
    pay(bureau, contract_url, "government", "18.00", 2, "财政拨款 G-002")
    expect(bureau.get_by_test_id("totals-government")).to_contain_text("30.00")
    shots(bureau, "paid-in-full")
    assert board_now().state is ChallengeState.AWARDED

    # 结榜, and the public sees the outcome.
    bureau.goto(f"{base}/admin/challenges/{board_id}/contracts")
    bureau.click("button:has-text('结榜')")
    expect(bureau.locator(".alert-success")).to_be_visible()
    assert board_now().state is ChallengeState.CLOSED
    visitor.goto(f"{base}/results/{board_id}")
    expect(visitor.locator("body")).to_contain_text("200.00")
    expect(visitor.locator("body")).to_contain_text("验收通过")
    expect(visitor.locator("body")).not_to_contain_text("银行流水")
    shots(visitor, "public-outcome")
    visitor.goto(f"{base}/results/closed")
    expect(visitor.locator("main")).to_contain_text(TITLE)
    shots(visitor, "closed-list")
