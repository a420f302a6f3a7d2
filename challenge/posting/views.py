"""发榜: an enterprise drafts, submits and withdraws its 榜 and answers access requests; the bureau
screens it (publish, or return for changes)."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import permissions as can
from ..extensions import db
from ..locales import punctuation
from ..matching_service import need_doc, recommend_experts, similar_challenges, why
from ..models import AccessGrant, AccessLog, AuditEvent, Challenge, ChallengeInvitation
from ..models.base import csv_list
from ..orgs.rules import org_gate
from ..states import ChallengeKind, ChallengeState, Confidentiality, FundingMode, Role
from ..timeutil import end_of_local_day, local_date
from ..views_common import apply_transition, attempt, get_or_404, require, role_required
from ..workflow import allowed, perform, record
from . import desensitise
from . import operations as ops
from . import readiness as ready
from .assistant import describe, followed_and_ignored
from .forms import AccessDecisionForm, ChallengeForm, IndicatorForm, InviteForm, PublishForm, ReasonForm

bp = Blueprint("posting", __name__)


@bp.route("/my/challenges")
@role_required(Role.ENTERPRISE)
def mine():
    state = request.args.get("state", "")
    query = (select(Challenge).where(Challenge.issuer_org_id == current_user.organization_id)
             .order_by(Challenge.updated_at.desc()))
    if state in ChallengeState.__members__.values():
        query = query.where(Challenge.state == ChallengeState(state))
    page = db.paginate(query, per_page=20, error_out=False)
    pending = db.session.scalars(
        select(AccessGrant).join(Challenge)
        .where(Challenge.issuer_org_id == current_user.organization_id,
               AccessGrant.state == "requested")
        .options(selectinload(AccessGrant.user), selectinload(AccessGrant.challenge))).all()
    return render_template("posting/mine.html", page=page, state=state, pending=pending,
                           title=_("我的榜单"))


@bp.route("/challenges/new", methods=["GET", "POST"])
@role_required(Role.ENTERPRISE)
def new():
    if not can.can_draft_challenge(current_user):
        flash(org_gate(current_user), "warning")
        return redirect(url_for("orgs.mine"))
    form = ChallengeForm(submitting="submit" in request.form)
    if form.validate_on_submit():
        challenge = ops.create_challenge(current_user, form.values())
        return _save_then_maybe_submit(challenge, _("草稿已保存。"))
    return render_template("posting/edit.html", form=form, challenge=None,
                           blank_indicator=IndicatorForm(prefix="indicators-__index__-"),
                           similar=[], title=_("发布新榜"),
                           **_assistant(form, current_user.organization, None))


@bp.route("/challenges/<int:challenge_id>/edit", methods=["GET", "POST"])
@login_required
def edit(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    require(can.can_edit_challenge(current_user, challenge))
    # A draft saves incomplete; submitting it, or the bureau's edit under screening, checks all.
    form = ChallengeForm(submitting="submit" in request.form
                         or challenge.state is not ChallengeState.DRAFT)
    if request.method == "GET":
        form.fill_from(challenge)
    if form.validate_on_submit():
        note = request.form.get("edit_note", "").strip()
        changes = ops.update_challenge(challenge, current_user, form.values(), note=note)
        if current_user.role is Role.ADMIN:
            db.session.commit()
            flash(_("已保存修改（%(n)d 项）。", n=len(changes)) if changes else _("内容没有变化。"),
                  "success")
            return redirect(url_for("posting.screen", challenge_id=challenge.id))
        return _save_then_maybe_submit(challenge, _("修改已保存。"))
    return render_template("posting/edit.html", form=form, challenge=challenge,
                           blank_indicator=IndicatorForm(prefix="indicators-__index__-"),
                           similar=similar_challenges(current_user, need_doc(challenge),
                                                      exclude_id=challenge.id),
                           desens=desensitise.check(challenge), title=_("编辑榜单"),
                           **_assistant(form, challenge.issuer, challenge.id))


def _save_then_maybe_submit(challenge: Challenge, saved_message: str):
    if "submit" in request.form:
        with attempt(keep_earlier=True, show=False) as done:  # saved even if not submitted
            perform(challenge, "submit", current_user)
        if not done:
            flash(saved_message + " " + done.refusal.message, "warning")
            return redirect(url_for("posting.edit", challenge_id=challenge.id))
        _record_advice(challenge)
        flash(_("已提交科技局审核，审核结果将通过站内消息通知您。"), "success")
        if (check := desensitise.check(challenge)) and check.warnings:  # advice, never a block
            flash(_("脱敏检查提示 %(n)d 处公开内容可能暴露贵单位身份；科技局审核时会看到这些提示，"
                    "如需修改可请科技局退回。", n=check.warnings), "warning")
        return redirect(url_for("hall.detail", challenge_id=challenge.id))
    db.session.commit()
    flash(saved_message, "success")
    return redirect(url_for("posting.edit", challenge_id=challenge.id))


# -- the need-structuring assistant and the readiness score ---------------------------------------

def _form_values(form: ChallengeForm) -> dict:
    """The form's values as typed, for advice: a choice that is not one falls back to its
    default, as do fields that do not parse (advice reads what it can, never refuses)."""
    for sub, default in ((form.kind, ChallengeKind.OTHER.value),
                         (form.funding_mode, FundingMode.REWARD.value),
                         (form.confidentiality, Confidentiality.DESENSITIZED.value)):
        if sub.data not in {choice.value for choice in sub.choices}:
            sub.data = default
    try:
        return form.values()
    except (ValueError, TypeError, AttributeError):  # an unparsed date or amount
        return {name: form[name].data or "" for name in (
            "title", "field", "industry_tags", "summary", "detail", "eligible_regions",
            "qualifications")} | {
            "kind": form.kind.data, "confidentiality": form.confidentiality.data,
            "bounty_fen": 0, "period_months": form.period_months.data or 0,
            "eligible_org_types": ",".join(form.eligible_org_types.data or []),
            "indicators": [{k: (e.form[k].data or "") for k in ("name", "target", "unit")}
                           for e in form.indicators]}


def _assistant(form: ChallengeForm, issuer, exclude_id: int | None) -> dict:
    """The assistant's panel for the 榜 form, and the advice shown so far (a hidden field the
    page's script adds to as advice appears; read at submission)."""
    readiness = ready.assess(_form_values(form), issuer, exclude_id)
    seen = [c for c in request.form.get("assistant_seen", "").splitlines() if c]
    return {"readiness": readiness,
            "assistant_seen": "\n".join(dict.fromkeys([*seen, *readiness.report.codes]))}


