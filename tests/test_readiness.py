"""揭榜 readiness (challenge/posting/readiness.py) on constructed pools: each reason appears when
its cause is built into the database and names its fix, and the score moves as the fix is made;
the assistant's live endpoint, its record at submission, the screening page and calibration."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import AuditEvent, ExpertProfile
from challenge.posting import readiness as ready
from challenge.states import ChallengeKind, ChallengeState, Confidentiality
from challenge.timeutil import local_today
from challenge.workflow import record

from .test_matching_in_product import BACKGROUND, expert

MELTBLOWN = {
    "title": "医用熔喷布过滤效率提升", "kind": ChallengeKind.CHOKEPOINT, "field": "新材料",
    "industry_tags": "医用防护，熔喷",
    "summary": "医用口罩用熔喷布，目前过滤效率 95 %，需提升驻极稳定性和过滤效率。",
    "detail": "驻极处理后 30 天过滤效率衰减不超过 2 %。", "bounty_fen": 300_000_000,
    "period_months": 12, "eligible_org_types": "", "eligible_regions": "", "qualifications": "",
    "confidentiality": Confidentiality.PUBLIC,
    "indicators": [{"name": "过滤效率", "target": "≥99.9", "unit": "%"},
                   {"name": "驻极衰减", "target": "≤2", "unit": "%"}],
}


@pytest.fixture
def hall(make, people):
    """Unrelated 榜, so term weights mean what they mean in real use."""
    return [make.challenge(people["other_enterprise"], ChallengeState.OPEN, admin=people["admin"],
                           title=t, field=f, summary=s) for t, f, s in BACKGROUND]


def filter_experts(make, n: int, region: str, start: int = 0) -> list[ExpertProfile]:
    org = make.org(region=region)
    return [expert(None, f"过滤专家{start + i}", org, fields="非织造材料,过滤材料",
                   keywords="熔喷,驻极,过滤效率") for i in range(n)]


@pytest.fixture
def pool(make, people, hall):
    """2 matching experts in the issuer's city, 5 in a city of the next province, 3 unrelated."""
    local = filter_experts(make, 2, "示范市高新区")
    away = filter_experts(make, 5, "邻省某市", start=10)
    for i in range(3):
        expert(None, f"轴承专家{i}", None, fields="轴承钢", keywords="夹杂物,真空脱气")
    return local, away


def test_a_region_limit_that_shuts_out_most_matches_says_so_and_how_to_fix_it(people, pool):
    issuer = people["issuer"].organization  # 示范市高新区
    limited = ready.assess({**MELTBLOWN, "eligible_regions": "示范市"}, issuer)
    assert (limited.supply.eligible, limited.supply.excluded) == (2, 5)
    assert (limited.supply.local, limited.supply.elsewhere) == (2, 5)
    supply = [r for r in limited.reasons if r.part == "supply"]
    assert [(r.text, r.fix) for r in supply] == [
        ("示范市内仅 2 位匹配专家，限制以外 5 位。", "放宽地区限制或单位类型限制"),
        ("匹配者中还没有已注册的揭榜方账号。", "发布后请科技局邀请匹配的专家注册揭榜")]
    assert limited.parts["supply"] == 10  # 30 × 2/6
    open_to_all = ready.assess(MELTBLOWN, issuer)
    assert open_to_all.supply.eligible == 7 and open_to_all.parts["supply"] == 30
    assert open_to_all.parts["reach"] - limited.parts["reach"] == 3
    assert open_to_all.score - limited.score == 23


def test_an_empty_pool_is_named_and_a_registered_solver_counts(people, make, hall):
    issuer = people["issuer"].organization
    nobody = ready.assess(MELTBLOWN, issuer)
    assert nobody.parts["supply"] == 0
    assert ("专家库中没有与本榜匹配的专家或揭榜方。",
            "补充技术领域、关键词和量化指标，或请科技局引进该领域专家") in [
        (r.text, r.fix) for r in nobody.reasons]
    expert(people["solver"], "李教授", people["solver"].organization,
           fields="非织造材料,过滤材料", keywords="熔喷,驻极,过滤效率")
    one = ready.assess(MELTBLOWN, issuer)
    assert (one.supply.eligible, one.supply.solvers, one.parts["supply"]) == (1, 1, 5)
    assert "仅 1 位匹配的专家或揭榜方（本地 1 位，外地 0 位）。" in [r.text for r in one.reasons]


