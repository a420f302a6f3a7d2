"""Background jobs: the outbox leaves each mail once under two senders at once, periodic jobs run
once per period whichever process starts them, exports run in the background with progress and
a download; eager (no broker) and through a real Redis with a real Celery worker and beat."""

import io
import threading
from collections import Counter
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.jobs import tasks
from challenge.jobs.lease import run_once_per_period
from challenge.mail import CLAIM_EXPIRES, deliver_pending
from challenge.models import AuditEvent, Challenge, ExportJob, JobRun, OutboundEmail
from challenge.states import ChallengeState, Role
from challenge.timeutil import local_today, utcnow
from tests.conftest import Auth, _config, isolated_app
from tests.jobs.conftest import beat, celery_env, wait_until, worker
from tests.test_award_progress import signed_contract


def queue(n: int, prefix: str = "user") -> list[str]:
    addresses = [f"{prefix}{i}@example.cn" for i in range(n)]
    for address in addresses:
        db.session.add(OutboundEmail(to_address=address, subject="通知", body="正文"))
    db.session.commit()
    return addresses


def in_own_context(app, job):
    """*job* in an app context of its own: its own session and database connection."""
    def run():
        with app.app_context():
            try:
                return job()
            finally:
                db.session.remove()
    return run


def together(calls) -> list:
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def runner(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # shown by the assertions
            results[i] = exc

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


# -- the outbox --------------------------------------------------------------------------------

def test_two_senders_at_once_send_each_mail_exactly_once(app, smtp):
    addresses = queue(120)
    config = dict(app.config, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    db.session.remove()
    reports = together([in_own_context(app, lambda: deliver_pending(config)) for _ in range(2)])
    assert all(not isinstance(r, Exception) for r in reports), reports
    received = smtp.per_recipient()
    assert sorted(received) == sorted(addresses) and set(received.values()) == {1}, \
        [a for a, n in received.items() if n > 1]
    assert sum(r.sent for r in reports) == 120
    assert all(r.sent > 0 for r in reports), ("the senders did not overlap: no proof", reports)
    rows = db.session.scalars(select(OutboundEmail)).all()
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows)
    # A sent row keeps the token of the sender that sent it (release() frees unsent rows only).
    tokens = {r.claimed_by for r in rows}
    assert len(tokens) == 2 and "" not in tokens


def test_a_claim_left_by_a_dead_sender_is_taken_over_later(app, smtp):
    queue(3)
    db.session.execute(OutboundEmail.__table__.update().values(
        claimed_by="dead", claimed_at=utcnow()))
    db.session.commit()
    config = dict(app.config, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    assert deliver_pending(config).sent == 0  # held by a sender that may still be sending
    db.session.execute(OutboundEmail.__table__.update().values(
        claimed_at=utcnow() - CLAIM_EXPIRES - timedelta(seconds=1)))
    db.session.commit()
    assert deliver_pending(config).sent == 3
    assert len(smtp.messages) == 3


def test_mail_queued_by_a_request_leaves_after_the_response(app, smtp, make, people, client,
                                                            monkeypatch):
    """Eager mode: the request that queued the mail sends it once the response is out."""
    # The session-wide app's settings come back after the test (monkeypatch restores them).
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port,
                       "MAIL_LINK_LIMITS": "100 per hour"}.items():
        monkeypatch.setitem(app.config, key, value)
    response = client.post("/auth/forgot", data={"email": people["solver"].email})
    assert response.status_code == 302
    response.close()
    wait_until(lambda: smtp.messages, timeout=10, what="the reset mail")
    assert smtp.per_recipient() == Counter({people["solver"].email: 1})
    row = db.session.scalars(select(OutboundEmail)).one()
    assert row.sent_at is not None and row.attempts == 1


# -- periodic jobs -----------------------------------------------------------------------------

def expired_boards(make, people, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
        board.deadline_at = board.deadline_at - timedelta(days=60)
        ids.append(board.id)
    db.session.commit()
    return ids


def closes(ids) -> Counter:
    return Counter(db.session.scalars(select(AuditEvent.object_id).where(
        AuditEvent.action == "close", AuditEvent.object_type == "challenge",
        AuditEvent.object_id.in_(ids))))


def test_a_periodic_job_started_by_two_processes_at_once_runs_once(app, make, people):
    ids = expired_boards(make, people, 5)
    db.session.remove()
    results = together([in_own_context(app, lambda: tasks.leased("close-expired"))
                        for _ in range(2)])
    assert sorted(results) == ["closed 5", "skipped: already run this period"], results
    assert closes(ids) == Counter({i: 1 for i in ids})
    run = db.session.scalars(select(JobRun)).one()
    assert run.name == "close-expired" and run.finished_at and run.result == "closed 5"


def test_the_next_period_runs_again(app, make, people):
    calls = []
    assert run_once_per_period("probe", 3600, lambda: calls.append(1) or "one").result == "one"
    assert run_once_per_period("probe", 3600, lambda: calls.append(1)) is None
    assert calls == [1]
    db.session.add(JobRun(name="probe2", slot=0, result=""))  # a run long ago
    db.session.commit()
    assert run_once_per_period("probe2", 3600, lambda: "again").result == "again"


def test_reminders_started_twice_at_once_remind_once(app, make, people):
    contract = signed_contract(make, people)
    late = contract.milestones[0]
    late.due_on = local_today() - timedelta(days=3)
    db.session.commit()
    db.session.remove()
    results = together([in_own_context(app, tasks.remind_overdue) for _ in range(2)])
    assert sorted(results)[0].startswith("reminded 0") and "reminded 1" in results, results
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "overdue")) == 1


