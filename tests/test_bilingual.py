"""The bilingual 榜 (issue 13, item 2): an optional English face (title, summary, indicator
names) entered by the enterprise, checked in screening and required by the bureau for a 榜
published worldwide (面向全球发布); the English hall, detail and results show it, mark the
Chinese fallback (仅中文), filter worldwide 榜 and search both faces; the confidential body
stays hidden in both languages.

The app has no English catalog on this branch's own, so English pages are recognised by the
English face (user text) and the data-testid of the fallback marker, not by translated chrome."""

import re
from datetime import timedelta

import flask_babel
import pytest
from sqlalchemy import select

from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import AuditEvent, Challenge
from challenge.permissions import grant_for
from challenge.posting import operations as ops
from challenge.posting.rules import ENGLISH_FACE
from challenge.states import ChallengeState, Confidentiality, Role
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform, problems
from tests.test_posting import form_data

TITLE_EN = "Graphene membrane for seawater desalination"
SUMMARY_EN = "We need a durable graphene oxide membrane that performs steadily for years."
INDICATORS = [{"name": "脱盐率", "name_en": "Salt rejection", "target": "≥99.5", "unit": "%",
               "method": "NaCl 2000 ppm"},
              {"name": "水通量", "name_en": "Water flux", "target": "≥40", "unit": "LMH",
               "method": "15.5 bar"}]
BODY = "保密：现有膜片氧化石墨烯层间距 0.9 nm，供应商为某外企"


def english(**overrides) -> dict:
    """A 榜 with its whole English face."""
    return {"title": "海水淡化用石墨烯膜", "summary": "需要耐久的氧化石墨烯分离膜，长期运行性能稳定。",
            "detail": BODY, "title_en": TITLE_EN, "summary_en": SUMMARY_EN,
            "indicators": INDICATORS, **overrides}


def _fresh_locale() -> None:
    """The test holds an app context that the test client's requests share, and Flask-Babel
    keeps the locale it chose on it: forget it, so each request chooses again (as a real one,
    with its own app context, does)."""
    flask_babel.refresh()


def en(client, path: str, status: int = 200) -> str:
    """A page in English (the ?lang=en switch)."""
    _fresh_locale()
    response = client.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def zh(client, path: str, status: int = 200) -> str:
    _fresh_locale()
    response = client.get(path + ("&" if "?" in path else "?") + "lang=zh")
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def markers(html: str) -> int:
    return html.count('data-testid="zh-only"')


# -- the model ---------------------------------------------------------------------------------

def test_english_face_missing_names_each_missing_part(app, make, people):
    whole = make.challenge(people["issuer"], **english())
    assert whole.english_face_missing() == []
    bare = make.challenge(people["issuer"])
    assert bare.english_face_missing() == ["title_en", "summary_en", "indicators"]
    one_name = make.challenge(people["issuer"], **english(indicators=[
        INDICATORS[0], {**INDICATORS[1], "name_en": "  "}]))
    assert one_name.english_face_missing() == ["indicators"]
    blank_title = make.challenge(people["issuer"], **english(title_en=" "))
    assert blank_title.english_face_missing() == ["title_en"]
    assert whole.face_title(True) == TITLE_EN and whole.face_title(False) == "海水淡化用石墨烯膜"
    assert bare.face_title(True) == bare.title


# -- the guard on publishing ---------------------------------------------------------------------

def _screening(make, people, **values) -> Challenge:
    return make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"],
                          **values)


def _deadline():
    return utcnow() + timedelta(days=30)


def test_a_worldwide_榜_without_its_english_face_is_not_published(app, make, people):
    challenge = _screening(make, people, worldwide=True)
    with pytest.raises(Refused) as refused:
        perform(challenge, "publish", people["admin"], deadline_at=_deadline())
    assert refused.value.field == "worldwide"  # shown next to the 面向全球发布 box
    assert refused.value.items == tuple(str(ENGLISH_FACE[k])
                                        for k in ("title_en", "summary_en", "indicators"))
    db.session.rollback()
    assert db.session.get(Challenge, challenge.id).state is ChallengeState.SCREENING
    # What the publish button would say, through the same door.
    assert problems(challenge, "publish", people["admin"], deadline_at=_deadline()) == list(
        refused.value.items)


def test_a_worldwide_榜_missing_one_indicator_name_is_refused_for_that_alone(app, make, people):
    challenge = _screening(make, people, worldwide=True, **english(indicators=[
        INDICATORS[0], {**INDICATORS[1], "name_en": ""}]))
    with pytest.raises(Refused) as refused:
        perform(challenge, "publish", people["admin"], deadline_at=_deadline())
    assert refused.value.items == (str(ENGLISH_FACE["indicators"]),)


