"""Organisation flows, registered with the door: verification of an organisation by the
bureau, and a join request answered by the org admin or the bureau."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..locales import later
from ..mail import queue_email
from ..models import ExpertProfile, JoinRequest, Organization, User
from ..notices import admin_user_ids
from ..permissions import MEMBER_ROLES
from ..states import JOIN_TRANSITIONS, ORG_TRANSITIONS
from ..workflow import Context, Workflow, register


def org_admin_ids(org_id: int) -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.organization_id == org_id, User.org_admin.is_(True), User.active.is_(True),
        User.role.in_(MEMBER_ROLES))))


def _is_org_admin_of(user: User, org_id: int) -> bool:
    return (user.role in MEMBER_ROLES and user.org_admin and user.organization_id is not None
            and user.organization_id == org_id)


def sync_profiles(user: User) -> None:
    """The account's own expert profile names the organisation it now belongs to (or none), so
    matching and conflict checks follow membership."""
    org = db.session.get(Organization, user.organization_id) if user.organization_id else None
    for profile in db.session.scalars(select(ExpertProfile).where(
            ExpertProfile.user_id == user.id, ExpertProfile.source == "self")):
        profile.organization_id = org.id if org else None
        profile.organization_name = org.name if org else ""


def _notify(user_ids, message, link: str, mail: bool = False) -> list[tuple[int, object, str]]:
    found = [(uid, message, link) for uid in user_ids]
    if mail:
        subject = _l("揭榜挂帅平台通知：单位与成员")
        for uid, text, target in found:
            queue_email(db.session.get(User, uid), subject, text, target)
    return found


# -- verification of an organisation -------------------------------------------------------

def owns_org(user: User, org: Organization) -> bool:
    """The organisation's admin (单位管理员)."""
    return _is_org_admin_of(user, org.id)


ORGANIZATION = register(Workflow(Organization, ORG_TRANSITIONS, owns_org))


def licence_and_code(org: Organization, ctx: Context) -> list[str]:
    """A licence uploaded and a unified social credit code given."""
    if not org.has_licence:
        return [_("尚未上传营业执照或法人证书，不能认证。")]
    if not org.credit_code:
        return [_("尚未填写统一社会信用代码，不能认证。")]
    return []


def set_verified(org: Organization, ctx: Context) -> None:
    """Records who verified and when; clears the return reason."""
    org.verified_by_id = ctx.actor_id
    org.verified_at = ctx.now
    org.return_reason = ""


def keep_return_reason(org: Organization, ctx: Context) -> None:
    """Keeps the reason as the return reason."""
    org.return_reason = ctx.reason


def tell_org_admins(message):
    def notices(org: Organization, ctx: Context):
        text = later(message, {"name": org.name, "reason": ctx.reason})
        return _notify([u for u in org_admin_ids(org.id) if u != ctx.actor_id], text, "/org",
                       mail=True)
    notices.__doc__ = "the organisation's admins (also by e-mail)"
    return notices


def tell_bureau(org: Organization, ctx: Context):
    """the bureau (科技局)"""
    return _notify(admin_user_ids(), _l("单位认证待审核：%(name)s", name=org.name),
                   f"/admin/organizations/{org.id}")


(ORGANIZATION
 .on("verify", guard=licence_and_code, effect=set_verified,
     notice=tell_org_admins(_l("贵单位「%(name)s」已通过科技局认证，可以发榜、揭榜。")))
 .on("return", effect=keep_return_reason,
     notice=tell_org_admins(_l("贵单位「%(name)s」的认证被退回：%(reason)s")))
 .on("resubmit", guard=licence_and_code, notice=tell_bureau))


# -- a join request -------------------------------------------------------------------------

def owns_join_request(user: User, req: JoinRequest) -> bool:
    """The admin of the organisation asked to admit."""
    return _is_org_admin_of(user, req.organization_id)


JOIN = register(Workflow(JoinRequest, JOIN_TRANSITIONS, owns_join_request))


def joinable(req: JoinRequest, ctx: Context) -> list[str]:
    """The requester is active and belongs to no organisation yet."""
    if req.user.organization_id is not None:
        return [_("该用户已属于其他单位。")]
    if not req.user.active:
        return [_("该账号已停用。")]
    return []


def set_decided(req: JoinRequest, ctx: Context) -> None:
    """Records who decided, when, and the note (the reason)."""
    req.decided_by_id = ctx.actor_id
    req.decided_at = ctx.now
    req.decision_note = ctx.reason


def admit(req: JoinRequest, ctx: Context) -> None:
    """Records the decision; the requester joins as a member (not admin), profiles follow."""
    set_decided(req, ctx)
    req.user.organization_id = req.organization_id
    req.user.org_admin = False
    sync_profiles(req.user)


def tell_requester(message):
    def notices(req: JoinRequest, ctx: Context):
        text = later(message, {"name": req.organization.name, "reason": ctx.reason})
        return _notify([req.user_id], text, "/org", mail=True)
    notices.__doc__ = "the requester (also by e-mail)"
    return notices


(JOIN
 .on("approve", guard=joinable, effect=admit,
     notice=tell_requester(_l("您加入「%(name)s」的申请已获同意。")))
 .on("refuse", effect=set_decided,
     notice=tell_requester(_l("您加入「%(name)s」的申请未获同意：%(reason)s"))))
