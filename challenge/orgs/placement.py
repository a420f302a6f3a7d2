"""Where a new account belongs: the organisation half of registration, kept apart from the
account half (challenge.auth) so each can change alone."""

from flask_babel import gettext as _

from ..models import User
from ..states import OrgType
from . import operations as ops

NEW, JOIN = "new", "join"  # the registration form's choice: a new organisation, or join one


def prefill(form, token: str) -> None:
    """Arriving from an e-mailed invitation: the address and organisation come from it."""
    if not token:
        return
    form.invite.data = token
    form.load_invitation()
    if form.invitation is None:
        form.invite.data = ""
    else:
        form.email.data = form.invitation.email
        if form.invitation.organization.type is not OrgType.ENTERPRISE:
            form.role.data = "solver"


def place_registrant(user: User, form) -> str:
    """Admit by invitation, file a join request, or register a new organisation (pending
    verification, *user* its org admin); returns a sentence for the welcome message."""
    if form.invitation is not None:
        ops.accept_invitation(form.invitation, user)
        return _("您已通过邀请加入「%(org)s」。", org=form.invitation.organization.name)
    if form.org_choice.data == JOIN:
        ops.request_join(user, form.existing_org, form.join_note.data)
        return _("加入「%(org)s」的申请已提交，待单位管理员审核；审核通过前您看不到该单位的任何内容。",
                 org=form.existing_org.name)
    org = ops.create_organisation(user, form.org_name.data, OrgType(form.org_type.data),
                                  form.region.data, form.credit_code.data, form.licence.data)
    return _("单位「%(org)s」已登记，您是单位管理员；科技局认证通过后即可发榜、揭榜。", org=org.name)