def test_a_worldwide_榜_with_its_english_face_is_published(app, make, people):
    challenge = _screening(make, people, worldwide=True, **english())
    perform(challenge, "publish", people["admin"], deadline_at=_deadline())
    db.session.commit()
    assert challenge.state is ChallengeState.OPEN and challenge.worldwide


def test_the_english_face_is_not_required_when_not_worldwide(app, make, people):
    challenge = _screening(make, people)
    assert challenge.english_face_missing() and not challenge.worldwide
    perform(challenge, "publish", people["admin"], deadline_at=_deadline())
    assert challenge.state is ChallengeState.OPEN


def test_other_guard_problems_keep_their_place_beside_the_english_face(app, make, people):
    """A refusal mixing a page-wide problem and the box's is shown on the page (field None)."""
    challenge = _screening(make, people, worldwide=True)
    with pytest.raises(Refused) as refused:
        perform(challenge, "publish", people["admin"], deadline_at=utcnow() - timedelta(days=1))
    assert refused.value.field is None and len(refused.value.items) == 4


def test_republishing_an_unclaimed_worldwide_榜_needs_the_english_face_too(app, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.UNCLAIMED, admin=people["admin"])
    challenge.worldwide = True
    with pytest.raises(Refused) as refused:
        perform(challenge, "republish", people["admin"], deadline_at=_deadline())
    assert refused.value.field == "worldwide"


# -- the bureau's screening page -----------------------------------------------------------------

