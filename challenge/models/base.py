"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, String, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column

from ..timeutil import utcnow


class UTCDateTime(TypeDecorator):
    """Aware datetimes in Python, naive UTC in the database (same on SQLite and PostgreSQL)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def enum_column(enum_cls, **kw):
    """Store a StrEnum by value in a plain VARCHAR (portable, migration-friendly), with a named
    CHECK that the value is one of the enum's (ck_<table>_<enum name>, migration 0013)."""
    from sqlalchemy import Enum

    return mapped_column(
        Enum(enum_cls, native_enum=False, length=24, validate_strings=True, create_constraint=True,
             values_callable=lambda e: [m.value for m in e]),
        **kw,
    )


def stamped(name: str, states, *stamps: str) -> CheckConstraint:
    """A row in one of *states* carries every time stamp in *stamps*: what the door's effects
    set on the way there (migration 0013)."""
    listed = ", ".join(f"'{state.value}'" for state in states)
    present = " AND ".join(f"{column} IS NOT NULL" for column in stamps)
    return CheckConstraint(f"state NOT IN ({listed}) OR ({present})", name=name)


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


def csv_list(text: str | None) -> list[str]:
    """Split a stored comma list; tolerate Chinese separators typed by users."""
    if not text:
        return []
    for sep in ("，", "、", "；", ";", "\n"):
        text = text.replace(sep, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


__all__ = ["UTCDateTime", "enum_column", "stamped", "CreatedMixin", "csv_list", "String"]
