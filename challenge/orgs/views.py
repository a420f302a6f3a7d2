"""我的单位 (members, invitations, join requests, licence) for the org admin and its members;
the invitation link; the bureau's verification queue; and a solver organization's public record."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from .. import permissions as can
from ..caching import public_page
from ..extensions import db
from ..hall.views import listed_for
from ..integrity.rules import published_in_force
from ..models import AuditEvent, Challenge, Contract, JoinRequest, Organization, OrgInvitation, User
from ..posting.forms import ReasonForm
from ..reviewing.queries import contract_outcome
from ..states import ContractState, JoinState, OrgState, Role
from ..views_common import apply_transition, attempt, get_or_404, require, role_required
from . import operations as ops
from . import placement
from .flows import MEMBER_ROLES
from .forms import (
    AcceptInvitationForm,
    DecisionForm,
    InviteForm,
    LicenceForm,
    OrganisationForm,
    OrgDetailsForm,
)
from .rules import org_gate

bp = Blueprint("orgs", __name__)


def _history(org: Organization) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "organization",
                                 AuditEvent.object_id == org.id)
        .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc()).limit(50)))


@bp.route("/org", methods=["GET"])
@role_required(*MEMBER_ROLES)
def mine():
    org = current_user.organization
    if org is None:
        return _without_org(OrganisationForm(formdata=None))
    return _mine_page(org)


def _mine_page(org: Organization, details_form=None):
    manage = can.can_manage_members(current_user, org)
    details_form = details_form or OrgDetailsForm(org=org, formdata=None, obj=org)
    return render_template(
        "orgs/mine.html", org=org, members=ops.members(org), manage=manage,
        requests=ops.pending_requests(org) if manage else [],
        invitations=ops.open_invitations(org) if manage else [],
        history=_history(org) if manage else [], details_form=details_form,
        invite_form=InviteForm(), licence_form=LicenceForm(), decision_form=DecisionForm(),
        title=_("我的单位"))


def _without_org(form, status=200):
    """No organisation (yet): the open request's state, or the choice to register or join."""
    pending = ops.pending_request_of(current_user)
    return render_template("orgs/no_org.html", form=form, pending=pending,
                           latest=pending or ops.latest_request_of(current_user),
                           title=_("我的单位")), status


@bp.route("/org/register", methods=["POST"])
@role_required(*MEMBER_ROLES)
def register():
    """An account without an organisation registers one or asks to join one."""
    require(current_user.organization_id is None and ops.pending_request_of(current_user) is None)
    form = OrganisationForm()
    form.invite.data = ""
    if form.validate_on_submit() and form.validate_organisation(current_user.role.value):
        with attempt(field=form.org_choice) as done:
            message = placement.place_registrant(current_user, form)
        if done:
            flash(message, "success")
            return redirect(url_for("orgs.mine"))
    return _without_org(form, 200)


@bp.route("/org/licence", methods=["POST"])
@login_required
def upload_licence():
    org = current_user.organization
    require(org is not None and can.can_upload_licence(current_user, org))
    form = LicenceForm()
    if form.validate_on_submit():
        with attempt() as done:
            ops.store_licence(org, current_user, form.licence.data)
        if done:
            flash(_("证照已上传。"), "success")
    else:
        flash(_("请选择文件。"), "danger")
    return redirect(url_for("orgs.mine"))


@bp.route("/org/details", methods=["POST"])
@login_required
def details():
    """The org admin corrects the name, region or credit code before verification."""
    org = current_user.organization
    require(org is not None and can.can_upload_licence(current_user, org))
    form = OrgDetailsForm(org=org)
    if form.validate_on_submit():
        ops.update_details(org, current_user, form.name.data, form.region.data.strip(),
                           form.credit_code.data)
        db.session.commit()
        flash(_("单位信息已保存。"), "success")
        return redirect(url_for("orgs.mine"))
    return _mine_page(org, details_form=form)


@bp.route("/org/resubmit", methods=["POST"])
@login_required
def resubmit():
    org = current_user.organization
    require(org is not None and can.can_resubmit_org(current_user, org))
    apply_transition(org, "resubmit", _("已重新提交认证，请等待科技局审核。"))
    return redirect(url_for("orgs.mine"))


