"""Real parts for the job tests: a throwaway redis-server on a free loopback port, Celery worker
and beat processes over the test's database, and an SMTP server that records every message
(per connection, so two senders talking to it at once are told apart)."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.smtp import SMTPServer, serving

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """redis://127.0.0.1:<port>: a redis-server of its own for this test run."""
    if not os.path.exists(REDIS_SERVER):
        pytest.skip("redis-server is not installed: apt-get install redis-server "
                    "(`make test` installs it when run as root)")
    import redis

    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--logfile", str(folder / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log = (folder / "redis.log").read_text()
                raise RuntimeError(f"redis-server did not start: {log}") from None
            time.sleep(0.05)
    client.close()
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server):
    """The session's Redis, emptied for each test (no task left over from another test)."""
    import redis

    with contextlib.closing(redis.Redis.from_url(redis_server)) as client:
        client.flushall()
    return redis_server


class Celery:
    """A `celery worker` or `celery beat` process; its output goes to a log file."""

    def __init__(self, kind: str, env: dict, log: Path, *extra: str) -> None:
        self.log = log
        command = [sys.executable, "-m", "celery", "-A", "challenge.jobs.celery_app:celery", kind,
                   "--loglevel", "INFO", *extra]
        with log.open("w") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, needle: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"celery never said {needle!r}:\n{self.text()[-4000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def worker(env: dict, log: Path, name: str = "w1") -> Celery:
    proc = Celery("worker", env, log, "--pool", "threads", "--concurrency", "2", "-n",
                  f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat")
    proc.wait_for("ready.")
    return proc


def beat(env: dict, log: Path) -> Celery:
    return Celery("beat", env, log, "--schedule", str(log.with_suffix(".schedule")))


def celery_env(app, broker: str, smtp_port: int | None = None, **config) -> dict:
    """The environment of a worker/beat/app node over the test's database and uploads."""
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY="jobs-test-" + "x" * 32, CELERY_BROKER_URL=broker,
               FLASK_UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"], PYTHONUNBUFFERED="1")
    if smtp_port:
        env.update(FLASK_MAIL_SERVER="127.0.0.1", FLASK_MAIL_PORT=str(smtp_port))
    env.update({f"FLASK_{key}": str(value) for key, value in config.items()})
    return env


@pytest.fixture
def smtp():
    with serving(SMTPServer(delay=0.005)) as server:
        yield server


def wait_until(check, timeout: float = 60, every: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)
