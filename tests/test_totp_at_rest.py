"""Two-factor secrets at rest (challenge/auth/totp_keys.py): the users row and the enrolment
cookie hold no plain secret; keys rotate without locking anyone out; a missing key fails closed
with a message, never a 500; migration 0026 seals the secrets written before it and its
downgrade opens them again. The expectations open tokens with cryptography's Fernet directly,
under the key the tests configure (tests/conftest.py TOTP_TEST_KEY), not with the code tested."""

import json
import re

import pyotp
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from flask_migrate import downgrade, upgrade

from challenge.auth import totp_keys, two_factor
from challenge.extensions import db
from challenge.models import AuditEvent
from challenge.states import Role
from tests import factories
from tests.conftest import POSTGRES_URL, TOTP_TEST_KEY, USE_POSTGRES, _config, isolated_app
from tests.factories import PASSWORD

NEW_KEY = "Q0SBknYlaPVcOn3ise-GtL60svTiMyOMHmX9PeAy4hA="
OTHER_KEY = "paSkY3L5C9_08to1CRJ84bX0cPt2hCNzQpGYYHfGzqY="
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # what the account's authenticator holds


def raw_secret(user_id: int) -> str | None:
    return db.session.execute(sa.text("SELECT totp_secret FROM users WHERE id = :id"),
                              {"id": user_id}).scalar()


def opens_with(key: str, token: str) -> str:
    return Fernet(key.encode()).decrypt(token.encode()).decode()


def session_of(app, client) -> dict:
    """What Flask's session cookie carries, decoded as anyone holding it can (it is signed only)."""
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_enrolment_keeps_the_secret_out_of_the_cookie_and_seals_it_in_the_row(app, client, make):
    admin = make.user(Role.ADMIN)
    admin.totp_secret = admin.totp_enabled_at = None
    db.session.commit()
    client.post("/auth/login", data={"login": admin.email, "password": PASSWORD})
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    carried = json.dumps(session_of(app, client))
    assert secret not in carried and secret not in client.get_cookie("session").value
    sealed = session_of(app, client)["totp_setup_secret"]
    assert opens_with(TOTP_TEST_KEY, sealed) == secret  # sealed, and still the same secret:
    again = client.get("/auth/two-factor/setup").get_data(as_text=True)  # a reload shows it again
    assert f'data-testid="totp-secret">{secret}<' in again
    wrong = client.post("/auth/two-factor/setup", data={"code": "000000"}).get_data(as_text=True)
    assert "验证码不正确" in wrong and secret not in json.dumps(session_of(app, client))

    done = client.post("/auth/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert "恢复码" in done.get_data(as_text=True)
    stored = raw_secret(admin.id)
    assert stored.startswith("gAAAAA") and secret not in stored
    assert opens_with(TOTP_TEST_KEY, stored) == secret
    assert "totp_setup_secret" not in session_of(app, client)


def test_an_old_plain_enrolment_cookie_gets_a_new_sealed_secret(app, client, make):
    """A cookie from before the upgrade carried the secret in the clear: it is not trusted."""
    solver = make.user(Role.SOLVER)
    db.session.commit()
    client.post("/auth/login", data={"login": solver.email, "password": PASSWORD})
    with client.session_transaction() as session:
        session["totp_setup_secret"] = SECRET
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    shown = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert shown != SECRET
    assert opens_with(TOTP_TEST_KEY, session_of(app, client)["totp_setup_secret"]) == shown


def enrolled_admin(make):
    admin = make.user(Role.ADMIN)
    admin.totp_secret = Fernet(TOTP_TEST_KEY.encode()).encrypt(SECRET.encode()).decode()
    db.session.commit()
    return admin


def sign_in(client, admin, code: str | None = None):
    """Password then code; the account's last used step is cleared so the current code counts."""
    client.post("/auth/logout")
    db.session.execute(sa.update(type(admin)).where(type(admin).id == admin.id)
                       .values(totp_last_step=None))
    db.session.commit()
    step = client.post("/auth/login", data={"login": admin.email, "password": PASSWORD})
    assert "/auth/two-factor" in step.headers["Location"]
    return client.post("/auth/two-factor", data={"code": code or pyotp.TOTP(SECRET).now()})


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_sign_in_works_across_a_key_rotation(app, client, make, runner, monkeypatch):
    admin = enrolled_admin(make)
    assert sign_in(client, admin).status_code == 302 and signed_in(client)

    # 1. The new key first, the old one kept after it: old tokens still open.
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEYS", f"{NEW_KEY}, {TOTP_TEST_KEY}")
    assert sign_in(client, admin).status_code == 302 and signed_in(client)
    # 2. Every secret sealed again with the new key, each account's change audited.
    result = runner.invoke(args=["two-factor", "rotate-key"])
    assert result.exit_code == 0, result.output
    stored = raw_secret(admin.id)
    assert opens_with(NEW_KEY, stored) == SECRET
    with pytest.raises(InvalidToken):
        opens_with(TOTP_TEST_KEY, stored)
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "user", AuditEvent.object_id == admin.id)
        .order_by(AuditEvent.id.desc()).limit(1)) == "rotate_totp_key"
    # 3. The old key dropped.
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEYS", NEW_KEY)
    assert sign_in(client, admin).status_code == 302 and signed_in(client)


