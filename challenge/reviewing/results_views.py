"""结果公示 (routes of the reviewing blueprint): the bureau's decision page (pick winners, answer
objections), the public results of each decided 榜 with its contracts and outcome, the list of
ended 榜, and 异议 filed during the publicity period."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import permissions as can
from ..caching import public_page
from ..extensions import db
from ..filters import localtime
from ..hall.views import listed_for
from ..inputs import parse_id, parse_ids
from ..locales import english_locale
from ..models import Challenge, Contract, Objection, Organization, Proposal
from ..states import RESULT_STATES, ChallengeState, ContractState, ProposalState, Role
from ..views_common import attempt, get_or_404, role_required
from . import anomalies, evidence
from .decision import (
    answer_objection,
    decide,
    decision_problems,
    file_objection,
    publicity_of,
)
from .forms import AcknowledgeFlagForm, DecisionForm, ObjectionAnswerForm, ObjectionForm
from .queries import Outcome, challenge_outcome, contract_outcome
from .scoring import panel_complete, panel_progress, results
from .views import bp

# -- outcomes, as the public sees them ---------------------------------------------------------

CS = ChallengeState
# The 奖榜 stage: the results page shows the contracts and the outcome from 签约 on.
AWARD_STAGE = frozenset({CS.CONTRACTED, CS.ACCEPTED, CS.AWARDED, CS.CLOSED, CS.FAILED})
# Ended 榜 on the public list; 已兑现 (AWARDED) only waits for the bureau's 结榜.
ENDED_STATES = {"closed": CS.CLOSED, "failed": CS.FAILED, "awarded": CS.AWARDED}


def _signed_total(challenge_ids: list[int]) -> dict[int, int]:
    """Per 榜: the amounts of its signed contracts (what was actually contracted), in 分."""
    if not challenge_ids:
        return {}
    return dict(db.session.execute(
        select(Contract.challenge_id, func.sum(Contract.amount_fen))
        .where(Contract.challenge_id.in_(challenge_ids), Contract.signed_at.is_not(None))
        .group_by(Contract.challenge_id)).all())


def _winners(challenge_ids: list[int]) -> dict[int, list[Organization]]:
    """Per 榜: the organizations whose bids were selected (solver names are public)."""
    winners: dict[int, list[Organization]] = {}
    if not challenge_ids:
        return winners
    rows = db.session.execute(
        select(Proposal.challenge_id, Organization)
        .join(Organization, Organization.id == Proposal.lead_org_id)
        .where(Proposal.challenge_id.in_(challenge_ids), Proposal.state == ProposalState.SELECTED)
        .order_by(Proposal.id)).all()
    for challenge_id, org in rows:
        winners.setdefault(challenge_id, []).append(org)
    return winners


# -- public 公示 ------------------------------------------------------------------------------

@bp.route("/results")
@public_page
def results_index():
    query = (select(Challenge).where(listed_for(current_user), Challenge.state.in_(RESULT_STATES))
             .options(selectinload(Challenge.issuer))
             .order_by(Challenge.publicity_ends_at.desc().nulls_last(), Challenge.id.desc()))
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)
    ids = [c.id for c in page.items]
    return render_template("reviewing/results_index.html", page=page, winners=_winners(ids),
                           totals=_signed_total(ids),
                           outcomes={c.id: challenge_outcome(c) for c in page.items},
                           title=_("结果公示"))


@bp.route("/results/closed")
@public_page
def results_closed():
    """Every ended 榜 the viewer may know of, with its winners, contract total and outcome."""
    wanted = request.args.get("outcome", "")
    states = [ENDED_STATES[wanted]] if wanted in ENDED_STATES else list(ENDED_STATES.values())
    ended = func.coalesce(Challenge.ended_at, Challenge.accepted_at)
    query = (select(Challenge).where(listed_for(current_user), Challenge.state.in_(states))
             .options(selectinload(Challenge.issuer))
             .order_by(ended.desc().nulls_last(), Challenge.id.desc()))
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)
    ids = [c.id for c in page.items]
    return render_template("reviewing/results_closed.html", page=page, winners=_winners(ids),
                           totals=_signed_total(ids), outcome=wanted if wanted in ENDED_STATES else "",
                           outcomes={c.id: challenge_outcome(c) for c in page.items},
                           title=_("已结束的榜"))


def _visible_results_or_404(challenge_id: int) -> Challenge:
    challenge = get_or_404(Challenge, challenge_id)
    if not can.can_view_results(current_user, challenge):
        abort(404)  # no results yet, or a 榜 this user may not know of
    return challenge


def _contract_rows(challenge: Challenge) -> list[tuple[Contract, Outcome]]:
    """The 榜's contracts once it is 签约 or later (drafts are not news yet)."""
    if challenge.state not in AWARD_STAGE:
        return []
    contracts = db.session.scalars(select(Contract).where(
        Contract.challenge_id == challenge.id, Contract.state != ContractState.DRAFT)
        .options(selectinload(Contract.solver_org)).order_by(Contract.id)).all()
    return [(c, contract_outcome(c)) for c in contracts]


