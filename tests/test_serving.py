"""The server `make run` starts: gunicorn with deploy/gunicorn.conf.py and several worker
processes over the test's database (SQLite file or PostgreSQL).

- The matching indexes are built once, in the master, before the fork: every worker answers a
  typo search at once with the very index objects the master built (no worker rebuilds them,
  none waits on a lock held across the fork), and the master runs no other thread.
- Several workers writing at once never answer a 5xx ("database is locked" on SQLite): every
  save lands, once.
- /healthz: 200 with the database and index state, 503 when either is not there.
"""

import contextlib
import json
import os
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from challenge.audit_trail.chain import verify_chain
from challenge.extensions import db
from challenge.models import Challenge
from challenge.serving import build_before_fork
from challenge.states import ChallengeState, Role
from tests.conftest import ISOLATED_INSTANCE, USE_POSTGRES, isolated_app
from tests.formpage import form_values
from tests.security.conftest import Server, _stop, server_env, start_gunicorn
from tests.test_concurrency import Browserless, run_together

ROOT = Path(__file__).resolve().parents[1]
TYPO = "熔喷部过滤"  # 部 for 布: no title contains it, so the hall asks the matching index
TITLE = "熔喷布过滤效率提升"


@contextlib.contextmanager
def make_run_server(app, tmp_path, workers: int):
    """gunicorn as `make run` starts it (its configuration file, wsgi.py's factory), with
    *workers* worker processes (WEB_CONCURRENCY), serving the test's database."""
    with app.app_context():
        db.session.remove()  # the test's own session must not hold SQLite's lock
    log = tmp_path / "gunicorn.log"
    process, url = start_gunicorn(
        ["-c", "deploy/gunicorn.conf.py",
         f"tests.serve_app:create(instance_path={str(ISOLATED_INSTANCE)!r})"],
        server_env(app, WEB_CONCURRENCY=str(workers)), log)
    try:
        yield Server(url, log), process.pid
    finally:
        _stop(process)


def worker_pids(master: int, expected: int, timeout: float = 30) -> set[int]:
    deadline = time.monotonic() + timeout
    while True:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if len(children) >= expected or time.monotonic() > deadline:
            return {int(pid) for pid in children}
        time.sleep(0.1)