def test_eager_requests_run_the_due_periodic_jobs_after_responding(app, make, people):
    """Without a broker nobody runs beat: the jobs ride on the responses."""
    contract = signed_contract(make, people)
    contract.milestones[0].due_on = local_today() - timedelta(days=3)
    db.session.commit()
    node = isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"], JOBS_ON_REQUESTS=True))
    with node.test_client() as visitor:
        visitor.get("/auth/login").close()
        visitor.get("/auth/login").close()  # the second response finds nothing due
    db.session.expire_all()
    names = Counter(db.session.scalars(select(JobRun.name)))
    assert names == Counter({n: 1 for n in ("close-expired", "remind-overdue", "remind-reviewers",
                                             "send-outbox", "prune", "remind-outcomes")})
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "overdue")) == 1
    with node.app_context():
        db.engine.dispose()


# -- exports in the background -----------------------------------------------------------------

def finish_exports(app) -> None:
    for thread in app.extensions.get("export_threads", []):
        thread.join(timeout=120)
    app.extensions["export_threads"] = []


def test_an_export_runs_in_the_background_and_is_downloaded_when_ready(app, client, auth, make,
                                                                       people):
    for n in range(3):
        make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                       title=f"后台导出榜{n}")
    db.session.commit()
    auth.login(people["admin"])
    app.config["JOBS_EXPORT_THREAD"] = True  # as a server without a broker runs it
    try:
        response = client.post("/admin/exports/challenges.xlsx/background?state=open")
        assert app.extensions["export_threads"]
    finally:
        app.config["JOBS_EXPORT_THREAD"] = None
    assert response.status_code == 303
    page_url = response.headers["Location"]
    finish_exports(app)
    status = client.get(page_url + ".json").get_json()
    assert status["state"] == "done" and status["rows_done"] == 3, status
    page = client.get(page_url)
    assert "Refresh" not in page.headers and 'data-testid="export-download"' in page.get_data(True)
    with client.get(status["download"]) as download:
        assert download.status_code == 200
        assert "attachment" in download.headers["Content-Disposition"]
        data = download.data
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    titles = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert titles == ["后台导出榜0", "后台导出榜1", "后台导出榜2"]
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert audit.changes["job"] == status["id"]


def test_an_export_in_progress_shows_its_rows_and_polls(app, client, auth, people):
    auth.login(people["admin"])
    job = ExportJob(requested_by_id=people["admin"].id, table="challenges", fmt="csv",
                    state="running", stored_name="x.csv", filename="榜单.csv", fallback="b.csv")
    db.session.add(job)
    db.session.commit()
    from challenge.jobs.exports import progress_path

    progress_path(job).write_text("1500")
    page = client.get(f"/admin/exports/jobs/{job.id}")
    assert page.headers["Refresh"] == "2" and "已写入 1500 行" in page.get_data(True)
    assert client.get(f"/admin/exports/jobs/{job.id}/download").status_code == 404
    progress_path(job).unlink()


def test_an_export_is_only_for_the_admin_who_asked(app, client, auth, make, people):
    other = make.user(Role.ADMIN)
    db.session.commit()
    auth.login(people["admin"])
    client.post("/admin/exports/bids.csv/background").close()  # runs after the response
    job = db.session.scalars(select(ExportJob)).one()
    assert job.state == "done"
    auth.logout()
    auth.login(other)
    assert client.get(f"/admin/exports/jobs/{job.id}").status_code == 404
    assert client.get(f"/admin/exports/jobs/{job.id}/download").status_code == 404