def _record_advice(challenge: Challenge) -> None:
    """At submission: the readiness score, and which of the advice shown while writing was
    followed (gone by now) or ignored (still standing), as an audit event of the 榜."""
    readiness = ready.assess_challenge(challenge)
    seen = request.form.get("assistant_seen", "").splitlines()  # a browser sends CR LF
    followed, ignored = followed_and_ignored(seen, readiness.report)
    record(challenge, "assistant", current_user, changes={
        "score": readiness.score, "followed": "\n".join(followed), "ignored": "\n".join(ignored)})
    db.session.commit()


@bp.route("/challenges/assist", methods=["POST"])
@role_required(Role.ENTERPRISE, Role.ADMIN)
def assist():
    """Live advice and readiness while a 榜 is written (JSON: score, codes, the panel's HTML)."""
    form = ChallengeForm(submitting=False)
    form.validate()  # the form's own errors are shown when it is saved; advice reads what is typed
    challenge = db.session.get(Challenge, request.form.get("challenge_id", type=int) or 0)
    if challenge is not None and not can.can_edit_challenge(current_user, challenge):
        challenge = None
    issuer = challenge.issuer if challenge is not None else current_user.organization
    readiness = ready.assess(_form_values(form), issuer, challenge.id if challenge else None)
    return jsonify(score=readiness.score, codes=readiness.report.codes,
                   html=render_template("posting/_assistant.html", readiness=readiness))


@bp.route("/admin/readiness")
@role_required(Role.ADMIN)
def calibration():
    """Past readiness scores beside what happened: bids received and 流榜, by score band."""
    rows, bands = ready.calibration()
    return render_template("posting/calibration.html", rows=rows, bands=bands,
                           title=_("揭榜准备度校准"))