def test_the_issuers_own_experts_do_not_count(people, make, hall):
    expert(None, "企业自己的专家", people["issuer"].organization, fields="非织造材料,过滤材料",
           keywords="熔喷,驻极,过滤效率")
    assert ready.assess(MELTBLOWN, people["issuer"].organization).supply.eligible == 0


@pytest.mark.parametrize("level, lost, text", [
    (Confidentiality.PUBLIC, 0, None),
    (Confidentiality.DESENSITIZED, 4, "脱敏榜的详细需求须申请查阅，部分揭榜方不会申请。"),
    (Confidentiality.DIRECTED, 10, "定向榜只有受邀的揭榜方能看到。"),
])
def test_reach_lost_to_confidentiality(people, pool, level, lost, text):
    r = ready.assess({**MELTBLOWN, "confidentiality": level}, people["issuer"].organization)
    assert r.parts["reach"] == 15 - lost
    assert [x.text for x in r.reasons if x.part == "reach"] == ([text] if text else [])


def test_a_bounty_far_below_similar_past_challenges_is_a_reason(people, make, pool):
    for _ in range(3):
        make.challenge(people["other_enterprise"], ChallengeState.UNCLAIMED, admin=people["admin"],
                       title="医用熔喷布过滤效率提升", field="新材料", industry_tags="医用防护,熔喷",
                       summary="医用口罩熔喷布过滤效率与驻极稳定性提升。", bounty_fen=300_000_000,
                       investment_fen=900_000_000, period_months=24)
    issuer = people["issuer"].organization
    low = ready.assess({**MELTBLOWN, "bounty_fen": 50_000_000, "period_months": 6}, issuer)
    assert low.similar == 3
    assert [(r.text, r.fix) for r in low.reasons if r.part == "terms"] == [
        ("榜额 50 万元，低于 3 个相似榜的中位数 300 万元。", "提高榜额，或缩小攻关范围"),
        ("攻关周期 6 个月，短于相似榜的中位数 24 个月。", "延长攻关周期，或分阶段设里程碑")]
    assert low.parts["terms"] == 2
    fair = ready.assess({**MELTBLOWN, "bounty_fen": 250_000_000, "period_months": 18}, issuer)
    assert fair.parts["terms"] == 15 and fair.score - low.score == 13


def test_an_invitation_only_challenges_bounty_is_never_compared(people, make, pool):
    """Its bounty is for its invitees only: a median of one would show it."""
    make.challenge(people["other_enterprise"], ChallengeState.UNCLAIMED, admin=people["admin"],
                   title="医用熔喷布过滤效率提升", field="新材料", industry_tags="医用防护,熔喷",
                   summary="医用口罩熔喷布过滤效率与驻极稳定性提升。", bounty_fen=300_000_000,
                   investment_fen=900_000_000, confidentiality=Confidentiality.DIRECTED)
    low = ready.assess({**MELTBLOWN, "bounty_fen": 50_000_000}, people["issuer"].organization)
    assert low.similar == 0 and low.parts["terms"] == 15


def test_need_quality_falls_with_each_piece_of_advice(people, pool):
    issuer = people["issuer"].organization
    clear = ready.assess(MELTBLOWN, issuer)
    assert clear.parts["quality"] == 40 and clear.report.to_fix == []
    vague = ready.assess({**MELTBLOWN, "summary": "开发先进的高性能熔喷布。", "detail": "",
                          "indicators": [{"name": "过滤效率", "target": "很高", "unit": "%"}]}, issuer)
    # no number 6, two vague words 3 + 3, no baseline 6
    assert vague.parts["quality"] == 40 - 18
    assert {r.text for r in vague.reasons if r.part == "quality"} >= {
        "指标“过滤效率”没有数值：写明要达到多少，如 ≥ 99.9。",
        "“先进”是模糊表述，评审无法判断是否达到：请改写为可测量的指标（数值 + 单位）。"}


# -- through the app -----------------------------------------------------------------------------

VAGUE_FORM = {
    "title": "高性能熔喷布", "kind": "chokepoint", "field": "新材料", "industry_tags": "",
    "summary": "开发先进的熔喷布，大幅提升过滤性能。", "detail": "要求过滤效率≥99.9 %。",
    "indicators-0-name": "", "indicators-0-target": "", "indicators-0-unit": "",
    "bounty": "300", "investment": "900", "funding_mode": "reward", "max_winners": "1",
    "period_months": "12", "confidentiality": "public", "contact_name": "王工",
    "contact_phone": "13800001111",
}


