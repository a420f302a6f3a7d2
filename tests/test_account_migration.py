"""Migration 0011 on a database with accounts: each gets its own session token and counts as
confirmed; downgrade and upgrade again leave the schema as they found it."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import USE_POSTGRES, _config, isolated_app

pytestmark = pytest.mark.skipif(USE_POSTGRES, reason="rebuilds its own SQLite file")


def test_existing_accounts_are_confirmed_and_get_distinct_tokens(tmp_path):
    app = isolated_app(_config(f"sqlite:///{tmp_path / 'm.sqlite'}"))
    with app.app_context():
        from challenge.extensions import db

        upgrade(revision="0010")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO organizations (id, name, type, region, created_at) "
                "VALUES (1, '科学技术局', 'other', '示范市', '2026-01-01 00:00:00')"))
            for n in (1, 2):
                conn.execute(sa.text(
                    "INSERT INTO users (id, email, name, password_hash, role, organization_id, "
                    "active, created_at) VALUES (:n, :email, '旧账号', 'x', 'solver', 1, 1, "
                    "'2026-01-0' || :n || ' 08:00:00')"), {"n": n, "email": f"old{n}@example.cn"})
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT session_token, email_confirmed_at, created_at FROM users ORDER BY id")).all()
        assert len({r.session_token for r in rows}) == 2 and all(len(r.session_token) >= 40
                                                                 for r in rows)
        assert [r.email_confirmed_at for r in rows] == [r.created_at for r in rows]
        downgrade(revision="0010")
        with db.engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("users")}
            assert "session_token" not in columns and "totp_secret" not in columns
            assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar() == 2
        upgrade()
        db.engine.dispose()
