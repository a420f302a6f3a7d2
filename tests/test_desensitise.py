"""The 脱敏 check (challenge.posting.desensitise): each kind of leak in a public summary is flagged,
a clean summary raises nothing, k counts the registered enterprises sharing the implied region and
field, and the warnings stand beside the summary on the enterprise's form and the screening page."""

import pytest

from challenge.extensions import db
from challenge.models import ExpertProfile
from challenge.posting.desensitise import (
    brands_in,
    check,
    find_leaks,
    implied_region,
    organisations_in,
    short_forms,
    trade_name,
)
from challenge.states import ChallengeState, Confidentiality, OrgState, OrgType, Role
from challenge.workflow import perform

from .test_posting import form_data

ORG = "恒泰非织造材料有限公司"
REGION = "示范市东江区"
DETAIL = ("我司位于示范市东江区滨江工业园，现有产线过滤效率 95.2%，良率 87%，驻极电压 28.5 kV，阻力 35 Pa，"
          "12 英寸产线。"
          "主要客户为蓝盾防护用品有限公司，熔喷料由金鹰石化集团供应，设备型号 HT-600S。"
          "产品商标“洁盾”。")
CLEAN = "需要提升熔喷非织造布的过滤效率并降低呼吸阻力，适用于医用防护口罩，达到 N95 以上。"


def leaks(summary, **extra):
    args = {"org_name": ORG, "org_region": REGION, "detail": DETAIL,
            "profile": f"{ORG}\n{REGION}", "public_figures": "≥99.97 NaCl 法"} | extra
    return [(leak.kind, leak.text) for leak in find_leaks(summary, **args)]


@pytest.mark.parametrize("summary, expected", [
    (f"{ORG}需要提升熔喷布过滤效率。", [("name", ORG)]),
    ("恒泰需要提升熔喷布过滤效率。", [("abbreviation", "恒泰")]),
    ("恒泰非织造的熔喷产线需要升级。", [("abbreviation", "恒泰非织造")]),
    ("现有 HT-600S 生产线过滤效率不足。", [("code", "HT-600S")]),
    ("采用 MB-2000 型熔喷模头的产线需要升级。", [("code", "MB-2000")]),  # a code not in the body
    ("洁盾口罩需要升级熔喷布。", [("brand", "洁盾")]),
    ("为蓝盾防护配套的熔喷布需要提升过滤效率。", [("party", "蓝盾防护")]),
    ("原料来自金鹰石化，需要提升过滤效率。", [("party", "金鹰石化")]),
    ("滨江工业园内一条熔喷产线需要升级。", [("place", "滨江工业园")]),
    ("东江区一家企业需要提升熔喷布过滤效率。", [("place", "东江区")]),   # from the org's profile
    ("现有产线过滤效率 95.2%，需要提升。", [("figure", "95.2")]),
    ("现有良率 87%，需要提升。", [("figure", "87")]),
    ("驻极电压 28.5 kV 下衰减快。", [("figure", "28.5")]),
])
def test_each_kind_of_leak_is_flagged(summary, expected):
    assert leaks(summary) == expected


@pytest.mark.parametrize("summary", [
    CLEAN,
    "目标过滤效率 ≥99.97%，按 NaCl 法测试。",       # the public indicator's own figure
    "本市一家企业需要提升熔喷布过滤效率。",            # the city alone: the k estimate speaks for it
    "提升 3 条产线的效率，周期 12 个月。",            # one-digit and round numbers are not exact figures
    "12 英寸产线的阻力 35 Pa 左右。",                  # sizes, and two digits that are no percentage
    "TO-247 封装的功率器件键合可靠性。",               # a package outline, not a product
    "符合 GB/T 32610 与 KN95 标准的口罩滤材。",        # standards are no one's product code
])
def test_a_clean_summary_raises_nothing(summary):
    assert leaks(summary) == []


