"""榜单大厅: what is listed to whom, filters, search, sorting, pagination."""

import re

import pytest

from challenge.extensions import db
from challenge.posting import operations as ops
from challenge.states import ChallengeKind, ChallengeState, Confidentiality, Role


def titles(html: str) -> list[str]:
    return re.findall(r'class="stretched-link[^"]*" href="/challenges/\d+">([^<]+)</a>', html)


@pytest.fixture
def hall(make, people):
    issuer, admin = people["issuer"], people["admin"]
    specs = [
        ("熔喷布过滤效率提升", ChallengeKind.CHOKEPOINT, "新材料", 300, Confidentiality.PUBLIC),
        ("高端轴承钢纯净度控制", ChallengeKind.IMPORT_SUBSTITUTION, "高端装备", 800,
         Confidentiality.DESENSITIZED),
        ("车规级芯片封装可靠性", ChallengeKind.CHOKEPOINT, "集成电路", 1200, Confidentiality.PUBLIC),
        ("农产品冷链保鲜", ChallengeKind.INDUSTRY_SHORTAGE, "现代农业", 50, Confidentiality.PUBLIC),
        ("定向的保密需求", ChallengeKind.OTHER, "新材料", 999, Confidentiality.DIRECTED),
    ]
    made = {}
    for title, kind, field, wan, conf in specs:
        made[title] = make.challenge(issuer, ChallengeState.OPEN, admin=admin, title=title, kind=kind,
                                     field=field, bounty_fen=wan * 1_000_000,
                                     investment_fen=wan * 3_000_000, confidentiality=conf,
                                     summary=f"面向{field}领域的需求：{title}。")
    made["draft"] = make.challenge(issuer, title="尚未提交的草稿")
    made["reviewing"] = make.challenge(issuer, ChallengeState.REVIEWING, admin=admin,
                                       title="已截止的评审中榜")
    return made


def test_visitor_sees_open_public_faces_only(client, hall):
    html = client.get("/").get_data(as_text=True)
    listed = titles(html)
    assert set(listed) == {"熔喷布过滤效率提升", "高端轴承钢纯净度控制", "车规级芯片封装可靠性",
                           "农产品冷链保鲜"}
    assert "共 4 个榜" in html
    assert "某企业" in html  # the 脱敏 榜's issuer is hidden


def test_directed_is_listed_to_invitee_issuer_and_admin(client, auth, hall, people, make):
    invitee = make.user(Role.SOLVER)
    ops.invite_solver(hall["定向的保密需求"], people["issuer"], invitee)
    db.session.commit()
    for user, sees in ((people["solver"], False), (invitee, True), (people["issuer"], True),
                       (people["admin"], True), (people["other_enterprise"], False)):
        auth.login(user)
        assert ("定向的保密需求" in titles(client.get("/").get_data(as_text=True))) is sees, user
        auth.logout()


def test_all_states_tab_shows_recent_non_open(client, hall):
    listed = titles(client.get("/?state=all").get_data(as_text=True))
    assert "已截止的评审中榜" in listed and "尚未提交的草稿" not in listed
    assert titles(client.get("/?state=reviewing").get_data(as_text=True)) == ["已截止的评审中榜"]


@pytest.mark.parametrize("query,expected", [
    ("kind=chokepoint", {"熔喷布过滤效率提升", "车规级芯片封装可靠性"}),
    ("field=现代农业", {"农产品冷链保鲜"}),
    ("min=300&max=800", {"熔喷布过滤效率提升", "高端轴承钢纯净度控制"}),
    ("min=1000", {"车规级芯片封装可靠性"}),
    ("q=轴承", {"高端轴承钢纯净度控制"}),
    ("q=芯片 封装", {"车规级芯片封装可靠性"}),
    ("q=100%", set()),
    ("q=现代农业领域", {"农产品冷链保鲜"}),
])
def test_filters_and_search(client, hall, query, expected):
    assert set(titles(client.get(f"/?{query}").get_data(as_text=True))) == expected


def test_exact_words_win_over_fuzzy_hits(client, hall):
    html = client.get("/?q=封装").get_data(as_text=True)
    assert titles(html) == ["车规级芯片封装可靠性"] and "fuzzy-notice" not in html


@pytest.mark.parametrize("query,expected", [
    ("熔喷部过滤", "熔喷布过滤效率提升"),          # a typo (部 for 布)
    ("车规芯片可靠", "车规级芯片封装可靠性"),      # words not contiguous in the title
    ("轴承钢纯度", "高端轴承钢纯净度控制"),        # a shortened word
])
def test_typos_and_segmentation_fall_back_to_the_matcher(client, hall, query, expected):
    html = client.get(f"/?q={query}").get_data(as_text=True)
    assert "fuzzy-notice" in html
    assert titles(html)[0] == expected


def test_fuzzy_fallback_still_respects_visibility_and_filters(client, hall):
    html = client.get("/?q=定向保密需求").get_data(as_text=True)
    assert "定向的保密需求" not in titles(html)
    assert titles(client.get("/?q=熔喷部过滤&kind=other").get_data(as_text=True)) == []


def test_search_never_matches_the_confidential_body(client, hall):
    hall["高端轴承钢纯净度控制"].detail = "秘密工艺参数：真空脱气时间二十八分钟"
    db.session.commit()
    assert titles(client.get("/?q=真空脱气").get_data(as_text=True)) == []


def test_bad_bounty_filter_is_explained_not_500(client, hall):
    response = client.get("/?min=abc&max=-1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "请输入数字" in html and "不能为负数" in html


@pytest.mark.parametrize("sort,first", [("bounty", "车规级芯片封装可靠性"), ("newest", "农产品冷链保鲜")])
def test_sorting(client, hall, sort, first):
    assert titles(client.get(f"/?sort={sort}").get_data(as_text=True))[0] == first


def test_kind_counts_shown(client, hall):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r"卡脖子技术 <span class=\"text-muted\">\(2\)</span>", html)


def test_pagination(client, make, people):
    for n in range(15):
        make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"], title=f"榜{n:02d}")
    first = titles(client.get("/?sort=newest").get_data(as_text=True))
    second = titles(client.get("/?sort=newest&page=2").get_data(as_text=True))
    assert len(first) == 12 and len(second) == 3 and not set(first) & set(second)
    assert client.get("/?page=99").status_code == 200


def test_detail_hides_issuer_and_body_of_desensitized(client, hall):
    c = hall["高端轴承钢纯净度控制"]
    html = client.get(f"/challenges/{c.id}").get_data(as_text=True)
    assert "某企业" in html and c.issuer.name not in html
    assert c.detail not in html and "王工" not in html and "13800001111" not in html
    public = hall["熔喷布过滤效率提升"]
    html = client.get(f"/challenges/{public.id}").get_data(as_text=True)
    assert public.issuer.name in html and public.detail in html and "过滤效率" in html
