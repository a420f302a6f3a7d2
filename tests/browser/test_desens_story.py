"""脱敏 check and 供给缺口 in a real browser: an enterprise's 脱敏 draft gives its name away in the
summary; the form says what and why beside the summary, the enterprise rewrites it and saves, the
warnings are gone and the k estimate stays; it submits; the bureau sees the check on the
screening page, then opens the supply-gap map and drills down to the 榜 nobody can take on."""

import pytest
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.models import ExpertProfile
from challenge.states import Confidentiality, OrgType, Role
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

DETAIL = ("我司位于示范市东江区滨江工业园，现有产线过滤效率 95.2%。主要客户为蓝盾防护用品有限公司，"
          "设备型号 HT-600S。")


def test_desens_story(browser, live_server, make, shots):
    admin = make.user(Role.ADMIN, email="admin@bureau.cn", name="科技局王处")
    issuer = make.user(Role.ENTERPRISE, email="zhao@hengtai.cn", name="赵总工",
                       org=make.org("恒泰非织造材料有限公司", region="示范市东江区"))
    institute = make.org("示范市纺织研究院", type=OrgType.INSTITUTE, region="示范市高新区")
    db.session.add(ExpertProfile(name="王熔喷", organization_id=institute.id,
                                 organization_name=institute.name, fields="新材料",
                                 keywords="熔喷非织造布,驻极,过滤效率",
                                 bio="研究医用熔喷非织造布的驻极工艺与过滤效率。"))
    challenge = make.challenge(
        issuer, title="医用熔喷布过滤效率提升", field="新材料", industry_tags="医用防护",
        summary="恒泰滨江工业园的熔喷产线为蓝盾防护供货，现有过滤效率 95.2%，需要进一步提升。",
        detail=DETAIL, confidentiality=Confidentiality.DESENSITIZED,
        indicators=[{"name": "克重均匀度", "target": "≥90", "unit": "%", "method": "称重法"}])
    db.session.commit()
    base = live_server

    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, issuer.email)
    page.goto(f"{base}/challenges/{challenge.id}/edit")
    check = page.locator("[data-testid=desens]")
    for kind, text in [("abbreviation", "恒泰"), ("place", "滨江工业园"), ("party", "蓝盾防护"),
                       ("figure", "95.2")]:
        expect(check.locator(f"li[data-kind={kind}] mark")).to_have_text(text)
    expect(page.locator("[data-testid=desens-k]")).to_contain_text("k = 1")
    shots(page, "leaky-summary-flagged")

    # The enterprise rewrites the summary: nothing left to flag; saving was never blocked.
    page.fill("#summary", "需要在不增加呼吸阻力的前提下，提升医用熔喷非织造布的过滤效率和驻极稳定性。")
    page.click("button[name=save]")
    expect(page.locator(".alert-success")).to_contain_text("修改已保存")
    expect(page.locator("[data-testid=desens-clean]")).to_be_visible()
    expect(page.locator("[data-testid=desens] li[data-kind]")).to_have_count(0)
    shots(page, "clean-summary")
    page.click("button[name=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已提交科技局审核")

    # The bureau sees the check while screening, then the supply-gap map.
    bureau = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    login(bureau, base, admin.email)
    bureau.goto(f"{base}/admin/challenges/{challenge.id}")
    expect(bureau.locator("[data-testid=desens-clean]")).to_be_visible()
    expect(bureau.locator("[data-testid=desens-k]")).to_contain_text("k = ")
    bureau.goto(f"{base}/admin/statistics")
    bureau.click("[data-testid=supply-gaps-link]")
    terms = bureau.locator("[data-testid=gap-total] a[href*='which=terms']")
    expect(terms).to_have_attribute("data-count", "1")  # nobody in the pool speaks to 克重均匀度
    expect(bureau.locator("[data-testid=gap-terms]")).to_contain_text("克重均匀度")
    shots(bureau, "supply-gap-map")
    terms.click()
    expect(bureau.locator("[data-testid=gap-row]")).to_have_count(1)
    expect(bureau.locator("[data-testid=gap-list]")).to_contain_text("医用熔喷布过滤效率提升")
    shots(bureau, "supply-gap-drill-down")
