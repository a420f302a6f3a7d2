"""Account operations for bureau staff; audited like every other change."""

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Refused
from ..extensions import db
from ..models import ExpertProfile, Organization, User
from ..states import OrgState, OrgType, Role
from ..timeutil import utcnow
from ..workflow import record


def find_or_create_org(name: str, org_type: OrgType, region: str = "",
                       actor: User | None = None) -> Organization:
    """The named organisation; one the bureau registers itself (accounts, expert pool) is
    verified by that act."""
    org = db.session.scalar(select(Organization).where(Organization.name == name.strip()))
    if org is None:
        org = Organization(name=name.strip(), type=org_type, region=region.strip(),
                           state=OrgState.VERIFIED, verified_at=utcnow(),
                           verified_by_id=actor.id if actor is not None else None)
        db.session.add(org)
        db.session.flush()
    elif org.type is not org_type:
        raise Refused(_("该单位已登记为「%(t)s」。", t=org.type.label))
    return org


def create_user(actor: User | None, form) -> User:
    org = find_or_create_org(form.org_name.data, OrgType(form.org_type.data), form.region.data or "",
                             actor=actor)
    user = User(email=form.email.data, name=form.name.data.strip(), role=Role(form.role.data),
                organization=org)
    user.set_password(form.password.data)
    user.confirm_email()  # the bureau vouches for the accounts it creates
    db.session.add(user)
    db.session.flush()
    if user.role in (Role.REVIEWER, Role.SOLVER):
        db.session.add(ExpertProfile(user_id=user.id, name=user.name, title=form.title.data or "",
                                     organization_id=org.id, organization_name=org.name,
                                     fields=form.fields.data or "", source="admin"))
    record(user, "create_account", actor, object_type="user",
           changes={"role": [None, user.role.value], "email": [None, user.email]})
    return user


def set_active(actor: User, user: User, active: bool) -> None:
    if user.active == active:
        return
    record(user, "activate" if active else "deactivate", actor, object_type="user",
           changes={"active": [user.active, active]})
    user.active = active
    if not active:
        user.rotate_session_token()  # a deactivated account's open sessions end now
    for profile in user.expert_profile:
        profile.updated_at = utcnow()  # the matcher re-reads profiles touched since its last look
