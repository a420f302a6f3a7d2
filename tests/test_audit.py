"""The audit trail is append-only: neither the ORM nor raw SQL can change or delete an event,
and the events are hash-chained, so `flask audit verify` finds an edit or gap made behind the
database's back."""

import hashlib
import sqlite3
import threading
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from challenge.audit_trail.chain import verify_chain
from challenge.extensions import db
from challenge.models import AuditEvent, AuditImmutableError
from challenge.models.audit import event_values, link_hash
from challenge.states import ChallengeState
from challenge.workflow import AUDIT_CHAIN_LOCK, record

from .conftest import USE_POSTGRES

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def event(make, people):
    make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"])
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "submit")).one()


def test_orm_refuses_update_and_delete(event):
    event.reason = "篡改"
    with pytest.raises(AuditImmutableError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AuditImmutableError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET reason = 'x'",
    "DELETE FROM audit_events",
])
def test_database_refuses_raw_sql(event, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) >= 1


def test_event_records_who_when_what_and_why(event, people):
    assert event.actor_id == people["issuer"].id
    assert (event.object_type, event.from_state, event.to_state) == ("challenge", "draft",
                                                                     "screening")
    assert event.occurred_at.tzinfo is not None


# -- the hash chain ----------------------------------------------------------------------------

def chain() -> list[tuple[int, str, str]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT id, prev_hash, hash FROM audit_events ORDER BY id"))]


def test_each_event_hashes_its_canonical_content_and_its_predecessor(app):
    first = record(SimpleNamespace(id=7), "edit", None, object_type="challenge", reason="改名",
                   changes={"title": ["旧", "新"], "bounty_fen": [1, 2]},
                   now=datetime(2026, 12, 4, 17, 30, 0, 123456, tzinfo=SHANGHAI))
    second = record(SimpleNamespace(id=7), "export", None, object_type="export",
                    now=datetime(2026, 12, 4, 9, 31, tzinfo=UTC))
    db.session.commit()
    content = ('{"action":"edit","actor_id":null,"changes":{"bounty_fen":[1,2],"title":["旧","新"]},'
               '"from_state":null,"object_id":7,"object_type":"challenge",'
               '"occurred_at":"2026-12-04T09:30:00.123456+00:00","reason":"改名","to_state":null}')
    expected = hashlib.sha256(("0" * 64 + "\n" + content).encode()).hexdigest()
    later = ('{"action":"export","actor_id":null,"changes":null,"from_state":null,"object_id":7,'
             '"object_type":"export","occurred_at":"2026-12-04T09:31:00.000000+00:00","reason":"",'
             '"to_state":null}')
    assert chain() == [(first.id, "0" * 64, expected),
                       (second.id, expected,
                        hashlib.sha256((expected + "\n" + later).encode()).hexdigest())]


def test_events_of_one_transaction_chain_in_order_even_without_autoflush(event):
    with db.session.no_autoflush:
        for n in range(3):
            record(SimpleNamespace(id=n), "edit", None, object_type="challenge")
    db.session.commit()
    links = chain()
    assert links[0][1] == "0" * 64 and len(links) >= 5
    assert all(later[1] == earlier[2] for earlier, later in zip(links, links[1:], strict=False))


@pytest.mark.parametrize("savepoint_ends", ["rolled back", "released"])
def test_events_around_a_savepoint_stay_chained(app, savepoint_ends):
    """The transaction remembers its last event; a savepoint rolled back takes its events with
    it, so the next event must name the one before the savepoint."""
    edit = SimpleNamespace(id=1)
    record(edit, "edit", None, object_type="challenge", reason="之前")
    savepoint = db.session.begin_nested()
    record(edit, "edit", None, object_type="challenge", reason="保存点内")
    savepoint.rollback() if savepoint_ends == "rolled back" else savepoint.commit()
    record(edit, "edit", None, object_type="challenge", reason="之后")
    with db.session.begin_nested():
        record(edit, "edit", None, object_type="challenge", reason="又一个保存点")
    record(edit, "edit", None, object_type="challenge", reason="最后")
    db.session.commit()
    report = verify_chain()
    assert report.intact and report.count == (4 if savepoint_ends == "rolled back" else 5)


def test_record_holds_the_chain_lock_until_commit(app, tmp_path):
    """The head is read under a write lock that only the transaction's end releases."""
    record(SimpleNamespace(id=1), "edit", None, object_type="challenge")
    if USE_POSTGRES:
        other = sa.text("SELECT pg_try_advisory_xact_lock(:key)")
        with db.engine.connect() as conn:
            assert conn.scalar(other, {"key": AUDIT_CHAIN_LOCK}) is False
        db.session.commit()
        with db.engine.connect() as conn:
            assert conn.scalar(other, {"key": AUDIT_CHAIN_LOCK}) is True
        return
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        db.session.commit()
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
    finally:
        other.close()


def test_parallel_appends_do_not_fork_the_chain(app, people):
    writers = 6
    barrier = threading.Barrier(writers)
    failures = []

    def append(n):
        with app.app_context():
            try:
                barrier.wait()
                record(SimpleNamespace(id=n), "edit", None, object_type="challenge", reason=f"并发 {n}")
                time.sleep(0.02)  # the rest of a request's work, while another one appends
                db.session.commit()
            except Exception as exc:  # noqa: BLE001  (reported below)
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    report = verify_chain()
    assert report.intact and report.count == db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.reason.like("并发 %"))) == writers


