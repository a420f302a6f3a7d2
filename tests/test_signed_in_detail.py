"""The signed-in 榜 page's cheaper parts: the navbar kept per user (`personal_navbar`), the blank
答疑 form kept per 榜 (`kept_form`) and the solver's own bid read as two columns (`own_bid`), all
in challenge/hall/views.py.

The kept-HTML tests run on an app with the page cache and CSRF on (as `make run` serves): what is
kept must follow every value it shows, never show one user's navbar to another, and carry each
session's own CSRF token, never a token kept from another session."""

import re

import pytest
from sqlalchemy import update

from challenge.bidding import operations as bidding
from challenge.bidding.questions import answer_question, ask_question
from challenge.caching import cache
from challenge.extensions import db
from challenge.hall.views import CSRF_MARK
from challenge.models import Notification, Organization, Proposal, User
from challenge.states import ChallengeState, ProposalState, Role
from challenge.timeutil import utcnow
from challenge.workflow import perform

from .conftest import _config, isolated_app
from .factories import PASSWORD

TOKEN = re.compile(r'action="/auth/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)"')
ASK_TOKEN = re.compile(r'data-testid="ask-form" novalidate>\s*'
                       r'<input type="hidden" name="csrf_token" value="([^"]+)"')


@pytest.fixture
def served(app):
    """An app over the test's database with the page cache on (and CSRF, like production)."""
    made = isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
                                CACHE_TYPE="SimpleCache", WTF_CSRF_ENABLED=True))
    yield made
    with made.app_context():
        db.engine.dispose()