def test_the_bureau_marks_worldwide_and_is_refused_next_to_the_box(client, auth, make, people):
    challenge = _screening(make, people)
    auth.login(people["admin"])
    page = client.get(f"/admin/challenges/{challenge.id}").get_data(as_text=True)
    assert 'id="worldwide"' in page and 'data-testid="english-face"' in page
    day = (local_today() + timedelta(days=30)).isoformat()
    response = client.post(f"/admin/challenges/{challenge.id}/publish",
                           data={"deadline": day, "worldwide": "y"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    box = re.search(r'<input[^>]*id="worldwide"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    assert box and "is-invalid" in box.group(0)
    assert str(ENGLISH_FACE["title_en"]) in box.group(1)
    assert str(ENGLISH_FACE["summary_en"]) in box.group(1)
    db.session.expire_all()
    refused = db.session.get(Challenge, challenge.id)
    assert refused.state is ChallengeState.SCREENING and not refused.worldwide  # rolled back
    assert 'checked' in box.group(0)  # the bureau's tick is not lost


def test_in_english_each_missing_part_is_its_own_line_next_to_the_box(client, auth, make, people):
    """The refusal's problems stand one per line in either language (its joined message, with the
    page's own separator, is for a flash)."""
    challenge = _screening(make, people)
    auth.login(people["admin"])
    day = (local_today() + timedelta(days=30)).isoformat()
    html = client.post(f"/admin/challenges/{challenge.id}/publish?lang=en",
                       data={"deadline": day, "worldwide": "y"}).get_data(as_text=True)
    box = re.search(r'<input[^>]*id="worldwide"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    with flask_babel.force_locale("en"):
        title, summary = str(ENGLISH_FACE["title_en"]), str(ENGLISH_FACE["summary_en"])
    assert box and title in box.group(1) and summary in box.group(1)
    assert f"{title}; {summary}" not in box.group(1)


def test_the_bureau_publishes_worldwide_with_the_english_face(client, auth, make, people):
    challenge = _screening(make, people, **english())
    auth.login(people["admin"])
    page = client.get(f"/admin/challenges/{challenge.id}").get_data(as_text=True)
    # The English beside the Chinese for checking.
    assert TITLE_EN in page and SUMMARY_EN in page and "Salt rejection" in page
    day = (local_today() + timedelta(days=30)).isoformat()
    response = client.post(f"/admin/challenges/{challenge.id}/publish",
                           data={"deadline": day, "worldwide": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    published = db.session.get(Challenge, challenge.id)
    assert published.state is ChallengeState.OPEN and published.worldwide
    mark = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_id == challenge.id, AuditEvent.action == "edit")).one()
    assert mark.changes == {"worldwide": [False, True]} and mark.actor_id == people["admin"].id
    history = client.get(f"/challenges/{challenge.id}/history").get_data(as_text=True)
    assert "面向全球发布" in history  # the audit trail names the field


def test_the_enterprises_request_is_the_boxes_default_and_the_bureau_may_clear_it(
        client, auth, make, people):
    challenge = _screening(make, people, worldwide=True)
    auth.login(people["admin"])
    page = client.get(f"/admin/challenges/{challenge.id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*id="worldwide"|<input[^>]*id="worldwide"[^>]*checked',
                     page)
    assert 'data-testid="english-face-missing"' in page
    day = (local_today() + timedelta(days=30)).isoformat()
    response = client.post(f"/admin/challenges/{challenge.id}/publish", data={"deadline": day})
    assert response.status_code == 302
    db.session.expire_all()
    published = db.session.get(Challenge, challenge.id)
    assert published.state is ChallengeState.OPEN and not published.worldwide


# -- the enterprise's form ---------------------------------------------------------------------

@pytest.fixture
def issuer(people, auth):
    auth.login(people["issuer"])
    return people["issuer"]


def test_the_enterprise_saves_the_english_face(client, issuer):
    response = client.post("/challenges/new", data=form_data(
        title_en=TITLE_EN, summary_en=SUMMARY_EN, **{"indicators-0-name_en": "Cycles",
                                                     "indicators-1-name_en": "Delamination"}))
    assert response.status_code == 302
    challenge = db.session.scalars(select(Challenge)).one()
    assert (challenge.title_en, challenge.summary_en, challenge.worldwide) == (
        TITLE_EN, SUMMARY_EN, False)
    assert [i.name_en for i in challenge.indicators] == ["Cycles", "Delamination"]
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "create")).one()
    assert created.changes["title_en"] == [None, TITLE_EN]
    page = client.get(f"/challenges/{challenge.id}/edit").get_data(as_text=True)
    assert f'value="{TITLE_EN}"' in page and 'value="Delamination"' in page


def test_asking_for_worldwide_needs_the_english_face_when_submitting(client, issuer):
    html = client.post("/challenges/new", data=form_data(
        worldwide="y", save=None, submit="1")).get_data(as_text=True)
    assert "面向全球发布须填写英文榜单名称" in html and "面向全球发布须填写英文公开摘要" in html
    assert html.count("面向全球发布须填写英文指标名称") == 2  # one per indicator row
    assert db.session.scalars(select(Challenge)).all() == []
    # A draft may be saved without it; the request is kept.
    assert client.post("/challenges/new", data=form_data(worldwide="y")).status_code == 302
    assert db.session.scalars(select(Challenge)).one().worldwide


def test_not_worldwide_the_english_face_stays_optional(client, issuer):
    response = client.post("/challenges/new", data=form_data(save=None, submit="1"))
    assert response.status_code == 302
    assert db.session.scalars(select(Challenge)).one().state is ChallengeState.SCREENING


def test_an_edit_of_the_english_face_reads_in_the_audit_trail(client, issuer, make):
    challenge = make.challenge(issuer, **english())
    data = form_data(title=challenge.title, title_en="Graphene oxide membranes",
                     summary_en=SUMMARY_EN, **{"indicators-0-name_en": "Salt rejection rate",
                                               "indicators-1-name_en": "Flux"})
    assert client.post(f"/challenges/{challenge.id}/edit", data=data).status_code == 302
    history = client.get(f"/challenges/{challenge.id}/history").get_data(as_text=True)
    assert "英文榜单名称" in history and "Graphene oxide membranes" in history
    assert "温度循环次数 / Salt rejection rate" in history


# -- the public pages in English ------------------------------------------------------------------

@pytest.fixture
def hall(make, people):
    """An open worldwide 榜 with its English face and an open one in Chinese only."""
    issuer, admin = people["issuer"], people["admin"]
    world = make.challenge(issuer, ChallengeState.OPEN, admin=admin, worldwide=True, **english())
    local = make.challenge(issuer, ChallengeState.OPEN, admin=admin, title="本地熔喷布项目",
                           summary="只有中文的摘要。")
    return world, local


def test_the_english_hall_shows_the_english_face_and_marks_the_fallback(client, hall):
    world, local = hall
    html = en(client, "/")
    card = html[html.index(f"/challenges/{world.id}\""):][:3000]
    assert TITLE_EN in card and SUMMARY_EN in card and 'data-testid="worldwide"' in card
    assert "海水淡化用石墨烯膜" not in html
    other = html[html.index(f"/challenges/{local.id}\""):][:3000]
    assert "本地熔喷布项目" in other and markers(other) == 2  # title and summary fall back
    assert markers(html) == 2


def test_the_chinese_hall_is_as_before(client, hall):
    world, _local = hall
    html = zh(client, "/")
    assert "海水淡化用石墨烯膜" in html and TITLE_EN not in html and markers(html) == 0


def test_the_hall_filters_worldwide_榜(client, hall):
    world, local = hall
    html = en(client, "/?worldwide=1")
    assert f"/challenges/{world.id}\"" in html and f"/challenges/{local.id}\"" not in html
    assert 'name="worldwide" value="1"' in html  # the search box keeps the filter
    both = en(client, "/")
    assert f"/challenges/{world.id}\"" in both and f"/challenges/{local.id}\"" in both


def test_the_english_detail_shows_the_english_face_and_indicator_names(client, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                               **english(indicators=[INDICATORS[0], {**INDICATORS[1], "name_en": ""}]))
    html = en(client, f"/challenges/{challenge.id}")
    assert f"<title>{TITLE_EN}" in html
    title = re.search(r'data-testid="title">(.*?)</h1>', html, re.S).group(1)
    assert TITLE_EN in title and markers(title) == 0
    assert SUMMARY_EN in html and "Salt rejection" in html
    table = re.search(r'data-testid="indicators">.*?</table>', html, re.S).group(0)
    assert "Salt rejection" in table and "水通量" in table and markers(table) == 1
    # The body (public here) has no English face: its heading says it is in Chinese only.
    body_heading = html[:html.index('data-testid="detail"')][-400:]
    assert markers(body_heading) == 1 and BODY in html
    chinese = zh(client, f"/challenges/{challenge.id}")
    assert "海水淡化用石墨烯膜" in chinese and TITLE_EN not in chinese and "Salt rejection" not in chinese


def test_the_english_detail_of_a_chinese_only_榜_marks_it(client, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    html = en(client, f"/challenges/{challenge.id}")
    title = re.search(r'data-testid="title">(.*?)</h1>', html, re.S).group(1)
    assert challenge.title in title and markers(title) == 1 and 'lang="zh-CN"' in title
    summary = re.search(r'data-testid="summary">(.*?)</p>', html, re.S).group(1)
    assert markers(summary) == 1


def test_the_english_results_pages_show_the_english_title(client, make, people):
    decided = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"],
                             **english())
    plain = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"],
                           title="只有中文的结果")
    html = en(client, "/results")
    row = re.search(rf'data-testid="result-{decided.id}">.*?</div>', html, re.S).group(0)
    assert TITLE_EN in row and "海水淡化用石墨烯膜" not in row
    other = re.search(rf'data-testid="result-{plain.id}">.*?</div>', html, re.S).group(0)
    assert "只有中文的结果" in other and markers(other) == 1
    show = en(client, f"/results/{decided.id}")
    assert TITLE_EN in show and "海水淡化用石墨烯膜" not in show
    assert TITLE_EN not in zh(client, f"/results/{decided.id}")


def test_the_english_closed_results_show_the_english_title(client, make, people):
    closed = make.challenge(people["issuer"], ChallengeState.CLOSED, admin=people["admin"],
                            **english())
    html = en(client, "/results/closed")
    row = re.search(rf'data-testid="closed-{closed.id}">.*?</tr>', html, re.S).group(0)
    assert TITLE_EN in row and markers(row) == 0


# -- search on both faces -----------------------------------------------------------------------

def test_a_keyword_finds_a_榜_by_its_english_title_or_summary(client, hall):
    world, local = hall
    for q in ("graphene", "Graphene membrane", "durable oxide", "SEAWATER desalination"):
        html = en(client, f"/?q={q}")
        assert f"/challenges/{world.id}\"" in html, q
        assert f"/challenges/{local.id}\"" not in html, q
        assert 'data-testid="fuzzy-notice"' not in html, q
    # In Chinese too: the English face is searchable whatever the page's language.
    assert f"/challenges/{world.id}\"" in zh(client, "/?q=graphene")


def test_the_fuzzy_search_finds_a_榜_by_english_words(client, hall):
    """No 榜 holds every word as typed ("graphene seawater purifier"): the matcher ranks by the
    English words it shares with the English face."""
    world, local = hall
    html = en(client, "/?q=graphene seawater purifier")
    assert 'data-testid="fuzzy-notice"' in html
    assert f"/challenges/{world.id}\"" in html and f"/challenges/{local.id}\"" not in html


def test_search_never_reaches_the_body_in_either_language(client, make, people):
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                   confidentiality=Confidentiality.DESENSITIZED,
                   **english(detail="秘密 Zirconium interlayer spacing 0.9 nm"))
    for page in (en(client, "/?q=Zirconium"), zh(client, "/?q=Zirconium")):
        assert TITLE_EN not in page and "海水淡化用石墨烯膜" not in page


