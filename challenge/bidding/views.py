"""揭榜: a solver writes, submits, revises and withdraws a bid; the issuer sees bids after the
deadline; the bureau checks eligibility. 答疑 (questions.py, loaded by
create_app) joins this blueprint."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import permissions as can
from ..extensions import db
from ..locales import english_locale
from ..models import Challenge, Proposal, ProposalAttachment
from ..money import format_share, wan_input
from ..posting import operations as posting_ops
from ..posting.forms import ReasonForm
from ..reviewing import blind
from ..reviewing.feedback import feedback_for
from ..states import ProposalState, Role
from ..uploads import send_stored
from ..views_common import apply_transition, attempt, get_or_404, require, role_required
from ..workflow import allowed
from . import operations as ops
from .forms import AttachmentForm, BudgetForm, MemberForm, MilestoneForm, PartnerForm, ProposalForm
from .rules import eligibility_problems, live_proposal_of, submission_problems

bp = Blueprint("bidding", __name__)


def _blank_rows():
    return {"partner": PartnerForm(prefix="partners-__index__-"),
            "member": MemberForm(prefix="members-__index__-"),
            "budget": BudgetForm(prefix="budget-__index__-"),
            "milestone": MilestoneForm(prefix="milestones-__index__-")}


def _form_for(challenge: Challenge, proposal: Proposal | None) -> ProposalForm:
    """The form, with one response row per indicator of the 榜, in the 榜's order."""
    form = ProposalForm(challenge=challenge)
    if request.method == "GET":
        data = {"responses": [{"indicator_id": i.id} for i in challenge.indicators]}
        if proposal is not None:
            answers = {r.indicator_id: r for r in proposal.responses}
            data = {
                "title": proposal.title, "technical_approach": proposal.technical_approach,
                "requested": wan_input(proposal.requested_fen),
                "commitment": proposal.commitment_accepted_at is not None,
                "partners": [{"organization": p.organization_name, "role": p.role}
                             for p in proposal.partners] or [{}],
                "members": proposal.members or [{}],
                "declared_conflicts": proposal.declared_conflicts,
                "responses": [{"indicator_id": i.id,
                               "committed_value": getattr(answers.get(i.id), "committed_value", ""),
                               "evidence_plan": getattr(answers.get(i.id), "evidence_plan", "")}
                              for i in challenge.indicators],
                "budget": [{"item": b["item"], "amount": wan_input(b["amount_fen"]),
                            "note": b.get("note", "")} for b in proposal.budget] or [{}],
                "milestones": [{"title": m.title, "due": m.due_on.isoformat(),
                                "deliverable": m.deliverable,
                                "share": format_share(m.share_bp)}
                               for m in proposal.milestones] or [{}],
            }
        else:
            data["members"] = [{"name": current_user.name}]
        form.process(data=data)
    return form


def _body_shown(challenge: Challenge) -> bool:
    """A confidential 榜's indicators are part of its body: shown on a bid page only to whoever
    may read the body, and every such view is logged like the body page's."""
    if not challenge.is_confidential:
        return True
    if not can.can_view_body(current_user, challenge):
        return False
    posting_ops.log_body_view(challenge, current_user, request.remote_addr or "")
    db.session.commit()
    return True


def _no_body_access(challenge: Challenge):
    return render_template("bidding/ineligible.html", challenge=challenge, problems=[
        _("揭榜前需获得发榜方授权并签署保密承诺，查阅保密内容。")], title=_("暂不能揭榜")), 403


def _render_form(challenge, proposal, form):
    if not _body_shown(challenge):
        return _no_body_access(challenge)
    indicators = {i.id: i for i in challenge.indicators}
    return render_template("bidding/edit.html", challenge=challenge, proposal=proposal, form=form,
                           indicators=indicators, blank=_blank_rows(),
                           named=blind.mentions(proposal) if proposal is not None else [],
                           title=_("揭榜方案：%(t)s", t=challenge.face_title(english_locale())))


