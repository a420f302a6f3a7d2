"""Fast public pages: the anonymous page cache, its invalidation by the workflow door, what is
never cached, compression and cache headers.

Each invalidation test first proves the page is served from the cache (a change made behind the
door, by raw SQL, does not show), then makes a change through the door and commits: the next
anonymous request must show it, on this app and on another app (worker) over the same database.
"""

import gc
import gzip
import re
import shutil
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import brotli
import pytest
from sqlalchemy import select, update

from challenge.bidding.questions import answer_question, ask_question
from challenge.extensions import db
from challenge.models import Challenge, Contract
from challenge.posting import operations as ops
from challenge.states import SYSTEM, ChallengeState, Confidentiality, ContractState, Role
from challenge.timeutil import utcnow
from challenge.workflow import perform

from .conftest import _config, isolated_app
from .factories import PASSWORD, finish_contract

STATIC = Path(__file__).resolve().parent.parent / "static"


def server_app(app, **extra):
    """Another app over the test's database with the page cache on, as `make run` serves it."""
    return isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
                                **({"CACHE_TYPE": "SimpleCache", "DEADLINE_CHECK_MEMO": True}
                                   | extra)))


@pytest.fixture
def servers(app):
    """Two cached apps over one database: two worker processes, each with its own cache."""
    made = [server_app(app), server_app(app)]
    yield made
    for one in made:
        with one.app_context():
            db.engine.dispose()


@pytest.fixture
def web(servers):
    return servers[0].test_client()


def page(client, path: str, headers=None) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def behind_the_door(challenge: Challenge, **values) -> None:
    """A change no page may know of (raw SQL, no audit event): it shows only once uncached."""
    db.session.execute(update(Challenge).where(Challenge.id == challenge.id).values(**values))
    db.session.commit()
    db.session.expire_all()


def edit(challenge: Challenge, actor, note: str, **changed) -> None:
    """The bureau's wording edit of a published 榜, through the posting operation (audited)."""
    values = {name: getattr(challenge, name) for name in ops.AUDITED_FIELDS}
    values["indicators"] = ops._indicator_rows(challenge)
    ops.update_challenge(challenge, actor, values | changed, note=note)
    db.session.commit()


@pytest.fixture
def open_one(make, people):
    return make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                          title="熔喷布过滤效率提升")


def test_anonymous_hall_is_served_from_the_cache_until_the_door_changes_something(
        web, servers, open_one, people):
    assert "熔喷布过滤效率提升" in page(web, "/")
    behind_the_door(open_one, title="暗改的标题")
    assert "熔喷布过滤效率提升" in page(web, "/")  # the cached page
    assert "暗改的标题" in page(servers[1].test_client(), "/")  # the other worker renders now

    edit(open_one, people["admin"], "措辞", title="经审核修改的标题")
    for server in servers:
        html = page(server.test_client(), "/")
        assert "经审核修改的标题" in html and "熔喷布过滤效率提升" not in html


def test_publish_shows_in_the_hall_and_the_public_statistics(web, make, people):
    issuer, admin = people["issuer"], people["admin"]
    screening = make.challenge(issuer, ChallengeState.SCREENING, admin=admin, title="待发布的榜")
    before_stats = page(web, "/statistics")
    assert "待发布的榜" not in page(web, "/")
    perform(screening, "publish", admin, deadline_at=utcnow() + timedelta(days=20))
    db.session.commit()
    assert "待发布的榜" in page(web, "/")
    assert page(web, "/statistics") != before_stats  # the published count moved


def test_a_deadline_passing_closes_the_challenge_on_the_cached_hall(web, make, people):
    """No commit, only time: the hall's own deadline check closes the 榜 and the page follows."""
    screening = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"],
                               title="即将截止的榜")
    deadline = utcnow() + timedelta(seconds=2)
    perform(screening, "publish", people["admin"], deadline_at=deadline)
    db.session.commit()
    assert "即将截止的榜" in page(web, "/")
    assert "即将截止的榜" not in page(web, "/?state=reviewing")
    time.sleep(max(0.0, (deadline - utcnow()).total_seconds()) + 0.1)
    assert "即将截止的榜" not in page(web, "/")
    assert "即将截止的榜" in page(web, "/?state=reviewing")


