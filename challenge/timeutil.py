"""Times are stored in UTC and shown in the bureau's zone (Asia/Shanghai)."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Days people may type: wide enough for any record or plan, narrow enough that a day's bounds,
# the day after and a span of months from it are all still dates (9999-12-31 + 1 overflows).
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
_DAY = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})")


class DayError(ValueError):
    """A typed day that is not one: `out_of_range` tells a real day outside the range apart."""

    def __init__(self, message, out_of_range: bool = False):
        super().__init__(message)
        self.out_of_range = out_of_range


def parse_day(text: str | None) -> date:
    """The one reader of typed days: YYYY-MM-DD between EARLIEST_DAY and LATEST_DAY."""
    found = _DAY.fullmatch((text or "").strip())
    try:
        day = date(*map(int, found.groups())) if found else None
    except ValueError:  # 2026-02-30
        day = None
    if day is None:
        raise DayError(_l("日期格式应为 YYYY-MM-DD，例如 2026-12-31。"))
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise DayError(_l("日期超出范围（%(a)s 至 %(b)s）。", a=EARLIEST_DAY.isoformat(),
                          b=LATEST_DAY.isoformat()), out_of_range=True)
    return day


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


__all__ = ["SHANGHAI", "EARLIEST_DAY", "LATEST_DAY", "DayError", "parse_day", "utcnow",
           "local", "local_today", "end_of_local_day", "local_date",
           "local_days_utc", "days_left", "timedelta"]
