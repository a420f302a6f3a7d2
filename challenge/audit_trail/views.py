"""审计日志: every audit event for the bureau, filtered by object, actor, action and dates."""

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AuditEvent
from ..states import OBJECT_LABELS, Role
from ..views_common import role_required
from . import display
from .query import AuditFilter, action_choices

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50
# Where an audited object can be opened (others are reached through their 榜).
OBJECT_PAGES = {"challenge": ("posting.screen", "challenge_id"),
                "proposal": ("bidding.view", "proposal_id")}


def object_url(event: AuditEvent) -> str | None:
    target = OBJECT_PAGES.get(event.object_type)
    return url_for(target[0], **{target[1]: event.object_id}) if target else None


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    trail, errors = AuditFilter.from_args(request.args)
    page = db.paginate(trail.query().options(selectinload(AuditEvent.actor)), per_page=PER_PAGE,
                       error_out=False)
    return render_template(
        "audit/index.html", page=page, trail=trail, errors=errors, typed=request.args,
        object_types=list(OBJECT_LABELS.items()), actions=action_choices(), show=display,
        object_url=object_url, max_shown=display.MAX_SHOWN, title=_("审计日志"))