@pytest.mark.parametrize("body, names", [
    ("主要客户为华为技术有限公司和中兴通讯股份有限公司。", {"华为技术有限公司", "中兴通讯股份有限公司"}),
    ("华为技术有限公司是我们的客户。", {"华为技术有限公司"}),
    ("熔喷料由金鹰石化集团供应。", {"金鹰石化集团"}),
])
def test_organisations_are_read_out_of_running_text(body, names):
    # Each name is found whole (beside what it may be with the words before it, which a
    # summary will not repeat), and no generic leftover such as 技术有限公司 or 石化集团.
    found = set(organisations_in(body))
    assert names <= found
    assert not found & {"技术有限公司", "石化集团", "通讯股份有限公司"}


def test_a_quoted_term_is_a_brand_only_when_said_to_be_one():
    body = "产品商标“洁盾”，另有“蓝鲸”牌口罩；这是典型的“卡脖子”问题。"
    assert sorted(brands_in(body)) == ["洁盾", "蓝鲸"]
    assert leaks("“卡脖子”问题：熔喷布过滤效率提升。", detail=body) == []


def test_a_customer_named_by_its_trade_name_is_flagged():
    assert leaks("为华为配套的基站滤波器需要降低插损。", detail="主要客户为华为技术有限公司。") == [
        ("party", "华为")]


def test_a_short_form_inside_a_longer_common_word_is_not_a_leak():
    # 新能储能电池科技 is called 新能, but 新能源 is a word of its own.
    assert "新能" in short_forms("新能储能电池科技有限公司")
    assert find_leaks("新能源汽车动力电池需要提升能量密度。", org_name="新能储能电池科技有限公司") == []
    assert [(x.kind, x.text) for x in find_leaks(
        "新能公司需要提升电池能量密度。", org_name="新能储能电池科技有限公司")] == [("abbreviation", "新能")]


@pytest.mark.parametrize("name, core", [
    ("华东新材科技股份有限公司", "新材"), ("芯成微电子封装测试有限公司", "芯成"),
    ("中固特钢轴承股份有限公司", "中固"), ("江苏恒力化纤股份有限公司", "恒力"),
    ("江恒汽车零部件（苏州）有限公司", "江恒"), ("示范市绿禾环境工程有限公司", "绿禾"),
])
def test_the_trade_name_is_derived_from_the_registered_name(name, core):
    assert trade_name(name) == core


def test_the_implied_region_reads_named_parts_and_our_own_city():
    assert implied_region("本市一家企业", REGION) == (["示范市"], ["本市"])
    assert implied_region("东江区的产线", REGION) == (["东江区"], ["东江区"])
    assert implied_region("一家企业", REGION) == ([], [])


# -- k: the database ------------------------------------------------------------------------------

@pytest.fixture
def town(app, make):
    """Three 新材料 enterprises in 示范市 (two in 东江区), one in another city; one unverified."""
    issuer = make.user(Role.ENTERPRISE, org=make.org(ORG, region=REGION))
    neighbour = make.user(Role.ENTERPRISE, org=make.org("东江无纺科技有限公司", region=REGION))
    make.challenge(neighbour, field="新材料")
    across = make.org("北湖新材料有限公司", region="示范市北湖区")  # in the field by its expert
    db.session.add(ExpertProfile(name="张工", organization_id=across.id, organization_name=across.name,
                                 fields="新材料,高端装备"))
    far = make.user(Role.ENTERPRISE, org=make.org("远方材料有限公司", region="邻省某市"))
    make.challenge(far, field="新材料")
    pending = make.user(Role.ENTERPRISE, org=make.org("待审材料有限公司", region=REGION,
                                                      state=OrgState.PENDING))
    make.challenge(pending, field="新材料")
    other_field = make.user(Role.ENTERPRISE, org=make.org("东江药业有限公司", region=REGION))
    make.challenge(other_field, field="生物医药")
    uni = make.org("东江大学", type=OrgType.UNIVERSITY, region=REGION)
    db.session.add(ExpertProfile(name="李教授", organization_id=uni.id, organization_name=uni.name,
                                 fields="新材料"))
    db.session.commit()
    return issuer


