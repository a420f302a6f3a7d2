"""Organisation operations: register one, keep its licence, admit people (invitation or join
request), remove them and hand over the admin role; each change is audited."""

import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from ..errors import Refused
from ..extensions import db
from ..models import JoinRequest, Notification, Organization, OrgInvitation, OutboundEmail, User
from ..notices import admin_user_ids
from ..security import external_url
from ..states import SYSTEM, JoinState, OrgState, OrgType, Role
from ..timeutil import utcnow
from ..uploads import store_upload, stored_path
from ..workflow import perform, record
from .flows import MEMBER_ROLES, org_admin_ids, sync_profiles
from .rules import pending_request_of

LICENCE_AREA = "licences"
INVITATION_SALT = "org-invitation"


def members(org: Organization) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.organization_id == org.id, User.role.in_(MEMBER_ROLES))
        .order_by(User.org_admin.desc(), User.id)))


def pending_requests(org: Organization | None = None) -> list[JoinRequest]:
    query = select(JoinRequest).where(JoinRequest.state == JoinState.PENDING)
    if org is not None:
        query = query.where(JoinRequest.organization_id == org.id)
    return list(db.session.scalars(query.order_by(JoinRequest.id)))


def latest_request_of(user: User) -> JoinRequest | None:
    return db.session.scalar(select(JoinRequest).where(JoinRequest.user_id == user.id)
                             .order_by(JoinRequest.id.desc()).limit(1))


def find_org(name: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.name == name.strip()))


# -- registering an organisation and its licence --------------------------------------------

def create_organisation(user: User, name: str, org_type: OrgType, region: str, credit_code: str,
                        licence=None) -> Organization:
    """A new organisation, pending verification; *user* (who has none) becomes its org admin."""
    org = Organization(name=name.strip(), type=org_type, region=region.strip(),
                       credit_code=credit_code, state=OrgState.PENDING)
    db.session.add(org)
    db.session.flush()
    user.organization = org
    user.org_admin = True
    db.session.flush()
    sync_profiles(user)
    record(org, "register_org", user, to_state=OrgState.PENDING,
           changes={"name": [None, org.name], "credit_code": [None, org.credit_code],
                    "org_admin": [None, user.id]})
    if licence is not None and getattr(licence, "filename", ""):
        store_licence(org, user, licence)
    for uid in admin_user_ids():
        db.session.add(Notification(user_id=uid, message=_l("新单位待认证：%(name)s", name=org.name),
                                    link=f"/admin/organizations/{org.id}"))
    return org


def store_licence(org: Organization, user: User, upload) -> None:
    """Keep the licence (or legal-person certificate); raises UploadError."""
    stored = store_upload(upload, LICENCE_AREA)
    old = org.licence_name
    org.licence_name, org.licence_stored = stored.original_name, stored.stored_name
    org.licence_type, org.licence_size = stored.content_type, stored.size
    org.licence_uploaded_at = utcnow()
    record(org, "upload_licence", user, changes={"licence": [old or None, stored.original_name]})


def update_details(org: Organization, user: User, name: str, region: str, credit_code: str) -> None:
    changes = {key: [getattr(org, key), value] for key, value in
               (("name", name), ("region", region), ("credit_code", credit_code))
               if getattr(org, key) != value}
    if changes:
        for key, (_old, value) in changes.items():
            setattr(org, key, value)
        record(org, "edit", user, changes=changes)


def licence_path(org: Organization) -> Path:
    return stored_path(LICENCE_AREA, org.licence_stored)


# -- join requests ---------------------------------------------------------------------------

def request_join(user: User, org: Organization, note: str = "") -> JoinRequest:
    """A person with no organisation asks to join one; they get nothing until approved."""
    if user.organization_id is not None:
        raise Refused(_("您已属于一个单位。"))
    if pending_request_of(user) is not None:
        raise Refused(_("您已有一个待审核的加入申请。"))
    req = JoinRequest(organization_id=org.id, user_id=user.id, note=(note or "").strip()[:500])
    db.session.add(req)
    db.session.flush()
    record(req, "request_join", user, to_state=JoinState.PENDING,
           changes={"organization": [None, org.id]})
    deciders = org_admin_ids(org.id) or admin_user_ids()
    for uid in deciders:
        db.session.add(Notification(
            user_id=uid, message=_l("%(name)s 申请加入「%(org)s」，请审核。", name=user.name, org=org.name),
            link="/org" if uid not in admin_user_ids() else "/admin/join-requests"))
    return req


# -- invitations -----------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def invitation_days() -> int:
    return int(current_app.config["ORG_INVITATION_DAYS"])


def invitation_token(invitation: OrgInvitation) -> str:
    return _serializer().dumps({"i": invitation.id, "n": invitation.nonce})


