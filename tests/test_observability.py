"""Operations: request ids in and out, log lines that carry them (text and JSON), /metrics only
when enabled (and summed over gunicorn workers), the job queue length read from a real Redis,
Sentry only with a DSN, and UPLOAD_ROOT beside its old name UPLOAD_FOLDER."""

import gzip
import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from challenge.extensions import db
from tests.conftest import ISOLATED_INSTANCE, _config, isolated_app
from tests.security.conftest import _stop, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent


def own_app(app, tmp_path, **config):
    """An app over the test's database with its own configuration."""
    return isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                UPLOAD_FOLDER=str(tmp_path / "uploads"), **config))


def log_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


# -- request id ----------------------------------------------------------------------------

def test_a_well_formed_request_id_comes_back(client):
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a9c.01"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "lb-7f3a9c.01"


@pytest.mark.parametrize("bad", ["", "two words", "x" * 129, "quote\"d", "a\tb", "换行"])
def test_a_malformed_request_id_is_replaced(client, bad):
    response = client.get("/", headers={"X-Request-ID": bad})
    given = response.headers["X-Request-ID"]
    assert given != bad and len(given) == 32 and int(given, 16) >= 0


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/auth/login").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


# -- log lines -----------------------------------------------------------------------------

def test_json_log_lines_carry_the_request_id(app, tmp_path, capsys):
    json_app = own_app(app, tmp_path, LOG_FORMAT="json", LOG_REQUESTS=True,
                       PROPAGATE_EXCEPTIONS=False)

    @json_app.route("/_boom")
    def boom():
        json_app.logger.warning("about to fail: 配额")
        raise ZeroDivisionError("boom")

    capsys.readouterr()
    response = json_app.test_client().get("/_boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    lines = log_lines(capsys.readouterr().err)
    mine = [line for line in lines if line.get("request_id") == "req-42"]
    assert [line["message"] for line in mine[:1]] == ["about to fail: 配额"]
    assert {"time", "level", "logger", "message", "request_id"} <= set(mine[0])
    assert mine[0]["level"] == "WARNING" and mine[0]["logger"] == json_app.logger.name
    error = next(line for line in mine if line["level"] == "ERROR")
    assert "ZeroDivisionError: boom" in error["exc_info"]
    finished = next(line for line in mine if line["logger"] == "challenge.request")
    assert (finished["method"], finished["path"], finished["status"]) == ("GET", "/_boom", 500)
    assert finished["duration_ms"] >= 0
    with json_app.app_context():
        db.engine.dispose()


def test_text_logs_carry_the_request_id_and_no_json(app, tmp_path, capsys):
    text_app = own_app(app, tmp_path, LOG_FORMAT="text")

    @text_app.route("/_note")
    def note():
        text_app.logger.warning("noted")
        return "ok"

    capsys.readouterr()
    text_app.test_client().get("/_note", headers={"X-Request-ID": "abc-1"})
    err = capsys.readouterr().err
    assert "WARNING" in err and "[abc-1] noted" in err
    assert not log_lines(err)
    with text_app.app_context():
        db.engine.dispose()


def test_an_unknown_log_format_is_refused(app, tmp_path):
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        own_app(app, tmp_path, LOG_FORMAT="xml")


# -- metrics -------------------------------------------------------------------------------

def latency_count(text: str, endpoint: str, status: str = "200") -> float:
    for family in text_string_to_metric_families(text):
        if family.name == "challenge_http_request_duration_seconds":
            return sum(s.value for s in family.samples if s.name.endswith("_count")
                       and s.labels["endpoint"] == endpoint and s.labels["status"] == status)
    return 0


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_count_requests_by_endpoint_and_status(app, tmp_path):
    metrics_app = own_app(app, tmp_path, METRICS_ENABLED=True)
    client = metrics_app.test_client()
    before = client.get("/metrics").get_data(as_text=True)
    for _ in range(3):
        assert client.get("/auth/login").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    after = response.get_data(as_text=True)
    assert latency_count(after, "auth.login") - latency_count(before, "auth.login") == 3
    assert latency_count(after, "<unmatched>", "404") - latency_count(before, "<unmatched>", "404") == 1
    assert "challenge_job_queue_length" not in after  # no broker configured
    with metrics_app.app_context():
        db.engine.dispose()


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server on a free loopback port."""
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        pytest.fail("redis-server is missing: apt-get install redis-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def queue_length(text: str) -> float | None:
    for family in text_string_to_metric_families(text):
        if family.name == "challenge_job_queue_length":
            return family.samples[0].value
    return None


def test_metrics_report_the_job_queue_length_from_redis(app, tmp_path, redis_url):
    import redis

    metrics_app = own_app(app, tmp_path, METRICS_ENABLED=True, CELERY_BROKER_URL=redis_url)
    client = metrics_app.test_client()
    assert queue_length(client.get("/metrics").get_data(as_text=True)) == 0
    broker = redis.Redis.from_url(redis_url)
    broker.rpush("celery", *[json.dumps({"task": f"job-{i}"}) for i in range(3)])
    broker.close()
    text = client.get("/metrics").get_data(as_text=True)
    assert queue_length(text) == 3
    assert "challenge_job_broker_up 1.0" in text
    with metrics_app.app_context():
        db.engine.dispose()


def test_metrics_still_answer_when_the_broker_is_down(app, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    metrics_app = own_app(app, tmp_path, METRICS_ENABLED=True,
                          CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0")
    response = metrics_app.test_client().get("/metrics")
    assert response.status_code == 200
    assert "challenge_job_broker_up 0.0" in response.get_data(as_text=True)
    with metrics_app.app_context():
        db.engine.dispose()


@pytest.mark.concurrency
def test_metrics_under_gunicorn_sum_every_worker(app, tmp_path):
    """Two worker processes: every scrape, whichever worker answers, counts all the requests
    (PROMETHEUS_MULTIPROC_DIR); without multiprocess mode each worker reports its own share."""
    with app.app_context():
        db.session.remove()
    log = tmp_path / "gunicorn.log"
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY=secrets.token_hex(32), UPLOAD_ROOT=str(tmp_path / "uploads"),
               METRICS_ENABLED="1", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
               PYTHONUNBUFFERED="1")
    # one GET /auth/login (or more) while waiting for it to answer
    process, url = start_gunicorn(
        ["--preload", "--workers", "2", "--timeout", "120", "--log-level", "warning",
         "--no-control-socket", "--error-logfile", "-",
         f"challenge:create_app(instance_path={str(ISOLATED_INSTANCE)!r})"], env, log)
    try:
        def scrape() -> str:
            with urllib.request.urlopen(url + "/metrics", timeout=30) as response:
                return response.read().decode()

        start = latency_count(scrape(), "auth.login")

        def fetch(_):
            with urllib.request.urlopen(url + "/auth/login", timeout=30) as response:
                return response.status

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(fetch, range(40))) == {200}
        counts = {latency_count(scrape(), "auth.login") - start for _ in range(12)}
        assert counts == {40}, log.read_text()
        # Both workers wrote samples (a worker replaced under load adds a file, still summed).
        assert len(list(metrics_dir.glob("histogram_*.db"))) >= 2
    finally:
        _stop(process)


# -- Sentry --------------------------------------------------------------------------------

def test_sentry_is_not_initialised_without_a_dsn(app):
    import sentry_sdk

    assert not app.config["SENTRY_DSN"]
    assert not sentry_sdk.is_initialized()


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk compresses with brotli when it can import it
            import brotli

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_sentry_reports_an_error_with_its_request_id_when_a_dsn_is_set(app, tmp_path):
    """In a separate interpreter (sentry-sdk is process-wide), against a loopback collector:
    nothing leaves the machine."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    _Collector.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    script = textwrap.dedent(f"""
        import sentry_sdk
        from challenge import create_app
        app = create_app({{"TESTING": True, "SECRET_KEY": "x",
                          "SQLALCHEMY_DATABASE_URI": {app.config["SQLALCHEMY_DATABASE_URI"]!r},
                          "UPLOAD_ROOT": {str(tmp_path / "uploads")!r},
                          "PROPAGATE_EXCEPTIONS": False,
                          "SENTRY_DSN": "http://publickey@127.0.0.1:{server.server_port}/1"}},
                         instance_path={str(ISOLATED_INSTANCE)!r})
        assert sentry_sdk.is_initialized()

        @app.route("/_boom")
        def boom():
            raise ZeroDivisionError("sentry-check")

        status = app.test_client().get("/_boom", headers={{"X-Request-ID": "rid-sentry"}}).status_code
        assert status == 500, status
        sentry_sdk.flush(timeout=10)
    """)
    try:
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        envelopes = b"".join(_Collector.received).decode()
        assert "sentry-check" in envelopes and "ZeroDivisionError" in envelopes
        assert "rid-sentry" in envelopes
    finally:
        server.shutdown()
        server.server_close()


# -- UPLOAD_ROOT ---------------------------------------------------------------------------

def test_upload_root_and_its_old_name(app, tmp_path, monkeypatch):
    old = own_app(app, tmp_path)  # UPLOAD_FOLDER given
    assert old.config["UPLOAD_ROOT"] == old.config["UPLOAD_FOLDER"] == str(tmp_path / "uploads")
    new = isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"],
                               UPLOAD_ROOT=str(tmp_path / "shared")))
    assert new.config["UPLOAD_FOLDER"] == new.config["UPLOAD_ROOT"] == str(tmp_path / "shared")
    monkeypatch.setenv("UPLOAD_ROOT", str(tmp_path / "from-env"))
    env = isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    assert env.config["UPLOAD_ROOT"] == env.config["UPLOAD_FOLDER"] == str(tmp_path / "from-env")
    monkeypatch.delenv("UPLOAD_ROOT")
    default = isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    assert default.config["UPLOAD_ROOT"] == str(ISOLATED_INSTANCE / "uploads")
    for each in (old, new, env, default):
        with each.app_context():
            db.engine.dispose()


def test_uploads_are_stored_under_upload_root(app, tmp_path):
    from werkzeug.datastructures import FileStorage

    from challenge.uploads import store_upload

    shared_app = isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                      UPLOAD_ROOT=str(tmp_path / "shared")))
    with shared_app.test_request_context():
        stored = store_upload(FileStorage(stream=io.BytesIO(b"%PDF-1.4 kept"),
                                          filename="plan.pdf"), "proposals")
        path = tmp_path / "shared" / "proposals" / stored.stored_name
        assert path.read_bytes() == b"%PDF-1.4 kept"
        db.session.rollback()
    with shared_app.app_context():
        db.engine.dispose()


@pytest.mark.slow
def test_a_celery_worker_logs_in_the_apps_format(app, tmp_path):
    """Celery replaces the root logger's handlers with its own text format unless told not to;
    a worker of an app with LOG_FORMAT=json writes JSON lines (a real worker, in-memory broker)."""
    (tmp_path / "worker_app.py").write_text(textwrap.dedent(f"""
        from celery import Celery
        from challenge import create_app
        flask_app = create_app({{"TESTING": True, "SECRET_KEY": "x", "LOG_FORMAT": "json",
                                "SQLALCHEMY_DATABASE_URI": {app.config["SQLALCHEMY_DATABASE_URI"]!r},
                                "UPLOAD_ROOT": {str(tmp_path / "uploads")!r}}},
                               instance_path={str(ISOLATED_INSTANCE)!r})
        celery = Celery("worker_app", broker="memory://")
    """))
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    process = subprocess.Popen([sys.executable, "-m", "celery", "--app", "worker_app:celery",
                                "worker", "--pool", "solo", "--loglevel", "INFO"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    seen = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if "ready." in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()
    ready = [line for line in seen if "ready." in line]
    assert ready, "".join(seen)
    record = json.loads(ready[0])
    assert record["logger"] == "celery.apps.worker" and record["request_id"] == "-"
