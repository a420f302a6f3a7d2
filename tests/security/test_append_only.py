"""The append-only promise holds against the database itself: raw SQL cannot change, replace or
empty the audit trail, the payments ledger or the access log, on SQLite or PostgreSQL; and the
migrations never leave those guards dropped (round trips keep them, a failing migration is undone
whole, its guards intact)."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from flask_migrate import downgrade, upgrade

from challenge.awarding import operations as ops
from challenge.demo import seed
from challenge.extensions import db
from challenge.models import AccessLog, AuditEvent
from challenge.posting.operations import log_body_view
from challenge.states import ChallengeState, FundingMode, Payer
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform

from ..conftest import POSTGRES_URL, USE_POSTGRES, _config, isolated_app

TABLES = ("audit_events", "ledger_entries", "access_logs")
# The column each attack tries to rewrite, and to what (the issue found a ledger entry rewritten to 1 分).
TAMPER = {"audit_events": ("reason", "'篡改'"), "ledger_entries": ("amount_fen", "1"),
          "access_logs": ("ip", "'6.6.6.6'")}
if USE_POSTGRES:
    GUARDS = {f"{t}_no_{v}" for t in TABLES for v in ("change", "truncate")}
    GUARDS_0008 = {f"{t}_no_change" for t in ("audit_events", "ledger_entries")}
else:
    GUARDS = {f"{t}_no_{v}" for t in TABLES for v in ("update", "delete", "replace")}
    GUARDS_0008 = {f"{t}_no_{v}" for t in ("audit_events", "ledger_entries")
                   for v in ("update", "delete")}


def columns(table: str) -> list[str]:
    return [c["name"] for c in sa.inspect(db.engine).get_columns(table)]


def rewrite(table: str, row_id: int, verb: str, *, new_id: bool = False, tail: str = "") -> str:
    """`verb INTO table (...) SELECT ...`: a copy of row *row_id* with its TAMPER column changed
    (and, with *new_id*, a fresh id so only another unique key collides)."""
    names = columns(table)
    tampered, value = TAMPER[table]
    chosen = [value if name == tampered
              else f"(SELECT max(id) + 1000 FROM {table})" if new_id and name == "id" else name
              for name in names]
    return (f"{verb} INTO {table} ({', '.join(names)}) SELECT {', '.join(chosen)} "
            f"FROM {table} WHERE id = {row_id}{tail}")


def attacks() -> list:
    cases = []
    for table in TABLES:
        column, value = TAMPER[table]
        cases += [
            pytest.param(table, lambda t, i, c=column, v=value: f"UPDATE {t} SET {c} = {v} WHERE id = {i}",
                         id=f"{table}-update"),
            pytest.param(table, lambda t, i: f"DELETE FROM {t} WHERE id = {i}", id=f"{table}-delete"),
            pytest.param(table, lambda t, i, c=column: rewrite(
                t, i, "INSERT", tail=f" ON CONFLICT (id) DO UPDATE SET {c} = excluded.{c}"),
                id=f"{table}-upsert"),
        ]
        if USE_POSTGRES:
            cases += [
                pytest.param(table, lambda t, i: f"TRUNCATE {t} CASCADE", id=f"{table}-truncate"),
                pytest.param(table, lambda t, i: "TRUNCATE users CASCADE",
                             id=f"{table}-truncate-cascading-from-users"),
            ]
        else:
            cases += [
                pytest.param(table, lambda t, i: rewrite(t, i, "INSERT OR REPLACE"),
                             id=f"{table}-insert-or-replace"),
                pytest.param(table, lambda t, i: rewrite(t, i, "REPLACE"), id=f"{table}-replace-into"),
            ]
    if not USE_POSTGRES:  # REPLACE colliding on another unique key deletes the row holding it
        cases += [
            pytest.param("audit_events", lambda t, i: rewrite(t, i, "REPLACE", new_id=True),
                         id="audit_events-replace-on-prev_hash"),
            pytest.param("reversal", lambda t, i: rewrite("ledger_entries", i, "REPLACE", new_id=True),
                         id="ledger_entries-replace-on-reverses_id"),
        ]
    return cases


@pytest.fixture
def stored(make, people):
    """A row in each append-only table: audit events, a payment of 500,000 元 and a wrong one with its
    reversal, a view of a confidential body. Table → the id attacked."""
    admin = people["admin"]
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=admin,
                           funding_mode=FundingMode.MILESTONE)
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    contract = make.contract(board, admin, solver=people["solver"], sign=True)
    first = contract.milestones[0]
    perform(first, "report", people["solver"], report="完成")
    perform(first, "confirm", people["issuer"])
    paid = ops.record_payment(contract, admin, ops.PaymentInput(
        Payer.ENTERPRISE, 50_000_000, local_today(), first.id, "流水 001"))
    wrong = ops.record_payment(contract, admin, ops.PaymentInput(
        Payer.ENTERPRISE, 1_000, local_today(), first.id, "流水 002"))
    reversal = ops.reverse_payment(wrong, admin, "重复登记")
    log_body_view(board, people["solver"], "127.0.0.1")
    db.session.commit()
    targets = {"audit_events": db.session.scalar(sa.select(sa.func.min(AuditEvent.id))),
               "ledger_entries": paid.id, "reversal": reversal.id,
               "access_logs": db.session.scalar(sa.select(sa.func.min(AccessLog.id)))}
    db.session.remove()  # holds no lock a TRUNCATE would wait for
    return targets


def snapshot(table: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))]


@pytest.mark.parametrize(("target", "statement"), attacks())
def test_raw_sql_cannot_change_replace_or_empty_an_append_only_table(stored, target, statement):
    table = "ledger_entries" if target == "reversal" else target
    before = snapshot(table)
    assert before
    with db.engine.connect() as conn:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            conn.execute(sa.text(statement(table, stored[target])))
            conn.commit()
    assert snapshot(table) == before


def test_appending_stays_allowed(stored, people):
    """The guards refuse rewriting, not writing: a new row with a new key goes in."""
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO access_logs (challenge_id, user_id, viewed_at, ip) "
                             "SELECT challenge_id, user_id, viewed_at, '10.0.0.1' FROM access_logs"))
    assert len(snapshot("access_logs")) == 2


# -- migrations ------------------------------------------------------------------------------

@pytest.fixture
def fresh(tmp_path):
    """An app over an empty database of its own (a new PostgreSQL database, or a SQLite file)."""
    name = f"migrations_{uuid.uuid4().hex[:10]}"
    server = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT") if USE_POSTGRES else None
    if server is not None:
        with server.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        uri = f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    else:
        uri = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    app = isolated_app(_config(uri, UPLOAD_FOLDER=str(tmp_path / "uploads")))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if server is not None:
        with server.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        server.dispose()


def guards() -> set[str]:
    query = ("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal" if USE_POSTGRES
             else "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    with db.engine.connect() as conn:
        return set(conn.scalars(sa.text(query)))


def version() -> str | None:
    with db.engine.connect() as conn:
        return conn.scalar(sa.text("SELECT version_num FROM alembic_version"))


def counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in TABLES}


def assert_guards_work(tables=TABLES, *, full: bool = True) -> None:
    """Each table refuses an UPDATE and a DELETE and, with the *full* guards of 0009, a rewrite
    (SQLite) or TRUNCATE (PostgreSQL)."""
    for table in tables:
        row_id = db.session.scalar(sa.text(f"SELECT min(id) FROM {table}"))
        db.session.remove()
        attempts = [f"UPDATE {table} SET id = id", f"DELETE FROM {table} WHERE id = {row_id}"]
        if full:
            # CASCADE: a table another references (audit_events by panel_draws) would otherwise be
            # refused by PostgreSQL's foreign-key check before its own guard is reached.
            attempts.append(f"TRUNCATE {table} CASCADE" if USE_POSTGRES
                            else rewrite(table, row_id, "INSERT OR REPLACE"))
        for statement in attempts:
            with db.engine.connect() as conn:
                with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                    conn.execute(sa.text(statement))


def seeded() -> dict[str, int]:
    upgrade()
    seed()
    db.session.remove()
    without_body_accounts()  # or every downgrade stops at 0023
    made = counts()
    assert all(made.values()), made
    return made


def without_body_accounts() -> None:
    """The demo's professional body account, removed before a downgrade below 0023: that
    migration's downgrade stops while any exists (what to turn them into is an operator's call)."""
    with db.engine.begin() as conn:
        ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM users WHERE role = 'body'"))]
        for table in ("recovery_codes", "notifications"):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE user_id IN :ids")
                         .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids})
        conn.execute(sa.text("DELETE FROM users WHERE role = 'body'"))


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_downgrade_to_0008_and_back_keeps_the_data_chains_it_and_restores_every_guard(fresh):
    made = seeded()
    with db.engine.connect() as conn:
        paid = conn.execute(sa.text("SELECT id, amount_fen FROM ledger_entries ORDER BY id")).all()
    downgrade(revision="0008")
    assert (version(), guards()) == ("0008", GUARDS_0008)
    upgrade()
    assert guards() == GUARDS
    assert counts() == made
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id, amount_fen FROM ledger_entries ORDER BY id")).all() == paid
    result = verify(fresh)
    assert result.exit_code == 0 and f"共 {made['audit_events']} 条事件" in result.output
    assert_guards_work()


def test_downgrade_to_base_and_upgrade_to_head_with_data_in_the_tables(fresh):
    seeded()
    downgrade(revision="base")
    assert version() is None and guards() == set()
    with db.engine.connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) == {"alembic_version"}
    seeded()
    assert guards() == GUARDS
    assert verify(fresh).exit_code == 0
    assert_guards_work()


class SimulatedFailure(Exception):
    pass


def failing(method: str, table: str):
    """Make one alembic operation on *table* fail, after the migration's earlier steps ran."""
    original = getattr(Operations, method)

    def operation(self, name, *args, **kwargs):
        if name == table:
            raise SimulatedFailure(f"{method} {table}")
        return original(self, name, *args, **kwargs)

    return operation