# -- flask audit verify ----------------------------------------------------------------------

def behind_the_triggers(*statements: str) -> None:
    """Rewrite the trail as someone holding the database could: triggers bypassed."""
    with db.engine.begin() as conn:
        if USE_POSTGRES:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        else:
            for trigger in ("no_update", "no_delete"):
                conn.execute(sa.text(f"DROP TRIGGER IF EXISTS audit_events_{trigger}"))
        for statement in statements:
            conn.execute(sa.text(statement))


@pytest.fixture
def trail(make, people):
    """Six events: a 榜 walked from draft to open and edited three times."""
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    for title in ("二稿", "三稿", "定稿"):
        record(board, "edit", people["issuer"], changes={"title": [board.title, title]})
    db.session.commit()
    ids = [row[0] for row in chain()]
    assert len(ids) == 6
    return ids


def test_verify_reports_an_intact_chain_with_its_count(runner, trail):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"审计链完整：共 {len(trail)} 条事件，链尾事件 #{trail[-1]}" in result.output


def test_verify_reports_an_empty_trail_as_intact(runner, app):
    result = runner.invoke(args=["audit", "verify"])
    assert (result.exit_code, result.output.strip()) == (0, "审计链完整：共 0 条事件。")


def test_verify_finds_an_event_edited_behind_the_triggers(runner, trail):
    edited = trail[2]
    behind_the_triggers(f"UPDATE audit_events SET reason = '无' WHERE id = {edited}")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"审计链在事件 #{edited} 处断开（edited）" in result.output
    assert "内容被改动" in result.output and "此前 2 条事件完好" in result.output


def test_verify_finds_an_edit_whose_hash_was_recomputed_at_the_next_link(runner, trail):
    """Recomputing the edited event's own hash moves the break to its successor."""
    edited = trail[1]
    behind_the_triggers(f"UPDATE audit_events SET reason = '无', hash = '{'f' * 64}' WHERE id = {edited}")
    result = runner.invoke(args=["audit", "verify"])
    assert f"#{edited} 处断开（edited）" in result.output
    row = db.session.execute(sa.select(AuditEvent).where(AuditEvent.id == edited)).scalar_one()
    fixed = link_hash(row.prev_hash, event_values(row))
    db.session.remove()
    behind_the_triggers(f"UPDATE audit_events SET hash = '{fixed}' WHERE id = {edited}")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"审计链在事件 #{trail[2]} 处断开（missing）" in result.output


@pytest.mark.parametrize("position", [0, 3, -1], ids=["first", "middle", "last"])
def test_verify_finds_a_deleted_event(runner, trail, position):
    behind_the_triggers(f"DELETE FROM audit_events WHERE id = {trail[position]}")
    result = runner.invoke(args=["audit", "verify"])
    if position == -1:  # the chain is intact but shorter: the count and head tell
        assert result.exit_code == 0
        assert f"共 {len(trail) - 1} 条事件，链尾事件 #{trail[-2]}" in result.output
        return
    assert result.exit_code == 1
    assert f"审计链在事件 #{trail[position + 1]} 处断开（missing）" in result.output
    assert "缺失事件" in result.output


def test_verify_finds_events_moved_out_of_order(runner, trail):
    second, third = trail[1], trail[2]
    behind_the_triggers(f"UPDATE audit_events SET id = -1 WHERE id = {second}",
                        f"UPDATE audit_events SET id = {second} WHERE id = {third}",
                        f"UPDATE audit_events SET id = {third} WHERE id = -1")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"审计链在事件 #{second} 处断开（mismatch）" in result.output
    assert f"它接在事件 #{third} 之后，而链中排在它前面的是 #{trail[0]}" in result.output