@bp.route("/challenges/<int:challenge_id>/submit", methods=["POST"])
@login_required
def submit(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    require(allowed(challenge, "submit", current_user))
    apply_transition(challenge, "submit", _("已提交科技局审核。"))
    return redirect(url_for("hall.detail", challenge_id=challenge.id))


@bp.route("/challenges/<int:challenge_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    require(allowed(challenge, "withdraw", current_user))
    form = ReasonForm()
    if form.validate_on_submit() and apply_transition(
            challenge, "withdraw", _("已撤榜。"), reason=form.reason.data, field=form.reason):
        return redirect(url_for("hall.detail", challenge_id=challenge.id))
    return render_template("posting/withdraw.html", form=form, challenge=challenge,
                           title=_("撤榜"))


@bp.route("/challenges/<int:challenge_id>/access")
@login_required
def access(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    require(can.can_manage_access(current_user, challenge))
    grants = db.session.scalars(
        select(AccessGrant).where(AccessGrant.challenge_id == challenge.id)
        .options(selectinload(AccessGrant.user)).order_by(AccessGrant.requested_at.desc())).all()
    invitations = db.session.scalars(
        select(ChallengeInvitation).where(ChallengeInvitation.challenge_id == challenge.id)
        .options(selectinload(ChallengeInvitation.user))).all()
    logs = db.paginate(
        select(AccessLog).where(AccessLog.challenge_id == challenge.id)
        .options(selectinload(AccessLog.user)).order_by(AccessLog.viewed_at.desc()),
        per_page=50, error_out=False)
    return render_template("posting/access.html", challenge=challenge, grants=grants,
                           invitations=invitations, logs=logs, decision_form=AccessDecisionForm(),
                           invite_form=InviteForm(), title=_("保密内容访问管理"))


@bp.route("/access/<int:grant_id>/decide", methods=["POST"])
@login_required
def decide_access(grant_id: int):
    grant = get_or_404(AccessGrant, grant_id)
    require(can.can_manage_access(current_user, grant.challenge))
    form = AccessDecisionForm()
    if form.validate_on_submit():
        with attempt() as done:
            ops.decide_access(grant, current_user, form.decision.data, form.reason.data or "")
        if done:
            flash(_("已同意查阅申请。") if form.decision.data == "grant" else _("已拒绝查阅申请。"),
                  "success")
    else:
        flash(punctuation("；").join(str(e) for errs in form.errors.values() for e in errs), "danger")
    return redirect(url_for("posting.access", challenge_id=grant.challenge_id))


@bp.route("/access/<int:grant_id>/revoke", methods=["POST"])
@login_required
def revoke_access(grant_id: int):
    grant = get_or_404(AccessGrant, grant_id)
    require(can.can_manage_access(current_user, grant.challenge))
    form = ReasonForm()
    if form.validate_on_submit():
        with attempt() as done:
            ops.decide_access(grant, current_user, "revoke", form.reason.data)
        if done:
            flash(_("已撤销授权。"), "success")
    else:
        flash(_("撤销授权需要填写理由。"), "danger")
    return redirect(url_for("posting.access", challenge_id=grant.challenge_id))


@bp.route("/challenges/<int:challenge_id>/invite", methods=["POST"])
@login_required
def invite(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    require(can.can_invite(current_user, challenge))
    back = (url_for("posting.experts", challenge_id=challenge.id)
            if request.form.get("back") == "experts" or not challenge.is_confidential
            else url_for("posting.access", challenge_id=challenge.id))
    form = InviteForm()
    if form.validate_on_submit():
        solver = ops.find_solver(form.email.data)
        if solver is None:
            flash(_("没有找到该邮箱对应的揭榜方账号。"), "danger")
        elif ops.invite_solver(challenge, current_user, solver) is None:
            db.session.rollback()
            flash(_("%(name)s 已在邀请名单中。", name=solver.name), "info")
        else:
            db.session.commit()
            flash(_("已邀请 %(name)s。", name=solver.name), "success")
    else:
        flash(punctuation("；").join(str(e) for errs in form.errors.values() for e in errs), "danger")
    return redirect(back)


@bp.route("/challenges/<int:challenge_id>/experts")
@login_required
def experts(challenge_id: int):
    """Recommended experts for a 榜, with the terms that matched: solvers to invite and
    reviewers for the panel (conflicted ones listed apart)."""
    challenge = get_or_404(Challenge, challenge_id)
    require(can.can_see_recommendations(current_user, challenge))
    suggestions = recommend_experts(challenge, k=60)
    reviewers = [s for s in suggestions if s.profile.user and s.profile.user.role is Role.REVIEWER]
    others = [s for s in suggestions if s not in reviewers]
    if not can.can_see_reviewers(current_user, challenge):
        # The issuer never learns who may review its 榜: every reviewer account (those seated
        # on its panels included, as only reviewer accounts are ever seated) is left out of
        # every list here, the conflicted one too.
        suggestions, reviewers = others, []
    invited = {i.user_id for i in challenge.invitations}
    return render_template(
        "posting/experts.html", challenge=challenge, invited=invited,
        solvers=[s for s in others if not s.conflict][:10],
        reviewers=[s for s in reviewers if not s.conflict][:10],
        conflicted=[s for s in suggestions if s.conflict][:10],
        show_reviewers=can.can_see_reviewers(current_user, challenge),
        title=_("推荐专家：%(t)s", t=challenge.title))


@bp.route("/challenges/similar")
@role_required(Role.ENTERPRISE, Role.ADMIN)
def similar():
    """Live near-duplicate check while a 榜 is being written (JSON)."""
    args = request.args
    need = need_doc(title=args.get("title", "")[:80], summary=args.get("summary", "")[:2000],
                    field=args.get("field", "")[:50], tags=csv_list(args.get("tags", "")[:200]))
    exclude = args.get("exclude", type=int)
    return jsonify(items=[_similar_item(c, m) for c, m in
                          similar_challenges(current_user, need, exclude_id=exclude)])


def _similar_item(challenge: Challenge, match) -> dict:
    return {"id": challenge.id, "title": challenge.title, "score": round(match.score),
            "terms": why(match.terms), "state": challenge.state.label,
            "url": url_for("hall.detail", challenge_id=challenge.id)}


@bp.route("/challenges/<int:challenge_id>/history")
@login_required
def history(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    require(can.is_admin(current_user) or can.is_issuer(current_user, challenge))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "challenge",
                                 AuditEvent.object_id == challenge.id)
        .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id)).all()
    return render_template("posting/history.html", challenge=challenge, events=events,
                           title=_("操作记录"))


# -- the bureau's screening: publish or return a submitted 榜 ------------------------------------

@bp.route("/admin/challenges")
@role_required(Role.ADMIN)
def screening():
    state = request.args.get("state", "screening")
    query = select(Challenge).options(selectinload(Challenge.issuer))
    if state != "all":
        if state not in {s.value for s in ChallengeState}:
            state = "screening"
        query = query.where(Challenge.state == ChallengeState(state))
    order = Challenge.submitted_at.asc() if state == "screening" else Challenge.updated_at.desc()
    page = db.paginate(query.order_by(order, Challenge.id), per_page=20, error_out=False)
    counts = dict(db.session.execute(
        select(Challenge.state, func.count()).group_by(Challenge.state)).all())
    return render_template("posting/screening.html", page=page, state=state, counts=counts,
                           scores=ready.recorded_scores([c.id for c in page.items]),
                           title=_("榜单管理"))


@bp.route("/admin/challenges/<int:challenge_id>")
@role_required(Role.ADMIN)
def screen(challenge_id: int):
    c = get_or_404(Challenge, challenge_id)
    publish_form = PublishForm(data={"worldwide": c.worldwide})  # as the enterprise asked
    if c.deadline_at and not publish_form.deadline.data:
        publish_form.deadline.data = local_date(c.deadline_at).isoformat()
    return _review_page(c, publish_form, ReasonForm(prefix="ret"))


def _review_page(c: Challenge, publish_form: PublishForm, return_form: ReasonForm, status=200):
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "challenge", AuditEvent.object_id == c.id)
        .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id)).all()
    submitted = next((e for e in reversed(events) if e.action == "assistant"), None)
    return render_template("posting/screen.html", challenge=c, publish_form=publish_form,
                           return_form=return_form, events=events, desens=desensitise.check(c),
                           readiness=ready.assess_challenge(c), at_submit=_advice_record(submitted),
                           title=_("审核：%(t)s", t=c.title)), status


