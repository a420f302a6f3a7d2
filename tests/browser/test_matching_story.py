"""Matching in a real browser: the near-duplicate warning appears while an enterprise types a
榜, the enterprise sees recommended experts with reasons and invites one, and the invited
solver's home page recommends the 榜 with its reasons."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Challenge, ExpertProfile
from challenge.states import ChallengeState, Confidentiality, Role
from challenge.timeutil import utcnow
from challenge.workflow import perform
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

BACKGROUND = [("高端轴承钢纯净度控制", "冶金", "降低轴承钢中的氧化物夹杂。"),
              ("农产品冷链保鲜", "现代农业", "果蔬产地预冷与冷链运输。"),
              ("车规级芯片封装可靠性", "集成电路", "功率芯片封装分层。"),
              ("高盐废水零排放", "节能环保", "高盐废水分盐结晶。")]




def test_matching_story(browser, live_server, make, shots):
    admin = make.user(Role.ADMIN)
    rival = make.user(Role.ENTERPRISE, name="别家企业")
    for title, field, summary in BACKGROUND:
        make.challenge(rival, ChallengeState.OPEN, admin=admin, title=title, field=field,
                       summary=summary)
    existing = make.challenge(rival, ChallengeState.OPEN, admin=admin, title="医用熔喷布过滤效率提升",
                              field="新材料", summary="提升熔喷非织造布的过滤效率并降低呼吸阻力。",
                              confidentiality=Confidentiality.DESENSITIZED)
    enterprise = make.user(Role.ENTERPRISE, email="boss@mask.cn", name="口罩厂赵总")
    solver = make.user(Role.SOLVER, email="li@uni.edu.cn", name="李教授")
    db.session.add(ExpertProfile(user_id=solver.id, name="李教授", title="教授",
                                 organization_id=solver.organization_id,
                                 organization_name=solver.org_name, fields="非织造材料,过滤材料",
                                 keywords="熔喷,驻极,过滤效率"))
    db.session.commit()
    base = live_server

    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, enterprise.email)
    page.goto(f"{base}/challenges/new")
    expect(page.get_by_test_id("similar")).to_be_hidden()
    page.fill("#title", "熔喷无纺布过滤效率提高")
    page.fill("#summary", "希望提高熔喷非织造布的过滤效率并降低阻力，改善驻极稳定性。")
    page.fill("#field", "新材料")
    warning = page.get_by_test_id("similar")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("医用熔喷布过滤效率提升")
    expect(warning).to_contain_text("相似度")
    shots(page, "near-duplicate-warning")

    # The enterprise keeps its own wording and saves the draft; recommendations follow it.
    page.fill("#detail", "现有产线过滤效率 95%，驻极衰减快。")
    page.fill("#indicators-0-name", "过滤效率")
    page.fill("#indicators-0-target", "≥99")
    page.fill("#bounty", "100")
    page.fill("#investment", "300")
    page.fill("#contact_name", "赵总")
    page.fill("#contact_phone", "13800001111")
    page.click("button[name=save]")
    expect(page.locator(".alert-success")).to_contain_text("草稿已保存")
    expect(page.get_by_test_id("similar")).to_contain_text("医用熔喷布过滤效率提升")
    page.click("text=预览")
    page.click("text=推荐专家")
    row = page.locator("tr", has_text="李教授")
    expect(row.get_by_test_id("why")).to_contain_text("熔喷")
    expect(page.get_by_test_id("invite-later")).to_be_visible()
    shots(page, "recommended-experts-on-draft")

    # Once the bureau has published it, the enterprise invites the recommended solver.
    draft = db.session.scalars(select(Challenge).where(Challenge.title == "熔喷无纺布过滤效率提高")).one()
    perform(draft, "submit", enterprise)
    perform(draft, "publish", admin, deadline_at=utcnow() + timedelta(days=30))
    db.session.commit()
    page.reload()
    row = page.locator("tr", has_text="李教授")
    row.locator("button", has_text="邀请揭榜").click()
    expect(page.locator(".alert-success")).to_contain_text("已邀请 李教授")
    expect(page.locator("tr", has_text="李教授")).to_contain_text("已邀请")

    # The solver is notified, and the open 熔喷 榜 is recommended on their home page.
    lab = browser.new_context(locale="zh-CN").new_page()
    login(lab, base, solver.email)
    expect(lab.get_by_test_id("unread")).to_have_text("1")
    box = lab.get_by_test_id("recommended")
    expect(box).to_contain_text(existing.title)
    expect(box).to_contain_text("推荐理由")
    shots(lab, "solver-recommendations")
