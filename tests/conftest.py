"""Fixtures: a real database (SQLite file, or PostgreSQL when DATABASE_URL says so), migrated
with Alembic once per run and reset per test; the app, client, CLI runner and a login helper."""

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.serving import make_server

from challenge import create_app
from challenge.auth import throttle
from challenge.extensions import db
from challenge.states import Role

from . import factories
from .factories import PASSWORD

ISOLATED_INSTANCE = Path(tempfile.mkdtemp(prefix="challenge-test-instance-"))
# One deployment's two-factor keys for every app, server and worker the tests start (each has a
# SECRET_KEY of its own, from which the key would otherwise be derived), as production nodes
# share them (challenge/auth/totp_keys.py).
TOTP_TEST_KEY = "3WXuc7zss5tNa-XsH9iUnH7-l7i1tQ2FvdY7HXbvfRE="
os.environ["TOTP_ENCRYPTION_KEYS"] = TOTP_TEST_KEY


def _database_of_this_worker(url: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (named after the
    worker, created on first use), and DATABASE_URL names it, so the app, the servers the
    tests start and the tests agree. Without xdist, or on SQLite, the URL is unchanged."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or not url.startswith("postgresql"):
        return url
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    server = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    own = base.set(database=name).render_as_string(hide_password=False)
    os.environ["DATABASE_URL"] = own
    return own


POSTGRES_URL = _database_of_this_worker(os.environ.get("DATABASE_URL", ""))
USE_POSTGRES = POSTGRES_URL.startswith("postgresql")


def isolated_app(config: dict):
    """An app that ignores this machine's instance/config.py (tests must not depend on it)."""
    return create_app(config, instance_path=str(ISOLATED_INSTANCE))


# Stories score a bid in seconds; a real review taking that little is a flag the decision waits
# for (reviewing/anomalies.py). tests/test_anomalies.py sets the production threshold back.
STORY_CONFIG = {"ANOMALY_MIN_REVIEW_MINUTES": 0}


def _config(uri: str, **extra) -> dict:
    return {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": uri,
            "WTF_CSRF_ENABLED": False, "SERVER_NAME": None, **STORY_CONFIG, **extra}


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> str:
    """Run the migrations once; SQLite tests copy the file, PostgreSQL tests truncate."""
    if USE_POSTGRES:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        uri = POSTGRES_URL
    else:
        uri = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.sqlite'}"
    app = isolated_app(_config(uri))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return uri


@pytest.fixture(scope="session")
def base_app(migrated_template, tmp_path_factory):
    """One app for the run (templates compile once); tests needing other config make their own."""
    if USE_POSTGRES:
        uri = migrated_template
    else:
        uri = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    uploads = tmp_path_factory.mktemp("uploads")
    app = isolated_app(_config(uri, UPLOAD_FOLDER=str(uploads)))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def reset_database(app, template_uri: str) -> None:
    """A fresh, migrated database: copy the template file (SQLite) or truncate (PostgreSQL)."""
    app.extensions["matching"].reset()
    with app.app_context():
        throttle.reset()  # failed sign-ins counted by one test never refuse the next one's
    with app.app_context():
        db.session.remove()
        if USE_POSTGRES:
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                # The append-only tables refuse TRUNCATE (migration 0009); the test role is a
                # superuser, which may skip triggers for this one transaction.
                conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()
    if not USE_POSTGRES:
        target = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        for journal in (f"{target}-wal", f"{target}-shm"):  # a killed server's write-ahead
            Path(journal).unlink(missing_ok=True)           # log must not replay onto the copy
        shutil.copy(template_uri.removeprefix("sqlite:///"), target)


@pytest.fixture
def app(base_app, migrated_template):
    reset_database(base_app, migrated_template)
    with base_app.app_context():
        yield base_app
        db.session.remove()


def closed_before_sent(wsgi_app):
    """Werkzeug's server closes a response only after draining the socket; when the browser
    drops the connection first (a favicon it no longer wants as it navigates), the file behind
    a static response is left open and its ResourceWarning fails whichever test is running.
    Read the body and close the response before the server writes it."""

    def app(environ, start_response):
        iterable = wsgi_app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return app


@pytest.fixture
def live_server(app):
    """The real app (CSRF on) served on a loopback port, sharing the test's database."""
    server_app = isolated_app({"TESTING": True, "SECRET_KEY": "browser-test",
                             "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                             "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], **STORY_CONFIG})
    server = make_server("127.0.0.1", 0, closed_before_sent(server_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with server_app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = PASSWORD):
        """Sign in; an account with two-factor sign-in (every admin) also types its current code."""
        email = getattr(user_or_email, "email", user_or_email)
        response = self.client.post("/auth/login", data={"login": email, "password": password})
        if response.status_code == 302 and "/auth/two-factor" in response.headers["Location"]:
            response = self.client.post(response.headers["Location"],
                                        data={"code": factories.totp_code(email)})
        return response

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def make():
    """Factories bound to the test's database: make.user(Role.SOLVER), make.challenge(...)."""
    class Make:
        org = staticmethod(factories.make_org)
        user = staticmethod(factories.make_user)
        challenge = staticmethod(factories.make_challenge)
        values = staticmethod(factories.challenge_values)
        winner = staticmethod(factories.make_winner)
        contract = staticmethod(factories.make_contract)

    return Make


@pytest.fixture
def people(app, make):
    """One account per role the access tables speak of, committed."""
    issuer = make.user(Role.ENTERPRISE, name="发榜人")
    crowd = {
        "issuer": issuer,
        "colleague": make.user(Role.ENTERPRISE, org=issuer.organization, name="同事"),
        "other_enterprise": make.user(Role.ENTERPRISE, name="他企"),
        "solver": make.user(Role.SOLVER, name="揭榜人"),
        "other_solver": make.user(Role.SOLVER, name="另一揭榜人"),
        "reviewer": make.user(Role.REVIEWER, name="专家"),
        "admin": make.user(Role.ADMIN, name="管理员"),
    }
    db.session.commit()
    return crowd


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + POSTGRES_URL.split('@')[-1] if USE_POSTGRES else 'SQLite'}"


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