def fetch(url: str, timeout: float = 30) -> tuple[int, dict, str]:
    """A GET on a fresh connection (so any worker may take it): status, headers, body."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")


def typo_search(url: str) -> tuple[int, dict, str]:
    return fetch(f"{url}/?q={urllib.parse.quote(TYPO)}")


@pytest.fixture
def meltblown(make, people):
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                           title=TITLE, field="新材料", summary="医用口罩熔喷布的过滤效率与阻力")
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                   title="车规级芯片封装可靠性", field="集成电路", summary="芯片封装的热循环寿命")
    db.session.commit()
    return board


# -- one index, built before the fork ----------------------------------------------------------

@pytest.mark.concurrency
def test_every_worker_answers_a_typo_search_from_the_index_built_before_the_fork(
        app, tmp_path, meltblown):
    workers = 3
    with make_run_server(app, tmp_path, workers) as (server, master):
        pids = worker_pids(master, workers)
        assert len(pids) == workers, server.log_tail()
        # The master built the indexes in its only thread and forked: nothing else runs there.
        assert os.listdir(f"/proc/{master}/task") == [str(master)]
        answered: dict[int, int] = {}
        deadline = time.monotonic() + 60
        while set(answered) != pids and time.monotonic() < deadline:
            # Several at once, on fresh connections, so that every worker gets some.
            for reply in run_together([lambda: typo_search(server.url)] * 6):
                assert not isinstance(reply, Exception), f"{reply!r}\n{server.log_tail()}"
                status, headers, html = reply
                assert status == 200, server.log_tail()
                assert "fuzzy-notice" in html and TITLE in html  # found by the index
                assert headers["X-Index-Built-By"] == str(master)
                assert headers["X-Index-Inherited"] == "yes"  # the master's, not rebuilt
                answered[int(headers["X-Worker-Pid"])] = status
        assert set(answered) == pids, (answered, pids)
        status, _, body = fetch(server.url + "/healthz")
        assert (status, json.loads(body)["index"]) == (200, "ready")


@pytest.mark.concurrency
@pytest.mark.skipif(USE_POSTGRES, reason="the database file is SQLite's")
def test_the_master_keeps_no_database_connection_open_across_the_fork(app, tmp_path, meltblown):
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).resolve()
    with make_run_server(app, tmp_path, 2) as (server, master):
        worker_pids(master, 2)
        assert typo_search(server.url)[0] == 200
        fd_dir = Path(f"/proc/{master}/fd")
        opened = {os.readlink(fd_dir / fd) for fd in os.listdir(fd_dir)
                  if (fd_dir / fd).is_symlink()}
        assert not {f for f in opened if f.startswith(str(database))}, opened


def test_build_before_fork_leaves_the_indexes_ready_and_nothing_held(app, meltblown):
    service, board_id = app.extensions["matching"], meltblown.id
    db.session.remove()  # the test's own connection back in the pool
    assert not service.ready
    build_before_fork(app)
    assert db.engine.pool.checkedout() == 0  # the build's connection closed, none left open
    assert service.ready and board_id in service.needs
    for index in (service.needs, service.experts, service.reviewers):  # nothing left for the
        assert not index._engine.index._pending  # first query of each worker to build
    assert not service._lock.locked()
    assert not [t for t in threading.enumerate() if t.name == "matching-warm-up"]


# -- several workers writing at once -------------------------------------------------------------

READ_HOLD = 11  # seconds: longer than the busy timeout (10 s) a writer waits for a lock


@contextlib.contextmanager
def long_read(app):
    """A read transaction kept open while the block runs (at most READ_HOLD seconds), as a
    large export or the all-time statistics keep one at 100,000 榜. With SQLite's rollback
    journal no commit can happen meanwhile, and after the busy timeout the writer fails with
    "database is locked"; with the write-ahead log readers never block the writer.
    PostgreSQL never blocks writers on readers: nothing to hold there."""
    if USE_POSTGRES:
        yield
        return
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("BEGIN")
            connection.execute("SELECT count(*) FROM challenges").fetchall()
            holding.set()
            done.wait(timeout=READ_HOLD)
            connection.execute("ROLLBACK")
        finally:
            connection.close()

    reader = threading.Thread(target=hold)
    reader.start()
    assert holding.wait(timeout=30)
    try:
        yield
    finally:
        done.set()
        reader.join()


@pytest.mark.concurrency
def test_several_workers_saving_at_once_never_answer_5xx(app, tmp_path, make, people, meltblown):
    """Twelve enterprises save drafts at once through four workers while the hall is read and a
    long report reads the database; each save lands once, no request fails, the audit chain
    stays whole."""
    writers = [make.user(Role.ENTERPRISE) for _ in range(12)]
    db.session.commit()
    rounds = 4
    with make_run_server(app, tmp_path, 4) as (server, master):
        clients = []
        for writer in writers:
            client = Browserless(server.url)
            client.login(writer.email)
            form = form_values(client.get("/challenges/new"), "challenge-form")
            clients.append((client, form))

        def work(n: int) -> list[tuple[str, int]]:
            client, form = clients[n]
            replies = []
            for i in range(rounds):
                sent = dict(form.items(multi=False), title=f"并发草稿 {n}-{i}", save="1")
                token = sent.pop("csrf_token")
                replies.append(("save", client.send("/challenges/new", sent, token).status))
                replies.append(("hall", fetch(server.url + "/")[0]))
                replies.append(("search", typo_search(server.url)[0]))
            return replies

        with long_read(app):
            results = run_together([lambda n=n: work(n) for n in range(len(clients))])
        log = server.log.read_text(errors="replace")
    failed = [r for r in results if isinstance(r, Exception)]
    assert not failed, f"{failed}\n{log[-4000:]}"
    replies = [reply for result in results for reply in result]
    assert [r for r in replies if r[1] >= 400] == [], log[-4000:]
    assert "database is locked" not in log
    assert [status for kind, status in replies if kind == "save"] == [302] * len(writers) * rounds
    db.session.expire_all()
    titles = db.session.scalars(select(Challenge.title).where(
        Challenge.state == ChallengeState.DRAFT)).all()
    assert sorted(titles) == sorted(f"并发草稿 {n}-{i}" for n in range(len(writers))
                                    for i in range(rounds))
    assert verify_chain().intact


# -- /healthz ------------------------------------------------------------------------------------

def health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, response.get_json()


def test_healthz_reports_database_and_index(client, app, meltblown):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "index": "ready"}
    assert response.headers["Cache-Control"] == "no-store"
    assert app.extensions["matching"].ready  # a missing index is built by the probe


def test_healthz_is_503_while_the_index_is_being_built(client, app, meltblown):
    service = app.extensions["matching"]
    with service._lock:  # another thread is building it
        assert health(client) == (503, {"status": "unavailable", "database": "ok",
                                        "index": "building"})
    assert health(client)[0] == 200
    with service._lock:  # built, and someone is merely bringing it up to date
        assert health(client) == (200, {"status": "ok", "database": "ok", "index": "ready"})


@pytest.mark.parametrize("database", ["unreachable", "not migrated"])
def test_healthz_is_503_without_a_database(tmp_path, database):
    if database == "not migrated":
        uri = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    elif USE_POSTGRES:
        uri = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # nothing listens on port 1
    else:
        uri = f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite'}"
    down = isolated_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": uri})
    try:
        assert health(down.test_client()) == (503, {
            "status": "unavailable", "database": "unavailable", "index": "unavailable"})
    finally:
        with down.app_context():
            db.engine.dispose()
