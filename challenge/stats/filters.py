"""The filter every statistics figure, drill-down list and export shares: a period of Shanghai
calendar days and the 榜单类型 / field / region of the 榜."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from ..states import ChallengeKind
from ..timeutil import DayError, local_days_utc, local_today, parse_day

PRESETS = ("this_year", "last_half_year", "all", "custom")


@dataclass(frozen=True)
class StatsFilter:
    preset: str = "this_year"
    start: date | None = None      # first day, inclusive (Shanghai)
    end: date | None = None        # last day, inclusive (Shanghai)
    kind: ChallengeKind | None = None
    field: str = ""
    region: str = ""

    @classmethod
    def from_args(cls, args, today: date | None = None) -> tuple["StatsFilter", dict[str, str]]:
        """Read ?period=&start=&end=&kind=&field=&region=; errors are field → message."""
        today = today or local_today()
        errors: dict[str, str] = {}
        preset = args.get("period") or "this_year"
        if preset not in PRESETS:
            preset = "this_year"
        kind = None
        if args.get("kind"):
            try:
                kind = ChallengeKind(args["kind"])
            except ValueError:
                errors["kind"] = _("未知的榜单类型。")
        found = cls(preset=preset, kind=kind, field=(args.get("field") or "").strip()[:50],
                    region=(args.get("region") or "").strip()[:50])
        if preset == "this_year":
            return replace(found, start=date(today.year, 1, 1), end=today), errors
        if preset == "last_half_year":
            return replace(found, start=_months_before(today, 6) + timedelta(days=1), end=today), errors
        if preset == "all":
            return found, errors
        start, end, day_errors = read_day_range(args)
        return replace(found, start=start, end=end), {**errors, **day_errors}

    def utc_bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start 00:00, day after end 00:00) in Shanghai, as aware datetimes (compare to UTC)."""
        return local_days_utc(self.start, self.end)

    def args(self) -> dict[str, str]:
        """Query-string arguments that reproduce this filter (for links and exports)."""
        out = {"period": self.preset}
        if self.preset == "custom":
            if self.start:
                out["start"] = self.start.isoformat()
            if self.end:
                out["end"] = self.end.isoformat()
        if self.kind:
            out["kind"] = self.kind.value
        if self.field:
            out["field"] = self.field
        if self.region:
            out["region"] = self.region
        return out


    def describe(self) -> str:
        """The filter in words, for page titles and the export."""
        if self.start and self.end:
            parts = [_("%(a)s 至 %(b)s", a=self.start.isoformat(), b=self.end.isoformat())]
        elif self.start:
            parts = [_("%(a)s 起", a=self.start.isoformat())]
        elif self.end:
            parts = [_("截至 %(b)s", b=self.end.isoformat())]
        else:
            parts = [_("全部时间")]
        if self.kind:
            parts.append(str(self.kind.label))
        if self.field:
            parts.append(_("领域：%(v)s", v=self.field))
        if self.region:
            parts.append(_("地区：%(v)s", v=self.region))
        return " · ".join(parts)


def read_day_range(args) -> tuple[date | None, date | None, dict[str, str]]:
    """?start=&end= as Shanghai calendar days, with a message per bad box (the statistics and
    the audit trail read their periods alike)."""
    errors: dict[str, str] = {}
    start = _read_day(args, "start", _("开始日期格式应为 2026-01-01。"), errors)
    end = _read_day(args, "end", _("结束日期格式应为 2026-06-30。"), errors)
    if start and end and start > end:
        errors["end"] = _("结束日期不能早于开始日期。")
    return start, end, errors


def _read_day(args, name: str, format_message: str, errors: dict[str, str]) -> date | None:
    """One box of the range through timeutil.parse_day: a day out of its range is named so."""
    text = (args.get(name) or "").strip()
    if not text:
        return None
    try:
        return parse_day(text)
    except DayError as exc:
        errors[name] = str(exc) if exc.out_of_range else format_message
        return None


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