def _results_page(challenge: Challenge, form: ObjectionForm | None, status: int = 200,
                  refusal: str = ""):
    mine = []
    if can.signed_in(current_user):
        mine = db.session.scalars(select(Objection).where(
            Objection.challenge_id == challenge.id, Objection.filer_id == current_user.id)
            .order_by(Objection.id)).all()
    contracts = _contract_rows(challenge)
    return render_template("reviewing/results_show.html", challenge=challenge, facts=publicity_of(challenge),
                           contracts=contracts, outcome=challenge_outcome(challenge),
                           signed_total=sum(c.amount_fen for c, _o in contracts if c.signed_at),
                           subsidy_total=sum(c.subsidy_fen for c, _o in contracts if c.signed_at),
                           form=form, mine=mine, refusal=refusal,
                           may_object=can.can_object(current_user, challenge),
                           window_open=challenge.publicity_open(),
                           title=_("结果公示：%(t)s", t=challenge.face_title(english_locale()))), status


@bp.route("/results/<int:challenge_id>")
@public_page
def results_show(challenge_id: int):
    challenge = _visible_results_or_404(challenge_id)
    # The objection form (and its CSRF token) only for who may object: a visitor's page stays
    # free of anything tied to one session, so it can be cached and shared.
    may_object = can.can_object(current_user, challenge)
    return _results_page(challenge, ObjectionForm() if may_object else None)


@bp.route("/results/<int:challenge_id>/objections", methods=["POST"])
@login_required
def object_(challenge_id: int):
    challenge = _visible_results_or_404(challenge_id)
    form = ObjectionForm()
    if not can.can_object(current_user, challenge):
        return _results_page(challenge, form, 403,
                             _("公示期已结束或本榜不在公示中，不能提出异议。"))
    if form.validate_on_submit():
        with attempt(field=form.reason) as done:
            file_objection(challenge, current_user, form.reason.data)
        if done:
            flash(_("异议已提交，科技局处理后将通知您。"), "success")
            return redirect(url_for("reviewing.results_show", challenge_id=challenge.id))
    return _results_page(challenge, form)


# -- the bureau's decision ---------------------------------------------------------------------

def _flag_forms(flags, acknowledged, posted: AcknowledgeFlagForm | None) -> dict:
    """One acknowledgement form per flag still waiting (the posted one keeps its input)."""
    forms = {}
    for n, flag in enumerate(flags):
        if flag.key in acknowledged:
            continue
        if posted is not None and posted.flag.data == flag.key:
            forms[flag.key] = posted
        else:
            forms[flag.key] = AcknowledgeFlagForm(prefix=f"f{n}", formdata=None, flag=flag.key)
    return forms


def _decision_page(challenge: Challenge, form: DecisionForm | None = None, problems=None,
                   picked=(), exceptions=None, answer_forms=None, status: int = 200,
                   flag_form: AcknowledgeFlagForm | None = None):
    progress = panel_progress(challenge)
    complete = panel_complete(challenge, progress)
    rows = results(challenge) if complete or challenge.state in RESULT_STATES else []
    flags = anomalies.flags_for(challenge, rows) if rows else []
    acknowledged = anomalies.acknowledgements(challenge)
    objections = db.session.scalars(select(Objection).where(
        Objection.challenge_id == challenge.id).options(selectinload(Objection.filer))
        .order_by(Objection.id)).all()
    answer_forms = answer_forms or {}
    for objection in objections:
        answer_forms.setdefault(objection.id, ObjectionAnswerForm(prefix=f"o{objection.id}",
                                                                  formdata=None))
    return render_template(
        "reviewing/decision.html", challenge=challenge, complete=complete,
        rows=rows, flags=flags, acknowledged=acknowledged, seals=evidence.seals(challenge),
        flag_forms=_flag_forms(flags, acknowledged, flag_form),
        editable_flags=challenge.state is ChallengeState.REVIEWING, progress=progress,
        form=form or DecisionForm(formdata=None),
        problems=problems, picked=set(picked), exceptions=exceptions or {},
        objections=objections, answer_forms=answer_forms,
        title=_("确定揭榜方：%(t)s", t=challenge.title)), status


