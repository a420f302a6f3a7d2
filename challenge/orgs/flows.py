"""The organisation workflows as `perform` applies them: verification of an organisation by
the bureau, and a join request answered by the org admin or the bureau. Registered into
`challenge.workflow.WORKFLOWS` when imported (workflow.py does so)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..mail import queue_email
from ..models import ExpertProfile, JoinRequest, Organization, User
from ..states import JOIN_TRANSITIONS, ORG_TRANSITIONS, Role
from ..workflow import WORKFLOWS, Context, Workflow, admin_user_ids

MEMBER_ROLES = (Role.ENTERPRISE, Role.SOLVER)


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


def _notify(user_ids, message: str, link: str, mail: bool = False) -> list[tuple[int, str, str]]:
    found = [(uid, message, link) for uid in user_ids]
    if mail:
        subject = _("揭榜挂帅平台通知：单位与成员")
        for uid, text, target in found:
            queue_email(db.session.get(User, uid), subject, text, target)
    return found


# -- verification of an organisation -------------------------------------------------------

def _guard_licence(org: Organization, ctx: Context) -> str | None:
    if not org.has_licence:
        return _("尚未上传营业执照或法人证书，不能认证。")
    if not org.credit_code:
        return _("尚未填写统一社会信用代码，不能认证。")
    return None


def _set_verified(org: Organization, ctx: Context) -> None:
    org.verified_by_id = ctx.actor_id
    org.verified_at = ctx.now
    org.return_reason = ""


def _set_returned(org: Organization, ctx: Context) -> None:
    org.return_reason = ctx.reason


def _tell_org_admins(message):
    def notices(org: Organization, ctx: Context):
        text = str(message) % {"name": org.name, "reason": ctx.reason}
        return _notify([u for u in org_admin_ids(org.id) if u != ctx.actor_id], text, "/org",
                       mail=True)
    return notices


def _tell_bureau(org: Organization, ctx: Context):
    return _notify(admin_user_ids(), _("单位认证待审核：%(name)s", name=org.name),
                   f"/admin/organizations/{org.id}")


ORG_WORKFLOW = Workflow(
    object_type="organization",
    transitions=ORG_TRANSITIONS,
    owns=lambda user, org: _is_org_admin_of(user, org.id),
    guards={"verify": _guard_licence, "resubmit": _guard_licence},
    effects={"verify": _set_verified, "return": _set_returned},
    notices={
        "verify": _tell_org_admins(_l("贵单位「%(name)s」已通过科技局认证，可以发榜、揭榜。")),
        "return": _tell_org_admins(_l("贵单位「%(name)s」的认证被退回：%(reason)s")),
        "resubmit": _tell_bureau,
    },
)


# -- a join request -------------------------------------------------------------------------

def _guard_join(req: JoinRequest, ctx: Context) -> str | None:
    if req.user.organization_id is not None:
        return _("该用户已属于其他单位。")
    if not req.user.active:
        return _("该账号已停用。")
    return None


def _decided(req: JoinRequest, ctx: Context) -> None:
    req.decided_by_id = ctx.actor_id
    req.decided_at = ctx.now
    req.decision_note = ctx.reason


def _admit(req: JoinRequest, ctx: Context) -> None:
    _decided(req, ctx)
    req.user.organization_id = req.organization_id
    req.user.org_admin = False
    sync_profiles(req.user)


def _tell_requester(message):
    def notices(req: JoinRequest, ctx: Context):
        text = str(message) % {"name": req.organization.name, "reason": ctx.reason}
        return _notify([req.user_id], text, "/org", mail=True)
    return notices


JOIN_WORKFLOW = Workflow(
    object_type="join_request",
    transitions=JOIN_TRANSITIONS,
    owns=lambda user, req: _is_org_admin_of(user, req.organization_id),
    guards={"approve": _guard_join},
    effects={"approve": _admit, "refuse": _decided},
    notices={
        "approve": _tell_requester(_l("您加入「%(name)s」的申请已获同意。")),
        "refuse": _tell_requester(_l("您加入「%(name)s」的申请未获同意：%(reason)s")),
    },
)

WORKFLOWS.update({Organization: ORG_WORKFLOW, JoinRequest: JOIN_WORKFLOW})