def test_rotating_without_the_old_key_changes_nothing(app, make, runner, monkeypatch):
    admin = enrolled_admin(make)
    before = raw_secret(admin.id)
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEYS", NEW_KEY)
    result = runner.invoke(args=["two-factor", "rotate-key"])
    assert result.exit_code != 0 and admin.email in result.output and "未做任何更改" in result.output
    db.session.rollback()
    assert raw_secret(admin.id) == before


def test_a_missing_key_fails_closed_with_a_message_and_recovery_codes_still_work(
        app, client, make, monkeypatch, caplog):
    admin = enrolled_admin(make)
    codes = two_factor.new_recovery_codes(admin)
    db.session.commit()
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEYS", OTHER_KEY)
    refused = sign_in(client, admin)  # the right code, but no key opens the secret
    assert refused.status_code == 200
    assert "暂时无法核对身份验证器的验证码" in refused.get_data(as_text=True)
    assert not signed_in(client)
    assert any("TOTP_ENCRYPTION_KEYS" in r.getMessage() for r in caplog.records)
    # The account's recovery codes do not depend on the key.
    assert sign_in(client, admin, code=codes[0]).status_code == 302 and signed_in(client)
    # A wrong code with the right key says only that the code is wrong.
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEYS", TOTP_TEST_KEY)
    wrong = sign_in(client, admin, code="000000").get_data(as_text=True)
    assert "验证码不正确或已过期" in wrong and "暂时无法核对" not in wrong


def test_without_configured_keys_the_key_comes_from_secret_key():
    token = totp_keys.fernet_for("", "one secret key").encrypt(b"x")
    assert totp_keys.fernet_for(None, "one secret key").decrypt(token) == b"x"
    with pytest.raises(InvalidToken):
        totp_keys.fernet_for("", "another secret key").decrypt(token)
    with pytest.raises(InvalidToken):  # not SECRET_KEY's bytes themselves, nor the test key
        totp_keys.fernet_for(TOTP_TEST_KEY, "one secret key").decrypt(token)


def test_a_key_that_is_not_a_fernet_key_refuses_start_up(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path / 'k.sqlite'}"
    with pytest.raises(totp_keys.SecretUnavailable, match="TOTP_ENCRYPTION_KEYS"):
        isolated_app(_config(uri, TOTP_ENCRYPTION_KEYS=f"{TOTP_TEST_KEY},not-a-key"))
    monkeypatch.setenv("TOTP_ENCRYPTION_KEYS", "short")
    with pytest.raises(totp_keys.SecretUnavailable, match="TOTP_ENCRYPTION_KEYS"):
        isolated_app(_config(uri))
    monkeypatch.setenv("TOTP_ENCRYPTION_KEYS", f"{NEW_KEY},{TOTP_TEST_KEY}")
    assert isolated_app(_config(uri)).config["TOTP_ENCRYPTION_KEYS"] == f"{NEW_KEY},{TOTP_TEST_KEY}"


def _column_length(conn) -> int:
    return next(c["type"].length for c in sa.inspect(conn).get_columns("users")
                if c["name"] == "totp_secret")


def own_database(tmp_path) -> str:
    """An empty database for this test alone: an SQLite file, or a PostgreSQL database beside
    the test database (the shared one stays at head for the other tests)."""
    if not USE_POSTGRES:
        return f"sqlite:///{tmp_path / 'm.sqlite'}"
    base = sa.engine.make_url(POSTGRES_URL)
    name = f"{base.database}_m0026"
    server = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def test_0026_seals_plain_secrets_and_its_downgrade_opens_them(tmp_path, capfd):
    app = isolated_app(_config(own_database(tmp_path)))
    with app.app_context():
        upgrade(revision="0025")
        enrolled = factories.make_user(Role.SOLVER)  # (a factory admin would come sealed)
        solver = factories.make_user(Role.SOLVER)
        db.session.commit()
        ids = enrolled.id, solver.id
        db.session.execute(sa.text("UPDATE users SET totp_secret = :s WHERE id = :id"),
                           {"s": SECRET, "id": enrolled.id})
        db.session.commit()
        db.session.remove()

        upgrade()
        with db.engine.connect() as conn:
            assert _column_length(conn) == 255
            rows = dict(conn.execute(sa.text("SELECT id, totp_secret FROM users")).all())
        assert rows[ids[1]] is None and opens_with(TOTP_TEST_KEY, rows[ids[0]]) == SECRET

        app.config["TOTP_ENCRYPTION_KEYS"] = OTHER_KEY  # the key is gone: stop, change nothing
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits 1
            downgrade(revision="0025")
        assert "no key opens the two-factor secret of users [1]" in capfd.readouterr().err
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT totp_secret FROM users WHERE id = :id"),
                                {"id": ids[0]}).scalar() == rows[ids[0]]
        app.config["TOTP_ENCRYPTION_KEYS"] = TOTP_TEST_KEY

        downgrade(revision="0025")
        with db.engine.connect() as conn:
            assert _column_length(conn) == 64
            assert dict(conn.execute(sa.text("SELECT id, totp_secret FROM users")).all()) == {
                ids[0]: SECRET, ids[1]: None}
        upgrade()
        with db.engine.connect() as conn:
            sealed = conn.execute(sa.text("SELECT totp_secret FROM users WHERE id = :id"),
                                  {"id": ids[0]}).scalar()
        assert opens_with(TOTP_TEST_KEY, sealed) == SECRET
        db.engine.dispose()