@pytest.mark.parametrize(("target", "method", "table", "stays_at", "left_guards", "tables"), [
    # 0006's downgrade drops the ledger's guards and the ledger itself before it reaches contracts.
    ("0005", "drop_table", "contracts", "0006", GUARDS_0008, ("audit_events", "ledger_entries")),
    # 0009's downgrade drops every guard before it rebuilds the audit table.
    ("0008", "batch_alter_table", "audit_events", "0009", GUARDS, TABLES),
], ids=["failing-in-0006", "failing-in-0009"])
def test_a_migration_failing_half_way_is_undone_whole_with_its_guards(
        fresh, monkeypatch, target, method, table, stays_at, left_guards, tables):
    made = seeded()
    with monkeypatch.context() as patch:
        patch.setattr(Operations, method, failing(method, table))
        with pytest.raises(SimulatedFailure):
            downgrade(revision=target)
    db.session.remove()
    assert version() == stays_at
    assert guards() == left_guards
    assert counts() == made
    assert_guards_work(tables, full=left_guards == GUARDS)
    upgrade()  # and the way back up still works
    assert (guards(), counts()) == (GUARDS, made)
    assert verify(fresh).exit_code == 0


@pytest.mark.skipif(USE_POSTGRES, reason="PostgreSQL checks foreign keys itself, inside migrations too")
def test_a_sqlite_migration_leaving_a_foreign_key_broken_is_undone(fresh, monkeypatch):
    """Migrations run with SQLite's foreign keys off (table rebuilds need it) and are checked
    with PRAGMA foreign_key_check before they commit."""
    upgrade(revision="0008")
    original = Operations.batch_alter_table

    def dangling(self, name, *args, **kwargs):
        self.get_bind().exec_driver_sql(
            "INSERT INTO access_logs (challenge_id, user_id, viewed_at, ip) "
            "VALUES (999999, 999999, '2026-12-04 00:00:00', '')")
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(Operations, "batch_alter_table", dangling)
    with pytest.raises(SystemExit):  # Flask-Migrate reports the error and exits 1
        upgrade()
    monkeypatch.undo()
    assert version() == "0008"
    assert counts()["access_logs"] == 0
    with db.engine.connect() as conn:
        assert conn.scalar(sa.text("PRAGMA foreign_keys")) == 1  # the pool's connection as it was
