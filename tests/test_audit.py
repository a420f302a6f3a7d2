"""The audit trail is append-only: neither the ORM nor raw SQL can change or delete an event."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from challenge.extensions import db
from challenge.models import AuditEvent, AuditImmutableError
from challenge.states import ChallengeState


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
