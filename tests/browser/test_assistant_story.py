"""The need-structuring assistant in a real browser: an enterprise writes a vague need, follows
the assistant's advice (adopts the indicator it read from the text, drops the vague words,
states today's level, adds a suggested tag), sees the readiness score rise as it types, and
submits; the bureau sees on the screening page which advice was followed and publishes it."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Challenge, ExpertProfile
from challenge.states import ChallengeState, Role
from challenge.timeutil import local_today
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

BACKGROUND = [("高端轴承钢纯净度控制", "冶金", "降低轴承钢中的氧化物夹杂。"),
              ("农产品冷链保鲜", "现代农业", "果蔬产地预冷与冷链运输。"),
              ("车规级芯片封装可靠性", "集成电路", "功率芯片封装分层。")]


OTHER_EXPERTS = [("张工", "轴承钢", "夹杂物,真空脱气"), ("钱研究员", "冷链物流", "预冷,保鲜"),
                 ("孙教授", "集成电路", "封装,分层"), ("周工", "环境工程", "高盐废水,结晶"),
                 ("吴教授", "新能源", "固态电池,电解质")]


LIVE = 20_000  # ms: the panel follows typing after a pause; a busy machine answers slower


def score(page) -> int:
    return int(page.get_by_test_id("readiness").get_attribute("data-score"))


def test_assistant_story(browser, live_server, make, shots):
    admin = make.user(Role.ADMIN)
    rival = make.user(Role.ENTERPRISE, name="别家企业")
    for title, field, summary in BACKGROUND:
        make.challenge(rival, ChallengeState.OPEN, admin=admin, title=title, field=field,
                       summary=summary)
    enterprise = make.user(Role.ENTERPRISE, email="boss@mask.cn", name="口罩厂赵总")
    for n in range(4):
        solver = make.user(Role.SOLVER, name=f"过滤专家{n}")
        db.session.add(ExpertProfile(user_id=solver.id, name=solver.name,
                                     organization_id=solver.organization_id,
                                     organization_name=solver.org_name, fields="非织造材料,过滤材料",
                                     keywords="熔喷布,驻极,过滤效率"))
    for name, fields, keywords in OTHER_EXPERTS:  # a pool of more than one topic, as in real use
        db.session.add(ExpertProfile(name=name, organization_name="某研究院", fields=fields,
                                     keywords=keywords))
    db.session.commit()
    base = live_server

    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, enterprise.email)
    page.goto(f"{base}/challenges/new")
    advice = page.get_by_test_id("assistant-advice")
    expect(advice).to_contain_text("还没有量化技术指标")  # rendered with the page, no script needed

    # A vague need: the assistant flags the vague words and reads an indicator from the text.
    page.fill("#title", "高性能熔喷布")
    page.fill("#field", "新材料")
    page.fill("#summary", "开发先进的熔喷布，大幅提升过滤性能，达到国际领先水平。")
    page.fill("#detail", "用于医用口罩，要求过滤效率≥99.9 %。")
    page.fill("#bounty", "300")
    page.fill("#investment", "900")
    page.fill("#contact_name", "赵工")
    page.fill("#contact_phone", "0512-66881234")
    page.fill("#deadline", (local_today() + timedelta(days=40)).isoformat())
    expect(advice).to_contain_text("“大幅”是模糊表述", timeout=LIVE)
    expect(page.get_by_test_id("adopt-indicator")).to_have_count(1)
    vague = score(page)
    shots(page, "vague-need-advice")

    # It follows the advice.
    page.get_by_test_id("adopt-indicator").click()
    expect(page.locator("#indicators-0-name")).to_have_value("过滤效率")
    expect(page.locator("#indicators-0-target")).to_have_value("≥99.9")
    expect(page.locator("#indicators-0-unit")).to_have_value("%")
    page.fill("#title", "医用熔喷布过滤效率提升")
    page.fill("#summary", "医用口罩用熔喷布，目前过滤效率 95 %，需提升至 99.9 % 以上且呼吸阻力不增加。")
    expect(advice).not_to_contain_text("模糊表述", timeout=LIVE)
    expect(advice).not_to_contain_text("还没有量化技术指标", timeout=LIVE)
    tag = page.get_by_test_id("adopt-tag").first
    tag_text = tag.inner_text().lstrip("+ ").strip()
    tag.click()
    expect(page.locator("#industry_tags")).to_have_value(tag_text)
    # The panel has caught up with the last keystroke once it no longer suggests that tag.
    expect(page.get_by_test_id("adopt-tag").filter(has_text=tag_text)).to_have_count(0, timeout=LIVE)
    expect(page.get_by_test_id("readiness")).not_to_have_attribute("data-score", str(vague),
                                                                    timeout=LIVE)
    better = score(page)
    assert better > vague + 15, (vague, better)
    expect(page.get_by_test_id("readiness")).to_contain_text("可揭榜 4 位", timeout=LIVE)
    expect(page.locator("#assistant-live")).to_have_text(f"揭榜准备度 {better} / 100")  # read out
    shots(page, "advice-followed-score-risen")

    page.click("button[name=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已提交科技局审核")
    challenge = db.session.scalar(select(Challenge).where(Challenge.title == "医用熔喷布过滤效率提升"))
    assert challenge.state is ChallengeState.SCREENING

    # The bureau sees what was followed, the score and its reasons, and publishes.
    admin_page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000}).new_page()
    admin_page.on("dialog", lambda dialog: dialog.accept())
    login(admin_page, base, admin.email)
    admin_page.goto(f"{base}/admin/challenges/{challenge.id}")
    followed = admin_page.get_by_test_id("advice-followed")
    expect(followed).to_contain_text("“大幅”是模糊表述")
    expect(followed).to_contain_text("还没有量化技术指标")
    expect(admin_page.get_by_test_id("advice-ignored")).not_to_contain_text("模糊表述")
    expect(admin_page.get_by_test_id("readiness-score")).to_have_text(str(better))
    shots(admin_page, "screening-advice-record")
    admin_page.click("form[action$='/publish'] button[type=submit]")
    expect(admin_page.locator(".alert-success")).to_contain_text("已发布")
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).state is ChallengeState.OPEN