@bp.route("/admin/challenges/<int:challenge_id>/decision")
@role_required(Role.ADMIN)
def decision(challenge_id: int):
    return _decision_page(get_or_404(Challenge, challenge_id))


@bp.route("/admin/challenges/<int:challenge_id>/decision", methods=["POST"])
@role_required(Role.ADMIN)
def confirm_decision(challenge_id: int):
    """One operation: winners selected, the others not, the 榜 into 公示 — or nothing."""
    challenge = get_or_404(Challenge, challenge_id)
    form = DecisionForm()
    picked = parse_ids(request.form.getlist("winner"))
    exceptions = {parse_id(k.removeprefix("exception-")): v for k, v in request.form.items()
                  if k.startswith("exception-") and parse_id(k.removeprefix("exception-"))}
    form.validate()  # the CSRF token; the rules themselves are the operation's
    problems = decision_problems(challenge, results(challenge), list(dict.fromkeys(picked)),
                                 form.reason.data or "", exceptions)
    if problems.reason:
        form.reason.errors = [problems.reason]
    if problems or form.errors:
        return _decision_page(challenge, form, problems, picked, exceptions)
    with attempt(show=False) as done:
        winners = decide(challenge, current_user, picked, form.reason.data, exceptions)
    if not done:
        flash(_("未能确定揭榜方，所有方案保持原状：%(why)s", why=done.refusal.message), "danger")
        return redirect(url_for("reviewing.decision", challenge_id=challenge_id))
    flash(_("已确定 %(n)d 个揭榜方，公示至 %(t)s。", n=len(winners),
            t=localtime(challenge.publicity_ends_at)), "success")
    return redirect(url_for("reviewing.decision", challenge_id=challenge.id))


@bp.route("/admin/challenges/<int:challenge_id>/flags", methods=["POST"])
@role_required(Role.ADMIN)
def acknowledge_flag(challenge_id: int):
    """One score anomaly acknowledged with a reason; nothing else changes."""
    challenge = get_or_404(Challenge, challenge_id)
    prefix = next((k.removesuffix("-flag") for k in request.form if k.endswith("-flag")), "")
    form = AcknowledgeFlagForm(prefix=prefix)
    if challenge.state is not ChallengeState.REVIEWING:
        flash(_("本榜已不在评审中，评分异常提示不能再确认。"), "warning")
        return redirect(url_for("reviewing.decision", challenge_id=challenge.id))
    if form.validate_on_submit():
        with attempt(form, field=form.reason) as done:
            anomalies.acknowledge(challenge, form.flag.data or "", form.reason.data, current_user)
        if done:
            flash(_("已确认该评分异常提示。"), "success")
            return redirect(url_for("reviewing.decision", challenge_id=challenge.id) + "#flags")
    return _decision_page(challenge, flag_form=form, status=400 if form.errors else 200)


@bp.route("/admin/challenges/<int:challenge_id>/evidence-pack", methods=["POST"])
@role_required(Role.ADMIN)
def evidence_pack(challenge_id: int):
    """The 榜's integrity evidence pack (a zip), sealed by an audit event (evidence.py)."""
    challenge = get_or_404(Challenge, challenge_id)
    data = evidence.build_pack(challenge, current_user)
    db.session.commit()  # the seal is the pack's proof: the pack leaves only once it is kept
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="evidence-pack-{challenge.id}.zip"',
        "Cache-Control": "no-store"})


@bp.route("/admin/objections/<int:objection_id>/answer", methods=["POST"])
@role_required(Role.ADMIN)
def answer(objection_id: int):
    objection = get_or_404(Objection, objection_id)
    challenge = objection.challenge
    form = ObjectionAnswerForm(prefix=f"o{objection.id}")
    if form.validate_on_submit():
        with attempt(field=form.reason) as done:
            answer_objection(objection, current_user, form.decision.data, form.reason.data)
        if done:
            flash(_("异议已处理并通知提出人。") if form.decision.data == "dismiss" else
                  _("异议成立：评定已撤回，本榜回到评审中，请重新确定揭榜方。"), "success")
            return redirect(url_for("reviewing.decision", challenge_id=challenge.id))
    return _decision_page(challenge, answer_forms={objection.id: form})
