"""Which audit events the bureau asked for: object (type + id), actor, action and a period of
Shanghai calendar days. The trail page and its export read the same filter."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from ..inputs import parse_id
from ..models import AuditEvent, User
from ..states import ACTION_LABELS, EVENT_LABELS, OBJECT_LABELS
from ..stats.filters import read_day_range
from ..timeutil import local_days_utc

SYSTEM_WORDS = frozenset({"系统", "system", "System", "SYSTEM"})
MAX_TEXT = 100


def action_choices() -> list[tuple[str, str]]:
    """(code, label) for every audited action; one code may name several transitions
    (提交审核 / 提交方案 are both `submit`)."""
    labels: dict[str, list[str]] = {}
    for table in ACTION_LABELS.values():
        for code, label in table.items():
            labels.setdefault(code, [])
            if str(label) not in labels[code]:
                labels[code].append(str(label))
    for code, label in EVENT_LABELS.items():
        labels.setdefault(code, [])
        if str(label) not in labels[code]:
            labels[code].append(str(label))
    return sorted(((code, " / ".join(names)) for code, names in labels.items()),
                  key=lambda pair: pair[1])


@dataclass(frozen=True)
class AuditFilter:
    object_type: str = ""
    object_id: int | None = None
    actor: str = ""              # as typed: a name or e-mail (contains), an account id, or 系统
    action: str = ""
    start: date | None = None    # first Shanghai day, inclusive
    end: date | None = None      # last Shanghai day, inclusive

    @classmethod
    def from_args(cls, args) -> tuple["AuditFilter", dict[str, str]]:
        """Read ?type=&id=&actor=&action=&start=&end=; a bad part is explained (field → message)
        and left out of the filter."""
        errors: dict[str, str] = {}
        object_type = (args.get("type") or "").strip()
        if object_type and object_type not in OBJECT_LABELS:
            errors["type"] = _("未知的对象类型。")
            object_type = ""
        object_id = None
        raw_id = (args.get("id") or "").strip()
        if raw_id:
            if parse_id(raw_id) is None:
                errors["id"] = _("对象编号应为正整数。")
            elif not object_type and "type" not in errors:
                errors["type"] = _("按编号查询时请选择对象类型。")
            else:
                object_id = parse_id(raw_id)
        action = (args.get("action") or "").strip()
        if action and action not in dict(action_choices()):
            errors["action"] = _("未知的操作。")
            action = ""
        start, end, day_errors = read_day_range(args)
        errors |= day_errors
        if "end" in day_errors:  # unreadable, or before the start: left out of the filter
            end = None
        actor = (args.get("actor") or "").strip()[:MAX_TEXT]
        return cls(object_type, object_id, actor, action, start, end), errors

    def utc_bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start 00:00, day after end 00:00) in Shanghai, as aware datetimes."""
        return local_days_utc(self.start, self.end)

    def conditions(self) -> list:
        found = []
        if self.object_type:
            found.append(AuditEvent.object_type == self.object_type)
        if self.object_id is not None:
            found.append(AuditEvent.object_id == self.object_id)
        if self.action:
            found.append(AuditEvent.action == self.action)
        if self.actor:
            found.append(_actor_condition(self.actor))
        lower, upper = self.utc_bounds()
        if lower:
            found.append(AuditEvent.occurred_at >= lower)
        if upper:
            found.append(AuditEvent.occurred_at < upper)
        return found

    def query(self) -> Select:
        """The matching events, newest first."""
        return (select(AuditEvent).where(*self.conditions())
                .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()))

    def args(self) -> dict[str, str]:
        """Query-string arguments that reproduce this filter (pagination, export links)."""
        out = {"type": self.object_type, "id": "" if self.object_id is None else str(self.object_id),
               "actor": self.actor, "action": self.action,
               "start": self.start.isoformat() if self.start else "",
               "end": self.end.isoformat() if self.end else ""}
        return {key: value for key, value in out.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.args())


def _actor_condition(text: str):
    if text in SYSTEM_WORDS:
        return AuditEvent.actor_id.is_(None)
    if parse_id(text):
        return AuditEvent.actor_id == parse_id(text)
    people = select(User.id).where(or_(User.name.contains(text, autoescape=True),
                                       User.email.contains(text, autoescape=True)))
    return AuditEvent.actor_id.in_(people)