@pytest.mark.parametrize("summary, k", [
    ("一种熔喷非织造材料的过滤效率提升。", 4),     # no region implied: the field platform-wide
    ("本市一家企业的熔喷材料过滤效率提升。", 3),   # 示范市: issuer, neighbour, 北湖
    ("示范市企业的熔喷材料过滤效率提升。", 3),
    ("东江区企业的熔喷材料过滤效率提升。", 2),     # issuer and neighbour
])
def test_k_counts_verified_enterprises_of_the_field_in_the_implied_region(make, town, summary, k):
    challenge = make.challenge(town, field="新材料", summary=summary,
                               confidentiality=Confidentiality.DESENSITIZED)
    assert check(challenge).anonymity.k == k
    assert bool(check(challenge).anonymity.fix) == (k <= 3)


def test_k_is_one_when_the_issuer_is_alone_in_its_field_there(make, town):
    challenge = make.challenge(town, field="海洋装备", summary="本市一家企业的水下机器人密封。",
                               confidentiality=Confidentiality.DIRECTED)
    result = check(challenge)
    assert (result.anonymity.k, result.anonymity.region) == (1, "示范市")
    assert "k = 1" in result.anonymity.message and "示范市" in result.anonymity.message
    assert "本市" in result.anonymity.fix  # the fix names what to drop


# -- on the pages ---------------------------------------------------------------------------------

def test_the_warnings_stand_beside_the_summary_and_on_the_screening_page(make, auth, client, town):
    challenge = make.challenge(town, field="新材料",
                               summary="恒泰滨江工业园产线的熔喷布，现有过滤效率 95.2%。",
                               detail=DETAIL, confidentiality=Confidentiality.DESENSITIZED)
    auth.login(town)
    page = client.get(f"/challenges/{challenge.id}/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="desens"' in html
    for kind, text in [("abbreviation", "恒泰"), ("place", "滨江工业园"), ("figure", "95.2")]:
        assert f'data-kind="{kind}"' in html and f"<mark>{text}</mark>" in html
    auth.logout()
    perform(challenge, "submit", town)
    assert challenge.state is ChallengeState.SCREENING
    admin = make.user(Role.ADMIN)
    db.session.commit()
    auth.login(admin)
    html = client.get(f"/admin/challenges/{challenge.id}").get_data(as_text=True)
    assert 'data-kind="place"' in html and "<mark>滨江工业园</mark>" in html


def test_a_public_challenge_gets_no_check_and_a_clean_one_says_so(make, auth, client, town):
    public = make.challenge(town, summary="恒泰公开征集熔喷布方案。", confidentiality=Confidentiality.PUBLIC)
    clean = make.challenge(town, summary=CLEAN, detail=DETAIL, field="新材料",
                           confidentiality=Confidentiality.DESENSITIZED)
    auth.login(town)
    assert 'data-testid="desens"' not in client.get(f"/challenges/{public.id}/edit").get_data(as_text=True)
    html = client.get(f"/challenges/{clean.id}/edit").get_data(as_text=True)
    assert 'data-testid="desens-clean"' in html and 'data-kind=' not in html


def test_saving_a_leaky_summary_is_never_blocked(make, auth, client, town):
    challenge = make.challenge(town, confidentiality=Confidentiality.DESENSITIZED, detail=DETAIL)
    auth.login(town)
    form = form_data(summary=f"{ORG}的熔喷布过滤效率提升。", detail=DETAIL, field="新材料")
    response = client.post(f"/challenges/{challenge.id}/edit", data=form, follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(challenge)
    assert challenge.summary == f"{ORG}的熔喷布过滤效率提升。"
    assert 'data-kind="name"' in response.get_data(as_text=True)


def test_submitting_a_leaky_summary_goes_through_with_a_warning(make, auth, client, town):
    challenge = make.challenge(town, confidentiality=Confidentiality.DESENSITIZED, detail=DETAIL)
    auth.login(town)
    form = form_data(summary=f"{ORG}的熔喷布过滤效率提升。", detail=DETAIL, field="新材料", save=None,
                     submit="1")
    response = client.post(f"/challenges/{challenge.id}/edit", data=form, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "已提交科技局审核" in html and "脱敏检查提示 1 处" in html  # the name (k = 4)
    db.session.refresh(challenge)
    assert challenge.state is ChallengeState.SCREENING
