"""统计公开: anyone may read the bureau's published figures; they are aggregates only, and no
name or text of a confidential (脱敏 / 定向) 榜 ever appears on the page."""

import re

import pytest

from challenge.extensions import db
from challenge.states import ChallengeKind, ChallengeState, Confidentiality, OrgType, Role

from .test_stats import WAN, build_world

STATES = (ChallengeState.OPEN, ChallengeState.REVIEWING, ChallengeState.PUBLICITY,
          ChallengeState.CONTRACTED, ChallengeState.CLOSED, ChallengeState.FAILED,
          ChallengeState.UNCLAIMED, ChallengeState.SCREENING)


@pytest.fixture
def secrets(make, people):
    """A confidential 榜 in every state a statistic can count, each by its own enterprise with
    a name and a detail text that must stay secret; and public ones beside them."""
    admin = people["admin"]
    hidden = []
    for n, state in enumerate(STATES):
        for level in (Confidentiality.DESENSITIZED, Confidentiality.DIRECTED):
            org = make.org(name=f"绝密精工{n}{level.value}有限公司", type=OrgType.ENTERPRISE,
                           region=f"保密县{n}")
            issuer = make.user(Role.ENTERPRISE, org=org)
            board = make.challenge(issuer, state, admin=admin, confidentiality=level,
                                   title=f"机密榜题{n}{level.value}",
                                   detail=f"内部工艺参数{n}{level.value}：良率 63%，主轴振动超标",
                                   kind=ChallengeKind.CHOKEPOINT, bounty_fen=100 * WAN,
                                   investment_fen=600 * WAN)
            hidden.append(board)
    public = make.challenge(people["issuer"], ChallengeState.CONTRACTED, admin=admin, title="公开榜",
                            kind=ChallengeKind.OTHER, bounty_fen=40 * WAN, investment_fen=50 * WAN)
    db.session.commit()
    return hidden, public


def number(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="public-{testid}">\s*([^<\s]+)', html)
    assert found, testid
    return found.group(1)


@pytest.mark.parametrize("query", ["", "?period=all", "?period=last_half_year",
                                   "?period=all&kind=chokepoint", "?period=custom&start=2020-01-01"])
def test_nothing_confidential_leaks(client, secrets, query):
    hidden, public = secrets
    html = client.get(f"/statistics{query}").text
    for board in hidden:
        assert board.issuer.name not in html
        assert board.detail not in html and "内部工艺参数" not in html
        assert board.title not in html
        assert board.issuer.region not in html
        assert board.contact_phone not in html
    assert "/admin/" not in html.split("<main")[1].split("</main>")[0]  # no drill-down links


def test_the_figures_are_the_aggregates(client, secrets):
    hidden, public = secrets
    html = client.get("/statistics?period=all").text
    contracted = [b for b in hidden if b.contracted_at] + [public]
    assert number(html, "contracted") == str(len(contracted))
    assert number(html, "bounty") == f"{sum(b.bounty_fen for b in contracted) / WAN:,.2f}"
    assert number(html, "investment") == f"{sum(b.investment_fen for b in contracted) / WAN:,.2f}"
    assert number(html, "ge-500") == str(len(contracted) - 1)  # every hidden one has 600 万
    assert number(html, "ge-1000") == "0"
    published = [b for b in hidden if b.published_at] + [public]
    assert number(html, "published") == str(len(published))
    assert html.count("<svg") >= 3 and 'class="stats-chart' in html
    # Only the aggregate outcome table, no list of 榜 of any kind.
    assert "公开榜" not in html


def test_region_and_field_filters_are_not_offered_publicly(client, secrets):
    """A region with one enterprise would name it by elimination: the public page ignores them."""
    everything = client.get("/statistics?period=all").text
    narrowed = client.get("/statistics?period=all&region=保密县0&field=新材料").text
    assert number(narrowed, "published") == number(everything, "published")
    assert 'name="region"' not in everything and 'name="field"' not in everything


def test_anyone_may_read_it_and_the_footer_links_it(client, auth, people, secrets):
    assert client.get("/statistics").status_code == 200
    assert 'href="/statistics"' in client.get("/").text
    auth.login(people["solver"])
    assert client.get("/statistics").status_code == 200


def test_bad_dates_get_a_message(client, secrets):
    page = client.get("/statistics?period=custom&start=2026-02-30")
    assert page.status_code == 200 and "开始日期格式应为" in page.text


def test_the_hand_computed_world_in_public(client, make, people):
    world = build_world(make, people)
    html = client.get("/statistics?period=custom&start=2026-07-01&end=2026-12-31").text
    assert (number(html, "contracted"), number(html, "bounty"), number(html, "ge-1000")) == \
        ("2", "800.00", "1")
    assert number(html, "days") == "30.2"
    for secret in (world.b, world.f):  # the desensitised ones
        assert secret.issuer.name not in html and secret.detail not in html