def test_withdraw_takes_a_challenge_off_the_cached_hall_and_detail(web, open_one, people):
    assert "熔喷布过滤效率提升" in page(web, "/")
    assert web.get(f"/challenges/{open_one.id}").status_code == 200
    perform(open_one, "withdraw", people["issuer"], reason="需求取消")
    db.session.commit()
    assert "熔喷布过滤效率提升" not in page(web, "/")
    assert web.get(f"/challenges/{open_one.id}").status_code == 404


def test_edit_of_a_published_challenge_shows_on_its_cached_detail(web, open_one, people):
    path = f"/challenges/{open_one.id}"
    assert "熔喷布过滤效率提升" in page(web, path)
    behind_the_door(open_one, summary="暗改的摘要")
    assert "暗改的摘要" not in page(web, path)
    edit(open_one, people["admin"], "凝练", summary="审核后的新摘要")
    assert "审核后的新摘要" in page(web, path)


def test_an_answered_question_shows_on_the_cached_detail(web, open_one, people):
    path = f"/challenges/{open_one.id}"
    question = ask_question(open_one, people["solver"], "测试温度范围是多少？")
    db.session.commit()
    assert "测试温度范围是多少" not in page(web, path)  # unanswered questions are not public
    answer_question(question, people["issuer"], "零下四十度到八十五度。")
    db.session.commit()
    html = page(web, path)
    assert "测试温度范围是多少" in html and "零下四十度到八十五度" in html


def test_decision_opens_publicity_on_the_cached_results(web, make, people):
    reviewing = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"],
                               title="评审中的榜")
    assert "评审中的榜" not in page(web, "/results")
    assert web.get(f"/results/{reviewing.id}").status_code == 404
    make.winner(reviewing)
    perform(reviewing, "decide", people["admin"], reason="择优")
    reviewing.publicity_ends_at = utcnow() + timedelta(days=5)
    db.session.commit()
    assert "评审中的榜" in page(web, "/results")
    assert "评审中的榜" in page(web, f"/results/{reviewing.id}")


def test_results_outcome_moves_on_the_cached_results(web, make, people):
    contracted = make.challenge(people["issuer"], ChallengeState.CONTRACTED,
                                admin=people["admin"], title="攻关中的榜")
    path = f"/results/{contracted.id}"
    assert "攻关中" in page(web, path)
    assert "攻关中的榜" not in page(web, "/results/closed")
    contract = db.session.scalars(select(Contract).where(
        Contract.challenge_id == contracted.id)).one()
    finish_contract(contract, ContractState.FAILED)
    perform(contracted, "fail", people["admin"], reason="未达指标")
    db.session.commit()
    assert "攻关失败" in page(web, path)
    assert "攻关中的榜" in page(web, "/results/closed")


def test_the_key_holds_the_full_query_string(web, make, people):
    for n, wan in enumerate((50, 900)):
        make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                       title=f"第{n}个榜", bounty_fen=wan * 1_000_000)
    by_bounty = page(web, "/?sort=bounty")
    newest = page(web, "/?sort=newest")
    assert by_bounty.index("第1个榜") < by_bounty.index("第0个榜")
    assert newest.index("第1个榜") < newest.index("第0个榜")  # made last
    assert page(web, "/?sort=bounty&min=100").count("第0个榜") == 0


