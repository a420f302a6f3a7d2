"""前置兑现 and 递补 pages of the bureau (issue 15 items 3 and 5); routes on awarding's bp,
loaded by create_app like progress_views."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..locales import money
from ..models import Challenge, Contract, Proposal
from ..money import format_share, format_wan
from ..states import ChallengeState, ProposalState, Role, RunnerUpTrigger
from ..timeutil import local, local_today, utcnow
from ..views_common import attempt, get_or_404, role_required
from . import ledger, rules
from . import operations as ops
from .advance_forms import AdvanceForm, AdvanceTermsForm, RunnerUpForm
from .flows import sign_by
from .runner_up import replace_winner, runner_up
from .views import bp


@bp.app_template_global()
def signing_time(challenge: Challenge) -> dict | None:
    """When the 榜's winners should have signed (递补 for 逾期未签约 after it), and whether it is over."""
    deadline = sign_by(challenge)
    return None if deadline is None else {"at": _local(deadline), "over": utcnow() >= deadline}


@bp.route("/admin/challenges/<int:challenge_id>/advance", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def advance_terms(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    form = AdvanceTermsForm()
    if not form.is_submitted():
        form.share.data = format_share(challenge.advance_share_bp) if challenge.advance_share_bp else ""
        form.cap.data = format_wan(challenge.advance_cap_fen) if challenge.advance_cap_fen else ""
    if form.validate_on_submit():
        with attempt(form, field=form.share) as done:
            changes = ops.set_advance_terms(challenge, current_user, form.share_bp or 0, form.cap.fen or 0)
        if done:
            flash(_("前置兑现设置已保存。") if changes else _("前置兑现设置没有变化。"), "success")
            return redirect(url_for("awarding.board", challenge_id=challenge.id))
    return render_template("awarding/advance_terms.html", challenge=challenge, form=form,
                           settable=challenge.state in ops.ADVANCE_SETTABLE,
                           title=_("前置兑现设置：%(t)s", t=challenge.title))


@bp.route("/contracts/<int:contract_id>/advance", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def advance(contract_id: int):
    contract = get_or_404(Contract, contract_id)
    terms, lines = rules.terms_of(contract), rules.lines_of(contract)
    limit = min(terms.advance_limit_fen, terms.subsidy_fen)
    left = max(limit - ledger.advanced(lines), 0)
    problem = ledger.advance_problem(terms, lines, left or 1)
    form = AdvanceForm()
    if not form.is_submitted():
        form.paid_on.data = local_today().isoformat()
        form.amount.data = format_wan(left) if left else ""
    if problem is None and form.validate_on_submit():
        with attempt(form, field=form.amount) as done:
            entry = ops.record_advance(contract, current_user, form.amount.fen, form.paid_on.date,
                                       form.reference.data or "", form.note.data or "")
        if done:
            flash(_("已登记前置兑现 %(a)s。", a=money(entry.amount_fen)), "success")
            return redirect(url_for("awarding.show", contract_id=contract.id) + "#ledger")
        contract = get_or_404(Contract, contract_id)
    return render_template("awarding/advance.html", contract=contract, challenge=contract.challenge,
                           form=form, problem=problem, limit=limit, advanced=ledger.advanced(lines),
                           left=left, title=_("前置兑现：%(n)s", n=contract.number))


@bp.route("/admin/proposals/<int:proposal_id>/runner-up", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def runner_up_page(proposal_id: int):
    winner = get_or_404(Proposal, proposal_id)
    challenge = winner.challenge
    problem = None
    if winner.state is not ProposalState.SELECTED:
        problem = _("只有入选的揭榜方案才能被递补替换。")
    elif challenge.state is not ChallengeState.PUBLICITY:
        problem = _("本榜当前为「%(s)s」，不能递补。", s=challenge.state.label)
    candidate = runner_up(challenge)
    if problem is None and candidate is None:
        problem = _("没有达到合格分 %(m)d 分的候补方案，不能递补；可判定本榜失败或撤榜。",
                    m=challenge.pass_mark)
    form = RunnerUpForm()
    if problem is None and form.validate_on_submit():
        with attempt(form, field=form.reason) as done:
            result = replace_winner(winner, current_user, RunnerUpTrigger(form.trigger.data),
                                    form.reason.data)
        if done:
            flash(_("已由「%(p)s」递补入选，递补公示至 %(t)s。", p=result.promoted.title,
                    t=_local(challenge.publicity_ends_at)), "success")
            return redirect(url_for("awarding.board", challenge_id=challenge.id))
        db.session.expire_all()
    deadline = sign_by(challenge)
    return render_template("awarding/runner_up.html", winner=winner, challenge=challenge,
                           candidate=candidate, problem=problem, form=form,
                           sign_by=_local(deadline) if deadline else None,
                           sign_time_over=deadline is not None and utcnow() >= deadline,
                           title=_("递补：%(t)s", t=challenge.title))


def _local(moment) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M")