def test_a_duplicate_delivery_of_an_export_does_nothing(app, people):
    job = ExportJob(requested_by_id=people["admin"].id, table="challenges", fmt="csv",
                    stored_name="dup.csv", filename="榜单.csv", fallback="c.csv")
    db.session.add(job)
    db.session.commit()
    from challenge.jobs.exports import run_export

    assert run_export(job.id) == "0 rows"
    assert run_export(job.id).startswith("not queued")


def test_bad_filters_are_refused_before_a_job_is_made(client, auth, people):
    auth.login(people["admin"])
    response = client.post("/admin/exports/challenges.xlsx/background?state=nonsense")
    assert response.status_code == 400 and "未知的榜单状态" in response.get_data(True)
    assert db.session.scalar(select(func.count(ExportJob.id))) == 0


# -- through Redis: a real broker, worker and beat -----------------------------------------------

@pytest.mark.concurrency
def test_jobs_through_redis_with_a_worker_and_beat(app, redis_url, smtp, make, people, tmp_path):
    ids = expired_boards(make, people, 3)
    env = celery_env(app, redis_url, smtp.port, JOBS_CLOSE_EXPIRED_SECONDS=1,
                     JOBS_SEND_OUTBOX_SECONDS=1)
    solver, admin = people["solver"].email, people["admin"].email
    db.session.remove()
    processes = [worker(env, tmp_path / "worker.log")]
    try:
        node = isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                    UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
                                    CELERY_BROKER_URL=redis_url, MAIL_SERVER="127.0.0.1",
                                    MAIL_PORT=smtp.port, MAIL_LINK_LIMITS="100 per hour"))
        client = node.test_client()
        # A mail queued by a request is handed to the worker after the commit.
        client.post("/auth/forgot", data={"email": solver}).close()
        wait_until(lambda: smtp.messages, timeout=30, what="the worker to send the mail")
        # An export runs in the worker, not in the request.
        Auth(client).login(admin)
        response = client.post("/admin/exports/challenges.csv/background")
        assert response.status_code == 303
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        assert not node.extensions.get("export_threads")

        def done():
            db.session.expire_all()
            return db.session.get(ExportJob, job_id).state == "done"
        wait_until(done, timeout=60, what="the worker's export")
        with client.get(f"/admin/exports/jobs/{job_id}/download") as download:
            body = download.data.decode("utf-8-sig")
        assert len(body.strip().splitlines()) == 1 + len(ids)
        # beat sends the periodic jobs; the worker closes the expired 榜.
        processes.append(beat(env, tmp_path / "beat.log"))
        wait_until(lambda: db.session.scalar(select(func.count(Challenge.id)).where(
            Challenge.id.in_(ids), Challenge.state == ChallengeState.REVIEWING)) == 3
            if not db.session.expire_all() else False, timeout=60, what="beat's close-expired")
        assert closes(ids) == Counter({i: 1 for i in ids})

        def close_run_results():
            db.session.expire_all()
            return list(db.session.scalars(select(JobRun.result).where(
                JobRun.name == "close-expired")))
        # The run's result is written just after the 榜 are closed: wait for it as well.
        wait_until(lambda: any(close_run_results()), timeout=30, what="the run's result")
        assert "closed 3" in close_run_results()  # the worker's run, not a page visit, closed them
        assert smtp.per_recipient() == Counter({solver: 1})
        with node.app_context():
            db.engine.dispose()
    finally:
        for process in processes:
            process.stop()
        db.session.remove()
    assert "jobs.close_expired" in processes[0].text()


def test_the_background_workbook_holds_what_the_in_request_one_does(app, client, auth, make,
                                                                     people):
    """XlsxWriter (constant memory) in the background, openpyxl in the request: same cells, and
    text that looks like a formula stays text."""
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                   title='=HYPERLINK("http://evil.example","点我")', bounty_fen=123_456_789)
    make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"],
                   summary="第一行\n第二行")
    db.session.commit()
    auth.login(people["admin"])
    with client.get("/admin/exports/challenges.xlsx") as response:
        before = load_workbook(io.BytesIO(response.data))
    client.post("/admin/exports/challenges.xlsx/background").close()
    job = db.session.scalars(select(ExportJob)).one()
    with client.get(f"/admin/exports/jobs/{job.id}/download") as response:
        after = load_workbook(io.BytesIO(response.data))
    old, new = before.worksheets[0], after.worksheets[0]
    rows = [list(r) for r in new.iter_rows(values_only=True)]
    assert rows == [list(r) for r in old.iter_rows(values_only=True)] and len(rows) == 3
    assert all(cell.data_type != "f" for row in new.iter_rows() for cell in row)
    assert new.freeze_panes == "A2" and new.auto_filter.ref == old.auto_filter.ref
    assert [c.value for c in after.worksheets[1]["A"]] == [c.value for c in before.worksheets[1]["A"]]
