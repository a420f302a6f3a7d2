"""Template filters and globals: money in 万元 (or CNY in English), times in Asia/Shanghai in the
page's language, permission checks."""

from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import format_date, format_datetime, format_decimal

from . import permissions, workflow
from .audit_trail.display import changes_of, event_action, event_state
from .filesize import format_filesize
from .forms_common import count_errors
from .locales import current, money
from .matching_service import why
from .money import format_money, format_share, format_wan
from .states import (
    ChallengeKind,
    ChallengeState,
    Confidentiality,
    FundingMode,
    OrgType,
    Role,
)
from .timeutil import days_left, local


def localtime(dt, fmt: str | None = None) -> str:
    """A stored UTC time in Beijing time: "2026-12-04 20:30" in Chinese, "4 Dec 2026, 20:30" in
    English; an explicit strftime *fmt* is kept in both."""
    if dt is None:
        return "—"
    if fmt is None and current() == "en":
        return format_datetime(dt, "d MMM y, HH:mm")  # Flask-Babel: in Asia/Shanghai
    return local(dt).strftime(fmt or "%Y-%m-%d %H:%M")


def localdate(dt) -> str:
    if dt is None:
        return "—"
    if current() == "en":
        return format_date(dt, "d MMM y")
    return local(dt).strftime("%Y-%m-%d")


def money_figure(fen) -> str:
    """The figure of `money` where the page sets the unit apart (`money_unit`): "12.50" in
    Chinese, the whole "CNY 125,000" in English (which then has no separate unit)."""
    return format_wan(fen) if current() != "en" else format_money(fen, "en")


def money_unit() -> str:
    return "" if current() == "en" else "万元"


def number(value) -> str:
    """A count or figure with the locale's grouping: 12,345."""
    return "—" if value is None else format_decimal(value)


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for filters and pagination)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    query = urlencode(args, doseq=True)
    return request.path + (f"?{query}" if query else "")


def register(app: Flask) -> None:
    app.jinja_env.filters.update(wan=format_wan, money=money, money_figure=money_figure,
                                 number=number,
                                 localtime=localtime, localdate=localdate,
                                 days_left=days_left, why=why,
                                 # one size format; Jinja's own would say "303 Bytes"
                                 filesize=format_filesize, filesizeformat=format_filesize)
    app.jinja_env.globals.update(event_action=event_action, event_state=event_state,
                                 share=format_share, money_unit=money_unit)
    app.jinja_env.globals.update(
        perm=permissions, allowed=workflow.allowed, latest_event=workflow.latest_event,
        url_with=url_with, count_errors=count_errors,
        audit_changes=changes_of,
        Role=Role, ChallengeState=ChallengeState, ChallengeKind=ChallengeKind,
        Confidentiality=Confidentiality, FundingMode=FundingMode, OrgType=OrgType,
    )