def test_the_key_holds_the_language(web, open_one):
    """The same path in another language is another page (the key holds the locale), whichever
    way the language was chosen: the switch's cookie or the browser's Accept-Language."""
    web.set_cookie("lang", "zh")
    assert "熔喷布过滤效率提升" in page(web, "/")
    behind_the_door(open_one, title="暗改的标题")
    assert "熔喷布过滤效率提升" in page(web, "/")
    web.set_cookie("lang", "en")
    english = page(web, "/")
    assert "暗改的标题" in english and '<html lang="en">' in english
    web.delete_cookie("lang")
    behind_the_door(open_one, title="又改的标题")  # both languages now come from the cache
    english = page(web, "/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "暗改的标题" in english and '<html lang="en">' in english
    chinese = page(web, "/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "熔喷布过滤效率提升" in chinese and '<html lang="zh-CN">' in chinese


def test_signed_in_pages_are_never_cached_nor_served_from_the_cache(servers, make, people):
    issuer, admin = people["issuer"], people["admin"]
    directed = make.challenge(issuer, ChallengeState.OPEN, admin=admin, title="定向邀请的榜",
                              confidentiality=Confidentiality.DIRECTED)
    visitor, member = servers[0].test_client(), servers[0].test_client()
    assert "定向邀请的榜" not in page(visitor, "/")
    assert member.post("/auth/login", data={"login": issuer.email, "password": PASSWORD}
                       ).status_code == 302
    response = member.get("/")
    html = response.get_data(as_text=True)
    assert "定向邀请的榜" in html and issuer.name in html  # not the visitor's cached page
    assert response.headers["Cache-Control"] == "private, no-store"
    assert member.get(f"/challenges/{directed.id}").headers["Cache-Control"] == "private, no-store"
    anonymous = page(visitor, "/")
    assert "定向邀请的榜" not in anonymous and issuer.name not in anonymous
    assert visitor.get(f"/challenges/{directed.id}").status_code == 404


def test_flashed_messages_are_neither_cached_nor_served_stale(web, open_one):
    with web.session_transaction() as session:
        session["_flashes"] = [("success", "只给这位访客的提示")]
    assert "只给这位访客的提示" in page(web, "/")
    assert "只给这位访客的提示" not in page(web, "/")
    fresh = web.__class__(web.application)
    assert "只给这位访客的提示" not in page(fresh, "/")


def test_pages_with_a_csrf_token_are_private(web):
    response = web.get("/auth/login")
    assert response.headers["Cache-Control"] == "private, no-store"
    hall = web.get("/")
    assert hall.headers["Cache-Control"] == "no-cache"
    assert "csrf_token" not in hall.get_data(as_text=True)


def test_responses_are_compressed(web, open_one):
    plain = page(web, "/")
    br = web.get("/", headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.get_data()).decode() == plain
    gz = web.get("/", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.get_data()).decode() == plain
    assert "Accept-Encoding" in gz.headers["Vary"]


def test_static_urls_are_versioned_and_immutable(web):
    html = page(web, "/")
    links = re.findall(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', html)
    assert links, "the stylesheet link carries its content hash"
    bootstrap = re.findall(r'src="(/bootstrap/static/[^"]+\?v=[0-9a-f]{12})"', html)
    assert bootstrap
    for url in (links[0], bootstrap[0]):
        response = web.get(url)
        assert response.status_code == 200
        control = response.headers["Cache-Control"]
        assert "immutable" in control and "max-age=31536000" in control and "public" in control
        response.close()
    stale = web.get("/static/css/app.css?v=000000000000")  # an old version: revalidate
    assert "immutable" not in stale.headers.get("Cache-Control", "")
    stale.close()
    bare = web.get("/static/css/app.css")
    assert "immutable" not in bare.headers.get("Cache-Control", "")
    bare.close()


def test_a_compressed_static_file_is_closed_after_sending(web):
    """Flask-Compress streams a static file through its compressor; the file must still be
    closed when the response is (an open file left to the collector is a ResourceWarning,
    which this suite turns into a failure)."""
    with open(STATIC / "js" / "app.js", "rb") as source:
        expected = source.read()
    for _ in range(3):
        response = web.get("/static/js/app.js", headers={"Accept-Encoding": "br"})
        assert response.headers["Content-Encoding"] == "br"  # streamed: no gzip, br is
        assert brotli.decompress(response.get_data()) == expected
        response.close()
    gc.collect()


# -- a shared Redis cache ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not shutil.os.path.exists(binary):
        pytest.skip("redis-server is not installed (make test installs it)")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    process.terminate()
    process.wait(timeout=10)


def test_two_nodes_share_a_redis_cache_and_its_invalidation(app, redis_url, open_one, people):
    nodes = [server_app(app, CACHE_TYPE=None, CACHE_REDIS_URL=redis_url) for _ in range(2)]
    try:
        assert nodes[0].config["CACHE_TYPE"] == "RedisCache"
        first, second = (node.test_client() for node in nodes)
        assert "熔喷布过滤效率提升" in page(first, "/")
        behind_the_door(open_one, title="暗改的标题")
        assert "熔喷布过滤效率提升" in page(second, "/")  # the page node 1 stored in Redis
        perform(open_one, "withdraw", people["issuer"], reason="需求取消")
        db.session.commit()
        assert "暗改的标题" not in page(second, "/") and "熔喷布过滤效率提升" not in page(first, "/")
    finally:
        for node in nodes:
            with node.app_context():
                db.engine.dispose()


def test_the_clock_closing_a_challenge_is_a_change_like_any_other(web, make, people):
    """close-expired run as a job (no request) moves the generation too."""
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                               title="即将截止的榜")
    path = f"/challenges/{challenge.id}"
    assert "揭榜中" in page(web, path)
    perform(challenge, "close", SYSTEM, now=challenge.deadline_at + timedelta(seconds=1))
    db.session.commit()
    assert "评审中" in page(web, path)


def test_public_pages_carry_no_session_when_csrf_is_on(app, make, people):
    """With CSRF protection on (production), no public page draws a token for a visitor: each
    sets no cookie, says no-cache (shareable), and is served from the cache."""
    decided = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"],
                             title="公示中的榜")
    server = server_app(app, WTF_CSRF_ENABLED=True)
    try:
        client = server.test_client()
        paths = ["/", f"/challenges/{decided.id}", "/results", f"/results/{decided.id}",
                 "/results/closed", "/statistics"]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert "Set-Cookie" not in response.headers, path
            assert response.headers["Cache-Control"] == "no-cache", path
        behind_the_door(decided, title="暗改的标题")
        for path in paths[1:4]:
            assert "公示中的榜" in page(client, path), path
    finally:
        with server.app_context():
            db.engine.dispose()


# -- signed-in pages: shared fragments, never another user's view -------------------------------

def sign_in(client, user) -> None:
    response = client.post("/auth/login", data={"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_signed_in_solvers_share_the_public_listing_but_not_a_private_one(servers, make, people):
    issuer, admin = people["issuer"], people["admin"]
    public = make.challenge(issuer, ChallengeState.OPEN, admin=admin, title="公开的榜")
    directed = make.challenge(issuer, ChallengeState.OPEN, admin=admin, title="定向邀请的榜",
                              confidentiality=Confidentiality.DIRECTED)
    plain, invited = people["solver"], people["other_solver"]
    ops.invite_solver(directed, issuer, invited)
    db.session.commit()
    first, second = servers[0].test_client(), servers[0].test_client()
    sign_in(first, plain)
    sign_in(second, invited)
    html = page(first, "/")
    assert "公开的榜" in html and "定向邀请的榜" not in html and f"</i> {plain.name} <small" in html
    behind_the_door(public, title="暗改的标题")
    assert "公开的榜" in page(first, "/")  # the shared listing, from the cache
    html = page(second, "/")  # an invited solver's hall is their own: rendered for them
    assert "暗改的标题" in html and "定向邀请的榜" in html
    assert f"</i> {invited.name} <small" in html and f"</i> {plain.name} <small" not in html
    edit(public, admin, "措辞", title="审核后的标题")
    assert "审核后的标题" in page(first, "/")
    # Whose hall is the public one is kept per generation: an invitation (audited) ends it at
    # once, even when another solver has rendered the new generation's shared listing first.
    ops.invite_solver(directed, issuer, plain)
    third = make.user(Role.SOLVER)
    db.session.commit()
    other = servers[0].test_client()
    sign_in(other, third)
    assert "定向邀请的榜" not in page(other, "/")
    assert "定向邀请的榜" in page(first, "/")
    assert "定向邀请的榜" not in page(other, "/")


def test_signed_in_detail_fragments_follow_the_door_and_the_viewer(servers, make, people):
    issuer, admin, solver = people["issuer"], people["admin"], people["solver"]
    masked = make.challenge(issuer, ChallengeState.OPEN, admin=admin, title="脱敏的榜",
                            confidentiality=Confidentiality.DESENSITIZED)
    path = f"/challenges/{masked.id}"
    visitor, owner = servers[0].test_client(), servers[0].test_client()
    sign_in(visitor, solver)
    sign_in(owner, issuer)
    html = page(visitor, path)
    assert "某企业" in html and issuer.organization.name not in html
    assert issuer.organization.name in page(owner, path)  # the issuer sees its own name
    behind_the_door(masked, summary="暗改的摘要")
    assert "暗改的摘要" not in page(visitor, path)  # the public face, from the cache
    edit(masked, admin, "凝练", summary="审核后的新摘要")
    assert "审核后的新摘要" in page(visitor, path)
    assert "某企业" in page(visitor, path)
