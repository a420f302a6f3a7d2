"""Check-then-write made atomic on SQLite and PostgreSQL.

An operation that checks an invariant and then writes ("is this payment still due?", "has
this user fewer than 10 open questions?") calls `lock_for_write` with the row that guards the
invariant (the 榜 for its contracts and ledger, the user for a per-user cap) before it reads
anything the check depends on. Until the transaction ends, no other transaction can pass the
same check, and every read after the call is current.

- PostgreSQL: `SELECT … FOR NO KEY UPDATE` of the guarding rows, in id order (so two operations
  that lock several rows cannot deadlock). Under READ COMMITTED every later statement sees what
  the previous holder committed. NO KEY: rows that merely reference a locked row (a
  notification to the user, an audit event by them, a ledger line of the 榜's contract) take a
  KEY SHARE lock on it and must not wait; with FOR UPDATE two admins filing objections at once,
  each notifying the other, deadlocked.
- SQLite ignores FOR UPDATE. Python's sqlite3 (legacy transaction control, Python 3.11) opens a
  transaction only just before an INSERT/UPDATE/DELETE, so the reads of a check run outside any
  transaction and two processes can both pass it. Here the database's write lock is taken
  before the check: `BEGIN IMMEDIATE` when no transaction is open; inside an open one, an UPDATE
  that matches no row (an open transaction normally already holds the lock through its first
  write, but one opened by a SAVEPOINT holds nothing until it writes). Other writers then wait
  (busy_timeout) until this transaction ends; readers are not blocked until it commits.

Objects loaded before the lock may be stale, so the session is flushed and expired: whatever
the check reads afterwards is loaded again under the lock.

State transitions need no lock: the version column of each workflow object lets one of two
simultaneous transitions write and makes the other's UPDATE match no row (StaleDataError).
`init_app` turns that error, wherever it is not handled closer, into a 409 page that says so.
"""

from flask import Flask, render_template
from flask_babel import gettext as _
from sqlalchemy import Connection, select
from sqlalchemy.orm.exc import StaleDataError

from .extensions import db


def init_app(app: Flask) -> None:
    @app.errorhandler(StaleDataError)
    def changed_meanwhile(exc):
        """Someone else changed the record between this request's reading and writing."""
        db.session.rollback()
        return render_template(
            "errors/error.html", code=409, title=_("操作未保存"),
            message=_("数据已被他人修改，您的操作未保存。请查看最新内容后重试。")), 409


def lock_for_write(model, *ids: int) -> list:
    """Hold the write lock guarding *model* rows *ids* for the rest of the transaction; returns
    those rows, freshly loaded. Call it before reading what the check depends on."""
    session = db.session
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _reserve_sqlite(connection, model.__table__.name)
        query = select(model)
    else:
        query = select(model).with_for_update(of=model, key_share=True)
    session.expire_all()
    return list(session.scalars(query.where(model.id.in_(sorted(set(ids)))).order_by(model.id)
                                .execution_options(populate_existing=True)))


def _reserve_sqlite(connection: Connection, table: str) -> None:
    """Take SQLite's RESERVED lock (one writer at a time) for this connection's transaction."""
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql(f'UPDATE "{table}" SET id = id WHERE 0')  # noqa: S608 (a model's own table name)