# -- confidentiality in both languages ----------------------------------------------------------

VIEWERS = ["visitor", "solver", "granted"]


def _viewer(name, client, auth, people, make, challenge):
    """Sign in as *name*: nobody, a solver with no grant, or a solver invited and granted the
    body (undertaking signed), as the access table's "granted" column."""
    if name == "visitor":
        return
    solver = people["solver"] if name == "solver" else make.user(Role.SOLVER, name="受邀揭榜人")
    if name == "granted":
        ops.invite_solver(challenge, people["issuer"], solver)  # 定向: also the grant
        grant = grant_for(solver, challenge)
        if grant is None:  # 公开 / 脱敏: asked and granted through the door
            grant = ops.request_access(challenge, solver, "课题组")
            ops.decide_access(grant, people["issuer"], "grant")
        ops.accept_undertaking(grant, solver)
    db.session.commit()
    auth.login(solver)


# (publicity kind, viewer) -> (detail page status, body shown on the detail, body page status)
CONFIDENTIALITY = {
    (Confidentiality.PUBLIC, "visitor"): (200, True, 200),
    (Confidentiality.PUBLIC, "solver"): (200, True, 200),
    (Confidentiality.PUBLIC, "granted"): (200, True, 200),
    (Confidentiality.DESENSITIZED, "visitor"): (200, False, 403),
    (Confidentiality.DESENSITIZED, "solver"): (200, False, 403),
    (Confidentiality.DESENSITIZED, "granted"): (200, False, 200),
    (Confidentiality.DIRECTED, "visitor"): (404, False, 403),
    (Confidentiality.DIRECTED, "solver"): (404, False, 403),
    (Confidentiality.DIRECTED, "granted"): (200, False, 200),
}


