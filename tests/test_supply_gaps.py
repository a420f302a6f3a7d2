"""供给缺口 (challenge.stats.supply): on a constructed pool the gaps are the 榜 and indicator terms
nobody can take on, and every figure on the bureau's map equals the length of its drill-down list."""

import re

import pytest

from challenge.extensions import db
from challenge.models import ExpertProfile
from challenge.states import ChallengeState, OrgType, Role
from challenge.stats.supply import city_of, supply_map


def profile(name, org, fields, keywords, bio, user=None):
    db.session.add(ExpertProfile(name=name, organization_id=org.id, organization_name=org.name,
                                 user_id=user.id if user else None, fields=fields,
                                 keywords=keywords, bio=bio))


def indicators(*names):
    return [{"name": n, "target": "≥1", "unit": "", "method": ""} for n in names]


@pytest.fixture
def pool(app, make):
    """Issuers in 示范市; a 熔喷 expert in 示范市, a battery expert elsewhere, and the 密封 榜's
    issuer's own engineer (who does not count for its own 榜)."""
    admin = make.user(Role.ADMIN)
    local = make.org("示范市纺织研究院", type=OrgType.INSTITUTE, region="示范市高新区")
    far = make.org("邻省电池研究所", type=OrgType.INSTITUTE, region="邻省滨海市")
    meltblown_issuer = make.user(Role.ENTERPRISE, org=make.org("甲无纺有限公司", region="示范市东江区"))
    seal_issuer = make.user(Role.ENTERPRISE, org=make.org("乙海工装备有限公司", region="示范市东江区"))
    battery_issuer = make.user(Role.ENTERPRISE, org=make.org("丙储能科技有限公司", region="示范市高新区"))
    profile("王熔喷", local, "新材料", "熔喷非织造布,驻极,过滤效率",
            "长期研究医用熔喷非织造布的驻极工艺与过滤效率、呼吸阻力。")
    profile("李电池", far, "新能源", "固态电池,硫化物电解质,界面阻抗",
            "研究硫化物固态电解质与正极的界面稳定性和界面阻抗。")
    profile("乙工程师", seal_issuer.organization, "海洋装备", "水下机器人,动密封,密封寿命",
            "负责水下机器人关节动密封设计与密封寿命试验。")
    meltblown = make.challenge(meltblown_issuer, ChallengeState.OPEN, admin=admin, field="新材料",
                               industry_tags="医用防护", title="医用熔喷布过滤效率提升",
                               summary="提升熔喷非织造布过滤效率，降低呼吸阻力。",
                               detail="驻极衰减快。", indicators=indicators("过滤效率", "交联度"))
    seal = make.challenge(seal_issuer, ChallengeState.SCREENING, admin=admin, field="海洋装备",
                          industry_tags="",
                          title="水下机器人关节动密封", summary="水下机器人关节动密封在高压下的泄漏问题。",
                          detail="深海压力下泄漏。", indicators=indicators("密封寿命", "泄漏率"))
    battery = make.challenge(battery_issuer, ChallengeState.UNCLAIMED, admin=admin, field="新能源",
                             industry_tags="", title="固态电池电解质界面稳定性",
                             summary="硫化物固态电解质与正极界面稳定性提升。",
                             detail="界面副反应。", indicators=indicators("界面阻抗"))
    make.challenge(meltblown_issuer, field="新材料", title="熔喷布草稿", summary="草稿不计。",
                   indicators=indicators("克重偏差"))
    db.session.commit()
    return {"admin": admin, "meltblown": meltblown, "seal": seal, "battery": battery}


def test_the_gaps_on_a_constructed_pool(pool):
    gaps = supply_map()
    by_id = {r.challenge.id: r for r in gaps.rows}
    assert set(by_id) == {pool["meltblown"].id, pool["seal"].id, pool["battery"].id}  # no draft
    meltblown, seal, battery = (by_id[pool[k].id] for k in ("meltblown", "seal", "battery"))
    assert (meltblown.capable, meltblown.in_region, meltblown.uncovered) == (1, 1, ["交联度"])
    # Its own engineer speaks to every word of the 密封 榜, and does not count.
    assert (seal.gap, seal.uncovered) == (True, ["密封寿命", "泄漏率"])
    assert (battery.capable, battery.in_region, battery.uncovered) == (1, 0, [])
    assert [r.challenge.id for r in gaps.challenges(which="gap")] == [pool["seal"].id]
    assert [r.challenge.id for r in gaps.challenges(which="thin")] == [pool["battery"].id]
    assert {(t.term, tuple(t.fields)) for t in gaps.terms()} == {
        ("交联度", ("新材料",)), ("密封寿命", ("海洋装备",)), ("泄漏率", ("海洋装备",))}
    fields = {c.key: (c.challenges, c.gaps, c.thin, c.uncovered_terms) for c in gaps.by_field()}
    assert fields == {"新材料": (1, 0, 0, 1), "海洋装备": (1, 1, 0, 2), "新能源": (1, 0, 1, 0)}
    regions = {c.key: (c.challenges, c.gaps, c.thin, c.uncovered_terms) for c in gaps.by_region()}
    assert regions == {"示范市东江区": (2, 1, 0, 3), "示范市高新区": (1, 0, 1, 0)}


