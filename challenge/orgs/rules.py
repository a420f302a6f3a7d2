"""Why an organisation or an account may not publish or bid yet, in words (the server enforces
it in the guards of 发榜 and 揭榜)."""

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions as can
from ..extensions import db
from ..models import JoinRequest, User
from ..permissions import MEMBER_ROLES
from ..states import JoinState, OrgState


def unverified_problem(org) -> str | None:
    """An organisation publishes or bids only once the bureau has verified it (SPEC §2)."""
    if org is None or not org.is_verified:
        return _("单位尚未通过科技局认证，认证通过后才能提交。")
    return None


def pending_request_of(user: User) -> JoinRequest | None:
    return db.session.scalar(select(JoinRequest).where(
        JoinRequest.user_id == user.id, JoinRequest.state == JoinState.PENDING))


def org_gate(user) -> str:
    """Why this account cannot publish or bid yet ('' when its organisation is verified)."""
    if not can.signed_in(user) or user.role not in MEMBER_ROLES:
        return ""
    org = user.organization
    if org is None:
        return (_("待单位管理员审核：加入单位的申请通过后才能发榜、揭榜。")
                if _has_pending_request(user) else _("您尚未加入任何单位。"))
    if org.state is OrgState.PENDING:
        return _("贵单位待科技局认证，认证通过前可以起草，但不能提交。")
    if org.state is OrgState.RETURNED:
        return _("贵单位的认证被退回，请在「我的单位」修改后重新提交。")
    return ""


def _has_pending_request(user) -> bool:
    """Looked up once per request: the banner of every page and a page's buttons all ask."""
    known = g.setdefault("pending_join_request", {})
    if user.id not in known:
        known[user.id] = pending_request_of(user) is not None
    return known[user.id]