@pytest.mark.parametrize("kind, viewer", list(CONFIDENTIALITY))
def test_the_english_face_never_opens_the_body(client, auth, make, people, kind, viewer):
    """Each publicity kind and viewer: the English page shows exactly what the Chinese page
    may show (same statuses, the body on neither or both), the English face where the public
    face is shown, and never the body or a confidential 榜's indicators to who may not read them."""
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                               confidentiality=kind, worldwide=True, **english())
    _viewer(viewer, client, auth, people, make, challenge)
    status, body_on_detail, body_status = CONFIDENTIALITY[(kind, viewer)]
    pages = {}
    for lang, get in (("en", en), ("zh", zh)):
        detail = get(client, f"/challenges/{challenge.id}", status)
        body = get(client, f"/challenges/{challenge.id}/body", body_status)
        hall = get(client, "/?state=all")
        pages[lang] = (detail, body, hall)
        assert (BODY in detail) is body_on_detail
        # Indicator names, Chinese or English, travel with the body of a confidential 榜.
        assert ("Salt rejection" in detail) is (body_on_detail and lang == "en")
        assert ("脱盐率" in detail) is (body_on_detail and lang == "zh")
        assert (BODY in body) is (body_status == 200)
        assert (f"/challenges/{challenge.id}\"" in hall) is (status == 200)
        if body_status == 200 and lang == "en":
            assert "Salt rejection" in body
    detail_en, _body, hall_en = pages["en"]
    detail_zh, _body, hall_zh = pages["zh"]
    assert (TITLE_EN in detail_en) is (status == 200) and (SUMMARY_EN in detail_en) is (status == 200)
    assert (TITLE_EN in hall_en) is (status == 200)
    assert TITLE_EN not in detail_zh and TITLE_EN not in hall_zh
    if kind is Confidentiality.DESENSITIZED and viewer != "granted":
        issuer_name = people["issuer"].organization.name
        assert issuer_name not in detail_en and issuer_name not in detail_zh


# -- the page cache varies by language ----------------------------------------------------------

def test_the_public_page_cache_keeps_one_page_per_language(app, make, people):
    from tests.test_caching import server_app

    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                               **english())
    server = server_app(app)
    try:
        chinese, english_reader = server.test_client(), server.test_client()
        path = f"/challenges/{challenge.id}"
        assert "海水淡化用石墨烯膜" in chinese.get(path).get_data(as_text=True)  # cached (zh)
        assert TITLE_EN in english_reader.get(path + "?lang=en").get_data(as_text=True)
        # The same URL, now read in English (the session's choice): not the Chinese page.
        again = english_reader.get(path).get_data(as_text=True)
        assert TITLE_EN in again and 'data-testid="title">海水' not in again
        assert TITLE_EN not in chinese.get(path).get_data(as_text=True)
        hall_zh, hall_en = chinese.get("/").get_data(as_text=True), english_reader.get("/").get_data(
            as_text=True)
        assert TITLE_EN in hall_en and TITLE_EN not in hall_zh
    finally:
        with server.app_context():
            db.engine.dispose()