def invite(org: Organization, actor: User, email: str) -> OrgInvitation:
    """Mail a signed, expiring, single-use link to join *org*."""
    email = email.strip().lower()
    member = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if member is not None and member.organization_id == org.id:
        raise Refused(_("该邮箱的账号已是本单位成员。"))
    now = utcnow()
    invitation = OrgInvitation(organization_id=org.id, email=email, nonce=secrets.token_hex(16),
                               invited_by_id=actor.id, created_at=now,
                               expires_at=now + timedelta(days=invitation_days()))
    db.session.add(invitation)
    db.session.flush()
    record(org, "invite_member", actor, changes={"email": [None, email],
                                                 "invitation": [None, invitation.id]})
    link = external_url("orgs.invitation", token=invitation_token(invitation))
    body = _("%(who)s 邀请您以成员身份加入「%(org)s」（揭榜挂帅平台）。请在 %(days)d 天内打开以下链接，"
             "注册或登录后加入；链接仅能使用一次。如非本人操作，请忽略本邮件。",
             who=actor.name, org=org.name, days=invitation_days())
    db.session.add(OutboundEmail(to_address=email, subject=_("邀请加入「%(org)s」", org=org.name)[:200],
                                 body=f"{body}\n\n{link}"))
    return invitation


def invitation_from_token(token: str) -> tuple[OrgInvitation | None, str]:
    """The invitation a link names and, when it cannot be used, why (for the user)."""
    try:
        data = _serializer().loads(token or "", max_age=invitation_days() * 86400)
        invitation = db.session.get(OrgInvitation, int(data["i"]))
        if invitation is None or not secrets.compare_digest(invitation.nonce, str(data["n"])):
            raise BadSignature("unknown invitation")
    except SignatureExpired:
        return None, _("邀请链接已过期，请联系单位管理员重新邀请。")
    except (BadSignature, KeyError, TypeError, ValueError):
        return None, _("邀请链接无效。")
    if invitation.accepted_at is not None:
        return None, _("该邀请已被使用。")
    if invitation.revoked_at is not None:
        return None, _("该邀请已被撤销。")
    if not invitation.usable():
        return None, _("邀请链接已过期，请联系单位管理员重新邀请。")
    return invitation, ""


def accept_invitation(invitation: OrgInvitation, user: User) -> None:
    """*user* (the invited address, with no organisation) joins; the link is used up."""
    if not invitation.usable():
        raise Refused(_("该邀请已失效。"))
    if user.email.strip().lower() != invitation.email:
        raise Refused(_("该邀请发给 %(email)s，请用该邮箱的账号接受。", email=invitation.email))
    if user.role not in MEMBER_ROLES:
        raise Refused(_("只有发榜方或揭榜方账号可以加入单位。"))
    if user.organization_id is not None:
        raise Refused(_("您已属于一个单位，不能再加入其他单位。"))
    org = invitation.organization
    if user.role is Role.ENTERPRISE and org.type is not OrgType.ENTERPRISE:
        raise Refused(_("发榜方账号只能加入企业。"))
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    user.organization_id = org.id
    user.org_admin = False
    sync_profiles(user)
    pending = pending_request_of(user)
    db.session.flush()
    record(org, "accept_invitation", user, changes={"member": [None, user.id],
                                                    "invitation": [None, invitation.id]})
    if pending is not None:  # admitted another way: the open request is answered by this
        perform(pending, "refuse", SYSTEM, reason=_("已通过邀请加入「%(org)s」。", org=org.name))


def revoke_invitation(invitation: OrgInvitation, actor: User) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        record(invitation.organization, "revoke_invitation", actor,
               changes={"invitation": [invitation.id, None], "email": [invitation.email, None]})


def open_invitations(org: Organization) -> list[OrgInvitation]:
    now = utcnow()
    return list(db.session.scalars(select(OrgInvitation).where(
        OrgInvitation.organization_id == org.id, OrgInvitation.accepted_at.is_(None),
        OrgInvitation.revoked_at.is_(None), OrgInvitation.expires_at > now)
        .order_by(OrgInvitation.id.desc())))


# -- members ---------------------------------------------------------------------------------

def remove_member(actor: User, member: User) -> None:
    """The member loses the organisation at once (every permission keyed on it with it)."""
    org = member.organization
    record(org, "remove_member", actor, changes={"member": [member.id, None],
                                                  "email": [member.email, None]})
    member.organization_id = None
    member.org_admin = False
    sync_profiles(member)
    db.session.add(Notification(user_id=member.id, message=_l(
        "您已被单位管理员移出「%(org)s」。", org=org.name), link="/org"))


def hand_over_admin(actor: User, member: User) -> None:
    record(actor.organization, "hand_over_admin", actor,
           changes={"org_admin": [actor.id, member.id]})
    actor.org_admin = False
    member.org_admin = True
    db.session.add(Notification(user_id=member.id, message=_l(
        "您已成为「%(org)s」的单位管理员。", org=member.organization.name), link="/org"))