@bp.route("/org/invitations", methods=["POST"])
@login_required
def invite():
    org = current_user.organization
    require(org is not None and can.can_manage_members(current_user, org))
    form = InviteForm()
    if form.validate_on_submit():
        with attempt() as done:
            ops.invite(org, current_user, form.email.data)
        if done:
            flash(_("邀请邮件已发送至 %(e)s。", e=form.email.data.strip().lower()), "success")
    else:
        flash("；".join(str(e) for e in form.email.errors) or _("请输入邮箱。"), "danger")
    return redirect(url_for("orgs.mine") + "#invitations")


@bp.route("/org/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(invitation_id: int):
    invitation = get_or_404(OrgInvitation, invitation_id)
    require(can.can_manage_members(current_user, invitation.organization))
    ops.revoke_invitation(invitation, current_user)
    db.session.commit()
    flash(_("邀请已撤销。"), "success")
    return redirect(url_for("orgs.mine") + "#invitations")


@bp.route("/org/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(user_id: int):
    member = get_or_404(User, user_id)
    require(can.can_remove_member(current_user, member))
    ops.remove_member(current_user, member)
    db.session.commit()
    flash(_("已将 %(n)s 移出本单位。", n=member.name), "success")
    return redirect(url_for("orgs.mine"))


@bp.route("/org/members/<int:user_id>/hand-over", methods=["POST"])
@login_required
def hand_over(user_id: int):
    member = get_or_404(User, user_id)
    require(can.can_hand_over(current_user, member))
    ops.hand_over_admin(current_user, member)
    db.session.commit()
    flash(_("单位管理员已移交给 %(n)s。", n=member.name), "success")
    return redirect(url_for("orgs.mine"))


@bp.route("/org/join-requests/<int:request_id>/decide", methods=["POST"])
@login_required
def decide_join(request_id: int):
    """Approve or refuse (with a reason): the org admin, or the bureau."""
    req = get_or_404(JoinRequest, request_id)
    require(can.can_decide_join(current_user, req))
    action = request.form.get("decision")
    require(action in ("approve", "refuse"))
    form = DecisionForm()
    form.validate_on_submit()
    apply_transition(req, action, _("已同意 %(n)s 加入。", n=req.user.name) if action == "approve"
                     else _("已拒绝 %(n)s 的申请。", n=req.user.name),
                     reason=form.reason.data or "")
    if can.is_admin(current_user):
        return redirect(url_for("orgs.join_requests"))
    return redirect(url_for("orgs.mine"))


@bp.route("/org/invitations/accept/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The e-mailed link: register with it, or sign in with the invited address and accept."""
    found, problem = ops.invitation_from_token(token)
    form = AcceptInvitationForm()
    if found is not None and current_user.is_authenticated and form.validate_on_submit():
        with attempt(show=False) as done:
            ops.accept_invitation(found, current_user)
        if done:
            flash(_("您已加入「%(org)s」。", org=found.organization.name), "success")
            return redirect(url_for("orgs.mine"))
        problem = done.refusal.message
    return render_template("orgs/invitation.html", invitation=found, problem=problem, token=token,
                           form=form, title=_("加入单位邀请")), (200 if found else 410)


# -- the bureau -------------------------------------------------------------------------------

@bp.route("/admin/organizations")
@role_required(Role.ADMIN)
def queue():
    state = request.args.get("state", OrgState.PENDING.value)
    if state not in {s.value for s in OrgState} | {"all"}:
        state = OrgState.PENDING.value
    query = select(Organization).order_by(Organization.id.desc())
    if state != "all":
        query = query.where(Organization.state == OrgState(state))
    page = db.paginate(query, per_page=30, error_out=False)
    counts = dict(db.session.execute(
        select(Organization.state, func.count()).group_by(Organization.state)).all())
    return render_template("orgs/queue.html", page=page, state=state, counts=counts,
                           states=list(OrgState), join_count=len(ops.pending_requests()),
                           title=_("单位认证"))


@bp.route("/admin/organizations/<int:org_id>")
@role_required(Role.ADMIN)
def review(org_id: int):
    org = get_or_404(Organization, org_id)
    return _review_page(org, ReasonForm(prefix="ret"))


def _review_page(org: Organization, return_form, status=200):
    return render_template("orgs/review.html", org=org, members=ops.members(org),
                           requests=ops.pending_requests(org), history=_history(org),
                           return_form=return_form, decision_form=DecisionForm(),
                           title=_("单位认证：%(n)s", n=org.name)), status


@bp.route("/admin/organizations/<int:org_id>/licence")
@role_required(Role.ADMIN)
def licence(org_id: int):
    org = get_or_404(Organization, org_id)
    require(can.can_view_licence(current_user, org))
    return send_file(ops.licence_path(org), mimetype=org.licence_type, as_attachment=True,
                     download_name=org.licence_name, max_age=0)


@bp.route("/admin/organizations/<int:org_id>/verify", methods=["POST"])
@role_required(Role.ADMIN)
def verify(org_id: int):
    org = get_or_404(Organization, org_id)
    require(can.can_verify_org(current_user, org))
    if apply_transition(org, "verify", _("「%(n)s」已认证。", n=org.name)):
        return redirect(url_for("orgs.queue"))
    return redirect(url_for("orgs.review", org_id=org.id))


@bp.route("/admin/organizations/<int:org_id>/return", methods=["POST"])
@role_required(Role.ADMIN)
def return_(org_id: int):
    org = get_or_404(Organization, org_id)
    require(can.can_verify_org(current_user, org))
    form = ReasonForm(prefix="ret")
    if form.validate_on_submit() and apply_transition(
            org, "return", _("已退回「%(n)s」的认证。", n=org.name), reason=form.reason.data,
            field=form.reason):
        return redirect(url_for("orgs.queue"))
    return _review_page(org, form, 200)


@bp.route("/admin/join-requests")
@role_required(Role.ADMIN)
def join_requests():
    requests = db.session.scalars(
        select(JoinRequest).where(JoinRequest.state == JoinState.PENDING)
        .options(selectinload(JoinRequest.user), selectinload(JoinRequest.organization))
        .order_by(JoinRequest.id)).all()
    return render_template("orgs/join_requests.html", requests=requests,
                           decision_form=DecisionForm(), title=_("加入单位申请"))


bp.add_app_template_global(org_gate)


# -- the public record of a solver organization -----------------------------------------------

@bp.route("/organizations/<int:org_id>")
@public_page
def organization(org_id: int):
    """A solver organization's public record: its contracts on the 榜 the viewer may see, and
    how each ended (a failure with its rule). Working files and the ledger stay private."""
    org = get_or_404(Organization, org_id)
    seen = [Contract.solver_org_id == org.id, Contract.state != ContractState.DRAFT,
            listed_for(current_user)]
    signed = Contract.signed_at.is_not(None)
    counts = db.session.execute(
        select(func.count(Contract.id),
               func.count(case((Contract.state == ContractState.ACTIVE, 1))),
               func.count(case((Contract.state == ContractState.ACCEPTED, 1))),
               func.count(case((Contract.state == ContractState.FAILED, 1))),
               func.count(case((Contract.state == ContractState.ELIMINATED, 1))),
               func.coalesce(func.sum(case((signed, Contract.amount_fen), else_=0)), 0))
        .join(Challenge, Challenge.id == Contract.challenge_id).where(*seen)).one()
    summary = dict(zip(("contracts", "active", "accepted", "failed", "eliminated", "amount_fen"),
                       counts, strict=True))
    query = (select(Contract).join(Challenge, Challenge.id == Contract.challenge_id).where(*seen)
             .options(selectinload(Contract.challenge).selectinload(Challenge.issuer))
             .order_by(Contract.signed_at.desc().nulls_last(), Contract.id.desc()))
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("orgs/organization.html", org=org, page=page, summary=summary,
                           outcomes={c.id: contract_outcome(c) for c in page.items},
                           findings=published_in_force(org.id),
                           title=_("揭榜单位档案：%(name)s", name=org.name))
