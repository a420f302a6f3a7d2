"""lock_for_write: once called, no other transaction can take the same lock or write (SQLite)
until this one ends, whatever the session did before; and what was loaded before is re-read."""

import pytest
import sqlalchemy as sa

from challenge.extensions import db
from challenge.locking import lock_for_write
from challenge.models import Organization, User
from challenge.states import Role


@pytest.fixture
def other(app):
    """A second connection to the test's database that never waits for a lock."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    sqlite = uri.startswith("sqlite")
    engine = sa.create_engine(uri, connect_args={"timeout": 0} if sqlite else {})
    yield engine
    engine.dispose()


def locked_out(engine, user_id: int) -> bool:
    """Whether the other connection is refused the lock (SQLite: the database's write lock;
    PostgreSQL: the user's row)."""
    with engine.connect() as conn:
        try:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.execute(sa.text("SELECT id FROM users WHERE id = :id FOR UPDATE NOWAIT"),
                             {"id": user_id})
        except sa.exc.OperationalError as exc:
            expected = ("database is locked" if engine.dialect.name == "sqlite"
                        else "could not obtain lock")
            assert expected in str(exc), exc
            return True
        conn.rollback()
        return False


def _nothing(user):
    pass


def _wrote(user):
    user.name = "改过的名字"
    db.session.flush()


def _savepoint(user):
    db.session.begin_nested()  # on SQLite a SAVEPOINT opens a transaction that holds no lock
    db.session.scalar(sa.select(sa.func.count(User.id)))


@pytest.mark.parametrize("before", [_nothing, _wrote, _savepoint],
                         ids=["fresh", "after-a-write", "inside-a-savepoint"])
def test_the_lock_keeps_others_out_until_the_transaction_ends(make, other, before):
    user = make.user(Role.SOLVER)
    db.session.commit()
    before(user)
    # A write already holds the lock (SQLite's write lock, PostgreSQL's row lock).
    assert locked_out(other, user.id) is (before is _wrote)
    assert lock_for_write(User, user.id) == [user]
    assert locked_out(other, user.id)
    db.session.commit()
    assert not locked_out(other, user.id)


def test_what_was_loaded_before_the_lock_is_read_again(make, other):
    user = make.user(Role.SOLVER, name="旧名字")
    org = user.organization
    db.session.commit()
    assert (user.name, org.region) == ("旧名字", "示范市高新区")
    with other.begin() as conn:  # another process changes both rows meanwhile
        conn.execute(sa.update(User).where(User.id == user.id).values(name="新名字"))
        conn.execute(sa.update(Organization).where(Organization.id == org.id).values(region="新区"))
    assert user.name == "旧名字"  # the session's copy, loaded before
    lock_for_write(User, user.id)
    assert (user.name, org.region) == ("新名字", "新区")
    db.session.rollback()


def test_several_rows_are_locked_together(make, other):
    users = [make.user(Role.SOLVER) for _ in range(3)]
    db.session.commit()
    ids = [u.id for u in users]
    assert [u.id for u in lock_for_write(User, *reversed(ids), ids[0])] == ids
    assert all(locked_out(other, i) for i in ids)
    db.session.rollback()


def test_rows_that_refer_to_a_locked_row_can_still_be_written(app, make, other):
    """PostgreSQL: the lock is FOR NO KEY UPDATE, so a foreign key to the locked row (which
    takes KEY SHARE) does not wait for it. (SQLite has one write lock for the database.)"""
    if other.dialect.name == "sqlite":
        pytest.skip("SQLite locks the whole database for writing")
    user = make.user(Role.SOLVER)
    db.session.commit()
    lock_for_write(User, user.id)
    with other.begin() as conn:
        conn.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
        conn.execute(sa.text("SELECT id FROM users WHERE id = :id FOR KEY SHARE"), {"id": user.id})
    db.session.rollback()