@bp.route("/challenges/<int:challenge_id>/bid", methods=["GET", "POST"])
@role_required(Role.SOLVER)
def new(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    if not can.can_view_challenge(current_user, challenge):
        abort(404)
    # Eligibility first, the organisation's own bid after it: a colleague's bid committed while
    # these checks run then sends this member to that bid, never to the "ineligible" page.
    problems = eligibility_problems(current_user, challenge)
    existing = live_proposal_of(current_user.organization_id, challenge)
    if existing is not None:
        return redirect(url_for("bidding.view", proposal_id=existing.id))
    if not challenge.is_open_for_bids():
        problems.insert(0, _("本榜不在揭榜期内。"))
    if problems:
        return render_template("bidding/ineligible.html", challenge=challenge,
                               problems=problems, title=_("暂不能揭榜")), 403
    form = _form_for(challenge, None)
    submitting = "submit" in request.form
    if form.is_submitted() and form.validate(for_submit=submitting):
        with attempt() as done:
            proposal = ops.start_proposal(challenge, current_user, form.values())
        if not done:
            return redirect(url_for("hall.detail", challenge_id=challenge.id))
        return _save_then_maybe_submit(proposal, submitting)
    return _render_form(challenge, None, form)


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    require(can.can_edit_proposal(current_user, proposal))
    if not can.can_view_body(current_user, proposal.challenge):
        return _no_body_access(proposal.challenge)
    form = _form_for(proposal.challenge, proposal)
    submitting = "submit" in request.form
    if form.is_submitted() and form.validate(for_submit=submitting):
        ops.update_proposal(proposal, current_user, form.values())
        return _save_then_maybe_submit(proposal, submitting)
    return _render_form(proposal.challenge, proposal, form)


def _save_then_maybe_submit(proposal: Proposal, submitting: bool):
    if submitting:
        with attempt(keep_earlier=True, show=False) as done:  # saved even if not submitted
            ops.submit_proposal(proposal, current_user)
        if not done:
            flash(_("已保存，但未能提交：%(why)s", why=done.refusal.message), "warning")
            return redirect(url_for("bidding.edit", proposal_id=proposal.id))
        flash(_("方案已提交（第 %(n)d 版）。截止前仍可修改后重新提交。", n=proposal.version_no),
              "success")
        _flag_identities(proposal)
        return redirect(url_for("bidding.view", proposal_id=proposal.id))
    db.session.commit()
    flash(_("草稿已保存。"), "success")
    return redirect(url_for("bidding.edit", proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>")
@login_required
def view(proposal_id: int):
    proposal = db.session.scalar(select(Proposal).where(Proposal.id == proposal_id).options(
        selectinload(Proposal.partners), selectinload(Proposal.milestones),
        selectinload(Proposal.responses), selectinload(Proposal.attachments),
        selectinload(Proposal.versions)))
    if proposal is None:
        abort(404)
    if proposal.state is ProposalState.QUALIFIED and blind.needs_pledge(current_user, proposal.challenge):
        return redirect(url_for("reviewing.pledge", challenge_id=proposal.challenge_id,
                                next=proposal.id))  # the 评审承诺书 first (SPEC §13)
    require(can.can_view_proposal(current_user, proposal))
    return _proposal_page(proposal, AttachmentForm())


def _proposal_page(proposal: Proposal, attachment_form: AttachmentForm, status: int = 200):
    problems = (submission_problems(proposal)
                if proposal.state is ProposalState.DRAFT and can.is_bidder(current_user, proposal)
                else [])
    hidden = blind.identities_hidden(current_user, proposal.challenge)
    veil = blind.veil_for(current_user, proposal)
    named = blind.mentions(proposal) if not can.is_panel_member(current_user, proposal.challenge) else []
    return render_template("bidding/view.html", proposal=proposal, challenge=proposal.challenge,
                           problems=problems, body_shown=_body_shown(proposal.challenge),
                           attachment_form=attachment_form, hidden=hidden, veil=veil,
                           named=named, masked=hidden and bool(blind.mentions(proposal)),
                           reason_form=ReasonForm(), feedback=feedback_for(current_user, proposal),
                           title=veil(proposal.title) or _("揭榜方案")), status


@bp.route("/proposals/<int:proposal_id>/submit", methods=["POST"])
@login_required
def submit(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    require(can.can_edit_proposal(current_user, proposal))
    with attempt() as done:
        ops.submit_proposal(proposal, current_user)
    if done:
        flash(_("方案已提交（第 %(n)d 版）。", n=proposal.version_no), "success")
        _flag_identities(proposal)
    return redirect(url_for("bidding.view", proposal_id=proposal.id))


def _flag_identities(proposal: Proposal) -> None:
    """A warning, not a refusal: the texts name the bidder's own organisations, which a blind
    panel must not read (the bureau and a blind reviewer are told as well)."""
    named = blind.mentions(proposal)
    if named:
        flash(_("方案文本或附件名中出现了本单位或合作单位的名称（%(names)s）。评审可能采用盲评，"
                "请删除可识别身份的内容后重新提交。", names="、".join(named)), "warning")


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    require(can.can_withdraw_proposal(current_user, proposal))
    form = ReasonForm()
    if form.validate_on_submit() and apply_transition(
            proposal, "withdraw", _("方案已撤回。"), reason=form.reason.data, field=form.reason):
        return redirect(url_for("bidding.mine"))
    return render_template("bidding/withdraw.html", form=form, proposal=proposal,
                           title=_("撤回方案"))


@bp.route("/proposals/<int:proposal_id>/attachments", methods=["POST"])
@login_required
def attach(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    require(can.can_edit_proposal(current_user, proposal))
    form = AttachmentForm()
    if form.validate_on_submit():
        with attempt(form, field=form.file) as done:
            ops.add_attachment(proposal, current_user, form.file.data)
        if done:
            flash(_("附件已上传。"), "success")
            return redirect(url_for("bidding.view", proposal_id=proposal.id) + "#attachments")
    elif not form.file.errors:
        form.file.errors = [_("请选择文件。")]
    return _proposal_page(db.session.get(Proposal, proposal_id), form, 400)


@bp.route("/proposals/<int:proposal_id>/attachments/<int:attachment_id>")
@login_required
def attachment(proposal_id: int, attachment_id: int):
    item = get_or_404(ProposalAttachment, attachment_id)
    if item.proposal_id != proposal_id:
        abort(404)
    require(can.can_view_proposal(current_user, item.proposal))
    name = (blind.blind_attachment_name(item.proposal, item)
            if blind.identities_hidden(current_user, item.proposal.challenge) else item.original_name)
    return send_stored(ops.attachment_path(item), item.content_type, name)


@bp.route("/proposals/<int:proposal_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def detach(proposal_id: int, attachment_id: int):
    item = get_or_404(ProposalAttachment, attachment_id)
    if item.proposal_id != proposal_id:
        abort(404)
    require(can.can_edit_proposal(current_user, item.proposal))
    ops.remove_attachment(item, current_user)
    db.session.commit()
    flash(_("附件已删除。"), "success")
    return redirect(url_for("bidding.view", proposal_id=proposal_id) + "#attachments")


@bp.route("/my/proposals")
@role_required(Role.SOLVER)
def mine():
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.lead_org_id == current_user.organization_id)
        .options(selectinload(Proposal.challenge)).order_by(Proposal.updated_at.desc())).all()
    return render_template("bidding/mine.html", proposals=proposals, title=_("我的揭榜方案"))


@bp.route("/challenges/<int:challenge_id>/proposals")
@login_required
def bids(challenge_id: int):
    """The bids on a 榜 (never drafts): the bureau, and the issuer after the deadline."""
    challenge = get_or_404(Challenge, challenge_id)
    require(can.can_list_bids(current_user, challenge))
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.challenge_id == challenge.id,
                               Proposal.state.not_in([ProposalState.DRAFT]))
        .options(selectinload(Proposal.lead_org), selectinload(Proposal.partners),
                 selectinload(Proposal.responses), selectinload(Proposal.milestones),
                 selectinload(Proposal.attachments))  # what blind.mentions reads of each bid
        .order_by(Proposal.submitted_at)).all()
    qualified = sum(p.state is ProposalState.QUALIFIED for p in proposals)
    return render_template("bidding/bids.html", challenge=challenge, proposals=proposals,
                           qualified=qualified, named={p.id: blind.mentions(p) for p in proposals},
                           reason_form=ReasonForm(),
                           title=_("揭榜方案：%(t)s", t=challenge.face_title(english_locale())))


@bp.route("/proposals/<int:proposal_id>/eligibility", methods=["POST"])
@role_required(Role.ADMIN)
def eligibility(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    action = request.form.get("decision")
    require(action in ("qualify", "disqualify") and allowed(proposal, action, current_user))
    apply_transition(proposal, action, _("已记录资格审查结果。"),
                     reason=request.form.get("reason", ""))
    return redirect(url_for("bidding.bids", challenge_id=proposal.challenge_id))


@bp.route("/challenges/<int:challenge_id>/unclaim", methods=["POST"])
@role_required(Role.ADMIN)
def unclaim(challenge_id: int):
    """No qualified bid after the eligibility check: the 榜 becomes 流榜 (may be re-published)."""
    challenge = get_or_404(Challenge, challenge_id)
    require(allowed(challenge, "unclaim", current_user))
    apply_transition(challenge, "unclaim", _("已流榜。可在榜单管理中设定新的截止日期重新发布。"),
                     reason=request.form.get("reason", ""))
    return redirect(url_for("bidding.bids", challenge_id=challenge.id))