def test_the_live_endpoint_returns_the_panel_and_the_codes(client, auth, people, pool):
    auth.login(people["issuer"])
    data = client.post("/challenges/assist", data=VAGUE_FORM).get_json()
    assert "vague:先进" in data["codes"] and "no_indicators" in data["codes"]
    assert f'data-score="{data["score"]}"' in data["html"]
    assert "“大幅”是模糊表述" in data["html"] and 'data-name="过滤效率"' in data["html"]
    better = client.post("/challenges/assist", data={
        **VAGUE_FORM, "title": "医用熔喷布过滤效率提升",
        "summary": "医用口罩熔喷布，目前过滤效率 95 %，需提升驻极稳定性。",
        "indicators-0-name": "过滤效率", "indicators-0-target": "≥99.9", "indicators-0-unit": "%"
    }).get_json()
    assert better["score"] > data["score"]


def test_the_endpoint_is_for_posters_only(client, auth, people):
    auth.login(people["solver"])
    assert client.post("/challenges/assist", data=VAGUE_FORM).status_code == 403


def test_submission_records_followed_and_ignored_advice_and_screening_shows_them(
        client, auth, people, pool):
    auth.login(people["issuer"])
    shown = "vague:先进\r\nvague:大幅\r\nno_indicators\r\nbaseline"  # as a browser sends it
    response = client.post("/challenges/new", data={
        **VAGUE_FORM, "summary": "医用口罩熔喷布，先进工艺，目前过滤效率 95 %。",
        "indicators-0-name": "过滤效率", "indicators-0-target": "≥99.9", "indicators-0-unit": "%",
        "assistant_seen": shown, "submit": "1"})
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assistant"))
    assert event.changes["followed"].split("\n") == ["vague:大幅", "no_indicators", "baseline"]
    ignored = event.changes["ignored"].split("\n")
    assert "vague:先进" in ignored and "vague:高性能" in ignored and "vague:大幅" not in ignored
    challenge_id = event.object_id
    auth.logout()
    auth.login(people["admin"])
    page = client.get(f"/admin/challenges/{challenge_id}").get_data(as_text=True)
    assert 'data-testid="advice-followed"' in page and "“大幅”是模糊表述" in page
    ignored = page[page.index('data-testid="advice-ignored"'):]
    assert "“先进”是模糊表述" in ignored[:600] and "“大幅”" not in ignored[:600]
    assert 'data-testid="readiness-score"' in page
    listing = client.get("/admin/challenges").get_data(as_text=True)
    cell = listing[listing.index('data-testid="recorded-readiness"'):][:200]
    assert f'>{event.changes["score"]}</span>' in cell


def test_calibration_sets_recorded_scores_beside_outcomes(client, auth, make, people):
    admin = people["admin"]
    unclaimed = make.challenge(people["issuer"], ChallengeState.UNCLAIMED, admin=admin)
    reviewing = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=admin)
    still_open = make.challenge(people["issuer"], ChallengeState.OPEN, admin=admin)
    for challenge, score in ((unclaimed, 30), (reviewing, 80), (still_open, 90)):
        record(challenge, "readiness", admin, changes={"score": score})
    db.session.commit()
    rows, bands = ready.calibration()
    assert [(r.challenge.id, r.score, r.bids, r.unclaimed) for r in rows] == [
        (unclaimed.id, 30, 0, True), (reviewing.id, 80, 0, False)]
    assert [(b["count"], b["unclaimed"]) for b in bands] == [(1, 100), (0, None), (1, 0)]
    auth.login(admin)
    page = client.get("/admin/readiness").get_data(as_text=True)
    assert 'data-testid="calibration-rows"' in page and "100 %" in page


def test_publishing_records_the_readiness_score(client, auth, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.SCREENING)
    auth.login(people["admin"])
    page = client.get(f"/admin/challenges/{challenge.id}")
    assert page.status_code == 200
    response = client.post(f"/admin/challenges/{challenge.id}/publish", data={
        "deadline": (local_today() + timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "readiness"))
    assert event.object_id == challenge.id and 0 <= event.changes["score"] <= 100