def test_the_threshold_is_configuration(app, pool, monkeypatch):
    monkeypatch.setitem(app.config, "SUPPLY_GAP_MIN_SCORE", 101.0)  # nobody is capable of anything
    gaps = supply_map()
    assert gaps.total().gaps == 3 and gaps.total().uncovered_terms == 5  # 5 distinct terms


def test_every_figure_on_the_map_equals_its_drill_down_list(pool, auth, client):
    auth.login(pool["admin"])
    page = client.get("/admin/supply-gaps")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    figures = re.findall(r'<a href="([^"]+)" data-testid="gap-figure" data-count="(\d+)"', html)
    assert len(figures) == 4 + 4 * 3 + 4 * 2  # the totals, three fields, two regions
    assert {int(n) for _href, n in figures} >= {0, 1, 2, 3}
    for href, n in figures:
        listing = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        assert listing.count('data-testid="gap-row"') == int(n), href
        assert f'data-testid="gap-list-count" data-value="{n}"' in listing


def test_the_drill_down_names_the_challenges_and_terms(pool, auth, client):
    auth.login(pool["admin"])
    html = client.get("/admin/supply-gaps/list?which=gap&field=海洋装备").get_data(as_text=True)
    assert "水下机器人关节动密封" in html and "医用熔喷布" not in html
    html = client.get("/admin/supply-gaps/list?which=terms&region=示范市东江区").get_data(as_text=True)
    assert "交联度" in html and "泄漏率" in html and "界面阻抗" not in html
    assert client.get("/admin/supply-gaps/list?which=bogus").status_code == 404


def test_only_the_bureau_sees_the_map(pool, make, auth, client):
    solver = make.user(Role.SOLVER)
    db.session.commit()
    auth.login(solver)
    assert client.get("/admin/supply-gaps").status_code == 403


@pytest.mark.parametrize("region, city", [
    ("示范市高新区", "示范市"), ("江苏省苏州市工业园区", "江苏省苏州市"), ("邻省某市", ""), ("", ""),
])
def test_city_of(region, city):
    assert city_of(region) == city



def test_the_map_is_kept_until_a_challenge_or_the_pool_changes(pool, make, monkeypatch):
    """With a real cache (cachelib's SimpleCache, Flask-Caching's default backend; the tests' app
    has none): the matcher runs once, and again only after the pool or a 榜 changed."""
    from cachelib import SimpleCache

    from challenge.caching import forget_generation
    from challenge.stats import gap_views, supply

    runs = []

    def counted():
        runs.append(1)
        return supply.measure()

    def as_a_new_request():  # each request reads the audit chain's head anew (caching.generation)
        forget_generation()
        return gap_views.supply_map().total()

    monkeypatch.setattr(gap_views, "cache", SimpleCache())
    monkeypatch.setattr(gap_views, "measure", counted)
    assert as_a_new_request().gaps == 1 and len(runs) == 1
    assert as_a_new_request().gaps == 1 and len(runs) == 1  # from the cache
    other = make.org("丁海洋研究所", type=OrgType.INSTITUTE, region="示范市高新区")
    profile("丁研究员", other, "海洋装备", "水下机器人,动密封", "研究水下机器人关节动密封。")
    db.session.commit()
    assert as_a_new_request().gaps == 0 and len(runs) == 2  # the pool changed
    make.challenge(pool["seal"].created_by, ChallengeState.SCREENING, admin=pool["admin"],
                   field="海洋装备", industry_tags="", title="深海耐压壳体", summary="深海耐压壳体减重。",
                   indicators=indicators("耐压深度"))
    assert as_a_new_request().challenges == 4 and len(runs) == 3  # submitted: a new chain head
