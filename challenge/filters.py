"""Template filters and globals: money in 万元, times in Asia/Shanghai, permission checks."""

from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import get_locale

from . import permissions, workflow
from .audit_trail.display import changes_of, event_action, event_state
from .filesize import format_filesize
from .forms_common import count_errors
from .matching_service import why
from .money import format_share, format_wan
from .states import (
    ChallengeKind,
    ChallengeState,
    Confidentiality,
    FundingMode,
    OrgType,
    Role,
)
from .timeutil import days_left, local


def localtime(dt, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if dt is None else local(dt).strftime(fmt)


def localdate(dt) -> str:
    return localtime(dt, "%Y-%m-%d")


def english_locale() -> bool:
    """The page is in English: a 榜 shows its English face where it has one (hall/_face.html)."""
    locale = get_locale()
    return locale is not None and locale.language == "en"


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
    app.jinja_env.filters.update(wan=format_wan, localtime=localtime, localdate=localdate,
                                 days_left=days_left, why=why,
                                 # one size format; Jinja's own would say "303 Bytes"
                                 filesize=format_filesize, filesizeformat=format_filesize)
    app.jinja_env.globals.update(event_action=event_action, event_state=event_state,
                                 share=format_share)
    app.jinja_env.globals.update(
        perm=permissions, allowed=workflow.allowed, latest_event=workflow.latest_event,
        url_with=url_with, count_errors=count_errors, english_locale=english_locale,
        audit_changes=changes_of,
        Role=Role, ChallengeState=ChallengeState, ChallengeKind=ChallengeKind,
        Confidentiality=Confidentiality, FundingMode=FundingMode, OrgType=OrgType,
    )