def sign_in(client, user) -> None:
    form = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    response = client.post("/auth/login", data={"login": user.email, "password": PASSWORD,
                                                 "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def navbar(html: str) -> str:
    return html[html.index('<nav class="navbar'):html.index("</nav>")]


def kept(served, part: str) -> list[str]:
    backend = served.extensions["cache"][cache]
    return [backend.get(key) for key in list(backend._cache) if part in key]


def kept_navbars(served, user) -> list[str]:
    return kept(served, f":navbar:{user.id}:")


def behind(statement) -> None:
    """A change no audit event announces (the page cache's generation does not move)."""
    db.session.execute(statement)
    db.session.commit()


def test_the_kept_navbar_follows_what_it_shows(served, make, people):
    issuer, admin, solver = people["issuer"], people["admin"], people["solver"]
    challenge = make.challenge(issuer, ChallengeState.OPEN, admin=admin, title="导航栏测试榜")
    path = f"/challenges/{challenge.id}"
    web = served.test_client()
    sign_in(web, solver)

    bar = navbar(web.get(path).get_data(as_text=True))
    assert f"</i> {solver.name} <small>揭榜方</small>" in bar and 'data-testid="unread"' not in bar
    assert solver.organization.name in bar and "我的揭榜" in bar
    kept = kept_navbars(served, solver)
    assert len(kept) == 1 and CSRF_MARK in kept[0] and "csrf_token\" value=\"\"" not in kept[0]

    db.session.add(Notification(user_id=solver.id, message="新消息", link="/"))
    db.session.commit()
    assert 'data-testid="unread">1<' in navbar(web.get(path).get_data(as_text=True))

    behind(update(User).where(User.id == solver.id).values(name="改过名的揭榜人"))
    assert "</i> 改过名的揭榜人 <small>" in navbar(web.get(path).get_data(as_text=True))

    behind(update(Organization).where(Organization.id == solver.organization_id)
           .values(name="改过名的单位"))
    assert "改过名的单位" in navbar(web.get(path).get_data(as_text=True))

    english = navbar(web.get(f"{path}?lang=en").get_data(as_text=True))
    assert "Sign out" in english and "退出登录" not in english

    behind(update(User).where(User.id == solver.id).values(role=Role.REVIEWER, locale="zh"))
    bar = navbar(web.get(path).get_data(as_text=True))
    assert "我的评审" in bar and "我的揭榜" not in bar

    other = served.test_client()  # another user on the same worker: their own navbar
    sign_in(other, people["other_solver"])
    bar = navbar(other.get(path).get_data(as_text=True))
    assert people["other_solver"].name in bar and "改过名的揭榜人" not in bar
    assert "改过名的单位" not in bar


def test_each_session_gets_its_own_logout_token(served, make, people):
    solver = people["solver"]
    first, second = served.test_client(), served.test_client()
    sign_in(first, solver)
    sign_in(second, solver)
    tokens = [TOKEN.search(client.get("/").get_data(as_text=True)).group(1)
              for client in (first, second)]
    assert tokens[0] != tokens[1]
    kept = kept_navbars(served, solver)
    assert kept and all(CSRF_MARK in html and tokens[0] not in html and tokens[1] not in html
                        for html in kept)

    refused = first.post("/auth/logout", data={"csrf_token": tokens[1]})  # the other session's
    assert refused.status_code == 400
    assert TOKEN.search(first.get("/").get_data(as_text=True))  # still signed in
    assert first.post("/auth/logout", data={"csrf_token": tokens[0]}).status_code == 302
    assert not TOKEN.search(first.get("/").get_data(as_text=True))  # signed out


def test_a_visitor_gets_the_plain_navbar_and_nothing_is_kept_for_them(served, make, people):
    web = served.test_client()
    bar = navbar(web.get("/?state=all").get_data(as_text=True))
    assert "/auth/login?next=/?state%3Dall" in bar and "退出登录" not in bar
    backend = served.extensions["cache"][cache]
    assert not [key for key in list(backend._cache) if ":navbar:" in key]


def draft_bid(challenge, solver) -> Proposal:
    proposal = Proposal(challenge=challenge, lead_org_id=solver.organization_id,
                        team_lead_id=solver.id, state=ProposalState.DRAFT, title="我单位的方案",
                        technical_approach="技术路线", requested_fen=0, budget=[], members=[],
                        version_no=1)
    db.session.add(proposal)
    db.session.commit()
    return proposal


BID = 'href="/challenges/{id}/bid"><i class="bi bi-flag"></i> 我要揭榜'
OWN = 'href="/proposals/{pid}"><i class="bi bi-file-earmark-text"></i> 查看我单位的方案（{label}）'


def test_the_side_button_shows_the_organisations_own_live_bid(client, auth, make, people):
    issuer, admin, solver = people["issuer"], people["admin"], people["solver"]
    challenge = make.challenge(issuer, ChallengeState.OPEN, admin=admin)
    path = f"/challenges/{challenge.id}"
    colleague = make.user(Role.SOLVER, org=solver.organization)
    db.session.commit()
    auth.login(solver)
    assert BID.format(id=challenge.id) in client.get(path).get_data(as_text=True)

    theirs = draft_bid(challenge, people["other_solver"])  # another organisation's bid
    assert BID.format(id=challenge.id) in client.get(path).get_data(as_text=True)

    ours = draft_bid(challenge, solver)
    own = OWN.format(pid=ours.id, label="草稿")
    assert own in client.get(path).get_data(as_text=True)
    auth.logout()
    auth.login(colleague)  # the organisation's bid, whoever of it looks
    assert own in client.get(path).get_data(as_text=True)

    behind(update(Proposal).where(Proposal.id == ours.id)
           .values(state=ProposalState.SUBMITTED, submitted_at=utcnow()))
    assert OWN.format(pid=ours.id, label="已提交") in client.get(path).get_data(as_text=True)
    behind(update(Proposal).where(Proposal.id == ours.id)
           .values(state=ProposalState.WITHDRAWN))
    html = client.get(path).get_data(as_text=True)
    assert BID.format(id=challenge.id) in html and "查看我单位的方案" not in html
    assert theirs.id != ours.id

    for user in (issuer, people["reviewer"]):  # no bid button for anyone but a solver
        auth.logout()
        auth.login(user)
        html = client.get(path).get_data(as_text=True)
        assert "我要揭榜" not in html and "查看我单位的方案" not in html


def test_the_kept_bids_follow_each_bid_through_the_door(served, make, people):
    """With the page cache on, the side button reads the 榜's live bids kept per generation:
    creating, submitting and withdrawing a bid each show on the very next view."""
    issuer, admin, solver = people["issuer"], people["admin"], people["solver"]
    challenge = make.challenge(issuer, ChallengeState.OPEN, admin=admin)
    path = f"/challenges/{challenge.id}"
    web = served.test_client()
    sign_in(web, solver)
    assert BID.format(id=challenge.id) in web.get(path).get_data(as_text=True)
    assert kept(served, f":{challenge.id}") and kept(served, "live-bids:")

    bid = bidding.start_proposal(challenge, solver, {
        "title": "我单位的方案", "technical_approach": "路线", "requested_fen": 0, "budget": [],
        "members": [], "partners": [], "responses": {}, "milestones": [], "commitment": False})
    db.session.commit()
    assert OWN.format(pid=bid.id, label="草稿") in web.get(path).get_data(as_text=True)

    perform(bid, "withdraw", solver, reason="改投他榜")
    db.session.commit()
    html = web.get(path).get_data(as_text=True)
    assert BID.format(id=challenge.id) in html and "查看我单位的方案" not in html

    # What no audit event announces stays unseen until one does (the generation, caching.py).
    draft = draft_bid(challenge, solver)
    assert "查看我单位的方案" not in web.get(path).get_data(as_text=True)
    ask_question(challenge, solver, "新的一代")
    db.session.commit()
    assert OWN.format(pid=draft.id, label="草稿") in web.get(path).get_data(as_text=True)


def test_the_kept_question_count_follows_asking_and_answering(served, make, people):
    issuer, admin, solver = people["issuer"], people["admin"], people["solver"]
    challenge = make.challenge(issuer, ChallengeState.OPEN, admin=admin)
    path = f"/challenges/{challenge.id}"
    reader = served.test_client()
    sign_in(reader, people["other_solver"])
    assert 'data-testid="qa-empty"' in reader.get(path).get_data(as_text=True)
    assert [count for count in kept(served, "qa-count:") if count == 0]

    question = ask_question(challenge, solver, "接口标准是哪一版？")
    db.session.commit()
    html = reader.get(path).get_data(as_text=True)  # unanswered: only its asker sees it
    assert 'data-testid="qa-empty"' in html and "接口标准是哪一版" not in html
    asker = served.test_client()
    sign_in(asker, solver)
    assert "接口标准是哪一版" in asker.get(path).get_data(as_text=True)

    answer_question(question, issuer, "GB/T 2025 版。")
    db.session.commit()
    html = reader.get(path).get_data(as_text=True)
    assert "接口标准是哪一版" in html and "GB/T 2025 版。" in html
    assert 'data-testid="qa-empty"' not in html


def test_no_bid_button_once_the_challenge_is_closed(client, auth, make, people):
    issuer, admin, solver = people["issuer"], people["admin"], people["solver"]
    challenge = make.challenge(issuer, ChallengeState.REVIEWING, admin=admin)
    draft_bid(challenge, solver)
    auth.login(solver)
    html = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "我要揭榜" not in html and "查看我单位的方案" not in html


def ask_form(html: str) -> str:
    start = html.index('data-testid="ask-form"')
    return html[start:html.index("</form>", start)]


def test_the_blank_question_form_is_kept_with_each_sessions_token(served, make, people):
    issuer, admin = people["issuer"], people["admin"]
    challenge = make.challenge(issuer, ChallengeState.OPEN, admin=admin)
    path = f"/challenges/{challenge.id}"
    first, second = served.test_client(), served.test_client()
    sign_in(first, people["solver"])
    sign_in(second, people["other_solver"])
    pages = [client.get(path).get_data(as_text=True) for client in (first, second)]
    tokens = [ASK_TOKEN.search(html).group(1) for html in pages]
    assert tokens[0] != tokens[1] and all("当前还可提 10 条" in html for html in pages)
    forms = kept(served, f":form:ask|{challenge.id}|")
    assert len(forms) == 1 and CSRF_MARK in forms[0] and not any(t in forms[0] for t in tokens)
    assert ask_form(pages[0]).replace(tokens[0], "") == ask_form(pages[1]).replace(tokens[1], "")

    posted = first.post(f"{path}/questions", data={"body": "第一个问题", "csrf_token": tokens[0]})
    assert posted.status_code == 302  # the token put in is this session's own
    assert "当前还可提 9 条" in first.get(path).get_data(as_text=True)
    assert "当前还可提 10 条" in second.get(path).get_data(as_text=True)

    english = ask_form(second.get(f"{path}?lang=en").get_data(as_text=True))
    assert "Your question" in english and "Submit question" in english


def test_a_failed_question_is_shown_with_its_text_and_never_kept(served, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    path = f"/challenges/{challenge.id}"
    web = served.test_client()
    sign_in(web, people["solver"])
    token = ASK_TOKEN.search(web.get(path).get_data(as_text=True)).group(1)
    failed = web.post(f"{path}/questions", data={"body": "问" * 1001, "csrf_token": token})
    form = ask_form(failed.get_data(as_text=True))
    assert failed.status_code == 200 and "问" * 1001 in form and "问题不超过 1000 字" in form
    assert ASK_TOKEN.search(failed.get_data(as_text=True)).group(1)
    assert not any("问" * 1001 in html for html in kept(served, ":form:ask|"))
    again = ask_form(web.get(path).get_data(as_text=True))  # a fresh page: the blank form
    assert "问" * 1001 not in again and "is-invalid" not in again
