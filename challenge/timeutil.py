"""Times are stored in UTC and shown in the bureau's zone (Asia/Shanghai)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local(dt: datetime) -> datetime:
    return dt.astimezone(SHANGHAI)


def local_today() -> date:
    return utcnow().astimezone(SHANGHAI).date()


def end_of_local_day(day: date) -> datetime:
    """The last second of a Shanghai calendar day, as a UTC instant (deadlines)."""
    end = datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)
    return end.astimezone(UTC)


def local_date(dt: datetime) -> date:
    return local(dt).date()


def local_days_utc(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Shanghai days *start*..*end* as [start 00:00, day after end 00:00), aware datetimes to
    compare with stored UTC instants; an open end stays None."""
    lower = datetime.combine(start, time(0), tzinfo=SHANGHAI) if start else None
    upper = datetime.combine(end + timedelta(days=1), time(0), tzinfo=SHANGHAI) if end else None
    return lower, upper


def days_left(deadline: datetime, now: datetime | None = None) -> int:
    now = now or utcnow()
    return (local_date(deadline) - local_date(now)).days if deadline > now else -1


__all__ = ["SHANGHAI", "utcnow", "local", "local_today", "end_of_local_day", "local_date",
           "local_days_utc", "days_left", "timedelta"]