def _advice_record(event: AuditEvent | None) -> dict | None:
    """The assistant's record at submission, each piece of advice in words."""
    if event is None or not event.changes:
        return None
    return {"at": event.occurred_at, "score": event.changes.get("score"),
            **{key: [describe(code) for code in (event.changes.get(key) or "").split("\n") if code]
               for key in ("followed", "ignored")}}


@bp.route("/admin/challenges/<int:challenge_id>/publish", methods=["POST"])
@role_required(Role.ADMIN)
def publish(challenge_id: int):
    c = get_or_404(Challenge, challenge_id)
    action = "republish" if c.state is ChallengeState.UNCLAIMED else "publish"
    require(allowed(c, action, current_user))
    form = PublishForm()
    if form.validate_on_submit():
        with attempt(form, field=form.deadline) as done:
            ops.publish(c, current_user, end_of_local_day(form.deadline.date),
                        worldwide=form.worldwide.data, note=form.note.data or "")
            record(c, "readiness", current_user,
                   changes={"score": ready.assess_challenge(c).score})
        if done:
            flash(_("已发布，揭榜截止 %(d)s。", d=form.deadline.date.isoformat()), "success")
            return redirect(url_for("posting.screening"))
    return _review_page(c, form, ReasonForm(prefix="ret"))


@bp.route("/admin/challenges/<int:challenge_id>/return", methods=["POST"])
@role_required(Role.ADMIN)
def return_(challenge_id: int):
    c = get_or_404(Challenge, challenge_id)
    require(allowed(c, "return", current_user))
    form = ReasonForm(prefix="ret")
    if form.validate_on_submit() and apply_transition(
            c, "return", _("已退回企业修改。"), reason=form.reason.data, field=form.reason):
        return redirect(url_for("posting.screening"))
    return _review_page(c, PublishForm(), form)
