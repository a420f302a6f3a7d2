import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime

if TYPE_CHECKING:
    from .user import User


class AuditEvent(db.Model):
    """Append-only record of a change: who, when, what, from → to, why.

    The ORM refuses updates and deletes; database triggers (see migrations) refuse them too, and
    each event carries the hash of its content chained to the event before it (`link_hash`), so
    a change made behind the triggers' back shows (`flask audit verify`).
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        # The audit trail's filters, newest first (migration 0007).
        Index("ix_audit_events_object_time", "object_type", "object_id", "occurred_at"),
        Index("ix_audit_events_type_time", "object_type", "occurred_at"),
        Index("ix_audit_events_actor_time", "actor_id", "occurred_at"),
        Index("ix_audit_events_action_time", "action", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict | None] = mapped_column(JSON)
    # SHA-256 of the previous event's `hash` and this event's content; unique, so the chain
    # cannot fork (two events naming the same predecessor).
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped["User | None"] = relationship("User")

    def __repr__(self) -> str:
        return (f"<AuditEvent {self.object_type}:{self.object_id} {self.action} "
                f"{self.from_state}->{self.to_state}>")


# The predecessor named by the first event of the chain.
GENESIS_HASH = "0" * 64
# What an event says, in the order the canonical form lists it (keys are sorted anyway).
CHAINED_FIELDS = ("occurred_at", "actor_id", "object_type", "object_id", "action", "from_state",
                  "to_state", "reason", "changes")


def chained_content(values: Mapping) -> bytes:
    """An event's content in one canonical form: compact JSON with sorted keys, the time in UTC
    to the microsecond, `changes` as the JSON column gives it back."""
    document = {name: values[name] for name in CHAINED_FIELDS}
    document["occurred_at"] = values["occurred_at"].astimezone(UTC).isoformat(timespec="microseconds")
    document["changes"] = json.loads(json.dumps(values["changes"]))
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode()


def link_hash(prev_hash: str, values: Mapping) -> str:
    """The hash an event stores: SHA-256 over its predecessor's hash and its own content."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + chained_content(values)).hexdigest()


def event_values(event: "AuditEvent") -> dict:
    return {name: getattr(event, name) for name in CHAINED_FIELDS}


class AuditImmutableError(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditImmutableError("audit events are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditImmutableError("audit events are append-only")
