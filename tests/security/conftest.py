"""A live multi-process server for the attack tests: gunicorn with several worker processes
over the test's database (the SQLite file of the `app` fixture, or DATABASE_URL's PostgreSQL),
CSRF on, a real SECRET_KEY and the test's upload folder. Races that a single process hides
(one interpreter, one connection pool) show here, as they would in production."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from challenge.extensions import db
from tests.conftest import ISOLATED_INSTANCE

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
THREADS = 4  # so a whole burst is in flight at once: across processes and, within one, threads


@dataclass(frozen=True)
class Server:
    url: str
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        """The server's own output, for an assertion message when a request went wrong."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _listening_socket() -> socket.socket:
    """A loopback socket bound to a free port, handed to gunicorn as an inherited descriptor,
    so no other process can take the port between choosing it and serving on it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _wait_until_answering(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/auth/login", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    """Quick shutdown, then kill what is left: every reply is in and every transaction ended,
    and workers take seconds to tear their interpreters down (numpy, scipy, jieba) on a
    loaded machine."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # its own process group: the workers too
    process.wait(timeout=15)


def server_env(app, **extra: str) -> dict:
    """The environment of a server process over the test's database and upload folder."""
    return dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                SECRET_KEY=secrets.token_hex(32), FLASK_UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
                PYTHONUNBUFFERED="1", **extra)


def start_gunicorn(args: list[str], env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    """`python -m gunicorn` with *args*, bound to a free loopback port handed over as a
    descriptor, its output in *log*; returns the process and its URL once it answers (and
    stops it if it never does). The caller stops it with `_stop`."""
    sock = _listening_socket()
    command = [sys.executable, "-m", "gunicorn", "--bind", f"fd://{sock.fileno()}", *args]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, pass_fds=(sock.fileno(),),
                                   start_new_session=True)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()  # gunicorn holds its own copy
    try:
        _wait_until_answering(url, process, log)
    except BaseException:
        _stop(process)
        raise
    return process, url


@pytest.fixture
def multiprocess_server(app, tmp_path):
    """gunicorn (WORKERS processes × THREADS threads) serving the app over the test's database.

    The app is imported once in the master (--preload) and forked: create_app opens no
    database connection, so no connection is shared between processes, and start-up stays
    about two seconds. wsgi.py is not used: these tests need no matching indexes built before
    the fork (tests/test_serving.py starts the server as `make run` does)."""
    with app.app_context():
        db.session.remove()  # the test's own session must not hold SQLite's lock
    log = tmp_path / "gunicorn.log"
    process, url = start_gunicorn(
        ["--preload", "--workers", str(WORKERS), "--threads", str(THREADS),
         "--worker-class", "gthread", "--timeout", "60", "--log-level", "warning",
         "--no-control-socket", "--error-logfile", "-",
         f"challenge:create_app(instance_path={str(ISOLATED_INSTANCE)!r})"],
        server_env(app), log)
    try:
        yield Server(url, log)
    finally:
        _stop(process)
