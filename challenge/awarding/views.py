"""签约与履约: the bureau drafts, edits and signs the contract per winning bid, keeps the payments
ledger, ends contracts (赛马 elimination, failure) and closes the 榜; the parties follow their
contracts. Milestone reports and acceptance (progress_views.py, loaded by create_app) join this
"awarding" blueprint."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import false, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import permissions as can
from ..extensions import db
from ..inputs import parse_id
from ..locales import money, punctuation
from ..models import AcceptanceItem, Challenge, Contract, ContractMilestone, LedgerEntry, Objection, Proposal
from ..money import BP_PER_PERCENT, format_share, wan_input
from ..security import local_referrer
from ..states import (
    ChallengeState,
    ContractState,
    EntryKind,
    FailureRule,
    MilestoneState,
    ObjectionState,
    Payer,
    Role,
)
from ..timeutil import local_today
from ..views_common import attempt, get_or_404, role_required
from ..workflow import allowed, problems
from . import ledger, rules
from . import operations as ops
from .flows import terms_problems
from .forms import (
    ContractForm,
    ContractMilestoneForm,
    EliminateForm,
    FailForm,
    PaymentForm,
    RecoveredForm,
    ReverseForm,
)

bp = Blueprint("awarding", __name__)

DRAFTABLE = (ChallengeState.PUBLICITY, ChallengeState.CONTRACTED)
FIELD_OF_PROBLEM = {"number": "number", "amount": "amount", "subsidy_rate": "subsidy_rate",
                    "subsidy_cap": "subsidy_cap", "milestones": "milestones"}


# -- helpers shared with templates and dashboards --------------------------------------------

@bp.app_template_global()
def milestone_overdue(milestone) -> bool:
    return rules.is_overdue(milestone)


def overdue_query(user=None):
    """Overdue milestones (as rules.is_overdue) of the contracts *user* follows; all for None or
    an admin."""
    query = (select(ContractMilestone).join(Contract, Contract.id == ContractMilestone.contract_id)
             .join(Challenge, Challenge.id == Contract.challenge_id)
             .where(*rules.overdue_conditions(local_today())))
    if user is not None and user.role is Role.SOLVER:
        query = query.where(Contract.solver_org_id == user.organization_id)
    elif user is not None and user.role is Role.ENTERPRISE:
        query = query.where(Challenge.issuer_org_id == user.organization_id)
    elif user is not None and user.role is not Role.ADMIN:
        query = query.where(false())
    return query


def overdue_count(user=None) -> int:
    return db.session.scalar(select(func.count()).select_from(overdue_query(user).subquery())) or 0


def overdue_list(user=None, limit: int = 10) -> list[ContractMilestone]:
    """The first *limit* overdue milestones by due date, for a dashboard."""
    rows = db.session.scalars(overdue_query(user).options(
        selectinload(ContractMilestone.contract).selectinload(Contract.challenge),
        selectinload(ContractMilestone.contract).selectinload(Contract.solver_org))
        .order_by(ContractMilestone.due_on, ContractMilestone.id).limit(limit)).all()
    return list(rows)


PROGRESS_VIEWS = f"{__package__}.progress_views"  # the milestone and acceptance pages


@bp.errorhandler(StaleDataError)
@bp.errorhandler(IntegrityError)
def _conflict(exc):
    """Someone else changed the contract (or took its number) between reading and saving.
    The milestone and acceptance pages (progress_views.py) answer a StaleDataError their own way
    and leave an IntegrityError to the application, as when they were a blueprint of their own."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "__module__", None) == PROGRESS_VIEWS:
        if isinstance(exc, StaleDataError):
            return _progress_changed_meanwhile()
        raise exc
    db.session.rollback()
    flash(_("数据已被他人修改，您的操作未保存。请查看最新内容后重试。"), "warning")
    target = local_referrer(url_for("awarding.mine"))
    return redirect(target)


def _progress_changed_meanwhile():
    """Two people acted on the same milestone or acceptance at once: the second is told, not
    shown a 500, and sent back to the page of what changed."""
    db.session.rollback()
    flash(_("该记录刚被其他人处理过，请查看最新状态后再操作。"), "warning")
    args = request.view_args or {}
    if "milestone_id" in args:
        return redirect(url_for("awarding.milestone", milestone_id=args["milestone_id"]))
    contract_id = args.get("contract_id")
    if "item_id" in args:
        item = db.session.get(AcceptanceItem, args["item_id"])
        contract_id = item.acceptance.contract_id if item else None
    if contract_id is not None:
        return redirect(url_for("awarding.acceptance", contract_id=contract_id))
    return redirect(url_for("hall.index"))


def _sign_problems(contract: Contract) -> list[str]:
    """Why the draft cannot be signed now, in the door's words ([] when it can)."""
    if contract.state is not ContractState.DRAFT:
        return []
    return problems(contract, "sign", current_user)


def _eliminate_problem(contract: Contract) -> str | None:
    if contract.state is not ContractState.ACTIVE:
        return _("合同当前为「%(s)s」，不能淘汰。", s=contract.state.label)
    return next(iter(problems(contract, "eliminate", current_user)), None)


def _next_step(challenge: Challenge) -> str | None:
    """What the 榜 still waits for, in the guards' words."""
    if challenge.state is ChallengeState.PUBLICITY:
        return next(iter(problems(challenge, "contract", current_user)), None)
    if challenge.state is ChallengeState.CONTRACTED:
        return rules.accept_problem(challenge)
    if challenge.state is ChallengeState.ACCEPTED:
        return rules.award_problem(challenge)
    return None


def _payer_rows(totals: ledger.Totals) -> list[dict]:
    failed = totals.state is ContractState.FAILED
    rows = []
    for payer in Payer:
        t = totals.payer(payer)
        rows.append({"label": payer.label, "payer": payer.value, "committed": t.committed,
                     "paid": t.paid, "due": 0 if failed else t.due, "remaining": t.remaining})
    rows.append({"label": _("合计"), "payer": "total", "committed": totals.committed,
                 "paid": totals.paid, "due": totals.due, "remaining": totals.remaining})
    return rows


def _progress(contract: Contract) -> dict:
    """Milestones done (reviewed) and the share they carry, for progress bars."""
    milestones = list(contract.milestones)
    approved = [m for m in milestones if m.state is MilestoneState.APPROVED]
    earned = [m for m in milestones if m.state in ledger.EARNED]
    earned_bp, approved_bp = sum(m.share_bp for m in earned), sum(m.share_bp for m in approved)
    return {"total": len(milestones), "approved": len(approved), "earned_bp": earned_bp,
            "earned_percent": earned_bp / BP_PER_PERCENT,
            "approved_percent": approved_bp / BP_PER_PERCENT,
            "confirmed_percent": (earned_bp - approved_bp) / BP_PER_PERCENT,  # earned, not reviewed
            "overdue": sum(rules.is_overdue(m) for m in milestones),
            "next": next((m for m in sorted(milestones, key=lambda m: (m.due_on, m.position))
                          if m.state in rules.OPEN_MILESTONES), None)}


# -- the 榜's contracts (the bureau) -----------------------------------------------------------

@bp.route("/admin/challenges/<int:challenge_id>/contracts")
@role_required(Role.ADMIN)
def board(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    contracts = db.session.scalars(
        select(Contract).where(Contract.challenge_id == challenge.id)
        .options(selectinload(Contract.milestones), selectinload(Contract.solver_org),
                 selectinload(Contract.proposal), selectinload(Contract.acceptance))
        .order_by(Contract.id)).all()
    by_proposal = {c.proposal_id: c for c in contracts}
    winners = rules.winners_of(challenge)
    waiting = [p for p in winners if p.id not in by_proposal]
    teams = [{"contract": c, "totals": rules.contract_totals(c), "progress": _progress(c),
              "sign_problems": _sign_problems(c), "eliminate_problem": _eliminate_problem(c)}
             for c in contracts]
    open_objections = db.session.scalar(select(func.count(Objection.id)).where(
        Objection.challenge_id == challenge.id, Objection.state == ObjectionState.OPEN)) or 0
    draft_block = None if challenge.state in DRAFTABLE else _(
        "本榜当前为「%(s)s」，不能起草合同。", s=challenge.state.label)
    used = rules.contracted_total(challenge)
    return render_template(
        "awarding/board.html", challenge=challenge, teams=teams, waiting=waiting,
        next_step=_next_step(challenge), draft_block=draft_block, open_objections=open_objections,
        used=used, may_finish=allowed(challenge, "finish", current_user),
        title=_("签约与履约：%(t)s", t=challenge.title))


@bp.route("/admin/proposals/<int:proposal_id>/contract", methods=["POST"])
@role_required(Role.ADMIN)
def draft(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    values = ops.contract_defaults(proposal)
    earliest = min((m["due_on"] for m in values["milestones"]), default=None)
    moved_start = earliest is not None and earliest < values["start_on"]
    if moved_start:  # a bid's first milestone may have come due during review and 公示
        values["start_on"] = earliest
    with attempt() as done:
        contract = ops.draft_contract(proposal, current_user, values)
    if not done:
        return redirect(url_for("awarding.board", challenge_id=proposal.challenge_id))
    flash(_("已按入选方案起草合同 %(n)s，请核对金额、日期和里程碑后签订。", n=contract.number),
          "success")
    if moved_start:
        flash(_("方案中的首个里程碑早于今天，开始日期暂定为 %(d)s，请核对。",
                d=earliest.isoformat()), "warning")
    return redirect(url_for("awarding.edit", contract_id=contract.id))


def _contract_form_data(contract: Contract) -> dict:
    return {
        "number": contract.number, "amount": wan_input(contract.amount_fen),
        "start": contract.start_on.isoformat(),
        "subsidy_rate": format_share(contract.subsidy_rate_bp) if contract.subsidy_rate_bp else "",
        "subsidy_cap": wan_input(contract.subsidy_cap_fen) if contract.subsidy_cap_fen else "",
        "milestones": [{"title": m.title, "due": m.due_on.isoformat(), "deliverable": m.deliverable,
                        "share": format_share(m.share_bp)} for m in contract.milestones] or [{}],
    }


def _value_errors(form: ContractForm, problems: dict) -> None:
    """Put the operation's problems next to their fields, unless the field's input itself
    could not be read (its own message says more)."""
    readable = {
        "number": not form.number.errors and bool((form.number.data or "").strip()),
        "amount": not form.amount.errors and form.amount.fen is not None,
        "subsidy_rate": not form.subsidy_rate.errors,
        "subsidy_cap": not form.subsidy_rate.errors and not form.subsidy_cap.errors,
        "milestones": form.rows_parsed(),
    }
    for key, message in problems.items():
        if not readable.get(key, True):
            continue
        target = getattr(form, FIELD_OF_PROBLEM.get(key, ""), None)
        if target is None:
            flash(message, "danger")
        else:
            target.errors.append(message)


def _invalid(form) -> bool:
    """Any message on any field, including the milestone rows' (form.errors is cached)."""
    for f in form:
        if f.type == "FieldList":
            if any(isinstance(e, str) for e in f.errors) or any(
                    sub.errors for entry in f for sub in entry.form):
                return True
        elif f.errors:
            return True
    return False


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(contract_id: int):
    contract = get_or_404(Contract, contract_id)
    if contract.state is not ContractState.DRAFT:
        flash(_("合同已签订或已结束，不能再修改。"), "warning")
        return redirect(url_for("awarding.show", contract_id=contract.id))
    challenge = contract.challenge
    form = ContractForm()
    if request.method == "GET":
        form.process(data=_contract_form_data(contract))
    elif form.is_submitted():
        ok = form.validate()
        values = form.values()
        _value_errors(form, ops.value_problems(challenge, values, contract))
        if ok and not _invalid(form):
            with attempt(form) as done:  # a refusal next to its field (number, amount, ...)
                ops.update_contract(contract, current_user, values)
            if done:
                flash(_("合同已保存。"), "success")
                return redirect(url_for("awarding.show", contract_id=contract.id))
    used = rules.contracted_total(challenge, leaving_out=contract)
    return render_template("awarding/edit.html", contract=contract, challenge=challenge, form=form,
                           invalid=request.method == "POST" and _invalid(form),
                           blank=ContractMilestoneForm(prefix="milestones-__index__-"),
                           used=used, available=max(challenge.bounty_fen - used, 0),
                           title=_("编辑合同：%(n)s", n=contract.number))


@bp.route("/contracts/<int:contract_id>/sign", methods=["POST"])
@role_required(Role.ADMIN)
def sign(contract_id: int):
    contract = get_or_404(Contract, contract_id)
    challenge = contract.challenge
    with attempt() as done:
        ops.sign_contract(contract, current_user)
    if not done:
        return redirect(url_for("awarding.show", contract_id=contract.id))
    if challenge.state is ChallengeState.CONTRACTED:
        flash(_("合同 %(n)s 已签订；本榜全部入选方案均已签约，进入攻关。", n=contract.number), "success")
    else:
        flash(_("合同 %(n)s 已签订。", n=contract.number), "success")
    return redirect(url_for("awarding.show", contract_id=contract.id))


@bp.route("/admin/challenges/<int:challenge_id>/finish", methods=["POST"])
@role_required(Role.ADMIN)
def finish(challenge_id: int):
    challenge = get_or_404(Challenge, challenge_id)
    with attempt() as done:
        ops.finish(challenge, current_user)
    if done:
        flash(_("已结榜。"), "success")
    return redirect(url_for("awarding.board", challenge_id=challenge.id))


# -- one contract ---------------------------------------------------------------------------

def _visible_contract_or_404(contract_id: int) -> Contract:
    contract = db.session.scalar(select(Contract).where(Contract.id == contract_id).options(
        selectinload(Contract.milestones).selectinload(ContractMilestone.files),
        selectinload(Contract.challenge), selectinload(Contract.solver_org),
        selectinload(Contract.proposal), selectinload(Contract.acceptance)))
    if contract is None or not can.can_view_contract(current_user, contract):
        abort(404)  # other solvers and enterprises do not learn the contract exists
    return contract


def _milestone_choices(contract: Contract) -> list[tuple[str, str]]:
    return [("", _("— 不指定里程碑 —"))] + [
        (str(m.id), f"{n}. {m.title}{punctuation('（')}{format_share(m.share_bp)}%"
                    f"{punctuation('，')}{m.state.label}{punctuation('）')}")
        for n, m in enumerate(contract.milestones, start=1)]


def _payment_form(contract: Contract, formdata=True) -> PaymentForm:
    form = PaymentForm(prefix="pay") if formdata else PaymentForm(prefix="pay", formdata=None)
    form.milestone.choices = _milestone_choices(contract)
    if not form.is_submitted() or not formdata:
        form.payer.data = Payer.ENTERPRISE.value
        form.paid_on.data = local_today().isoformat()
        form.payee.data = contract.solver_org.name
        earned = [m for m in contract.milestones if m.state in ledger.EARNED]
        if earned and ledger.PAY_RULES[contract.funding_mode].by_milestone:
            form.milestone.data = str(earned[0].id)
    return form


def _recovered_form(formdata=True) -> RecoveredForm:
    form = RecoveredForm(prefix="rec") if formdata else RecoveredForm(prefix="rec", formdata=None)
    if not formdata:
        form.paid_on.data = local_today().isoformat()
    return form


def _show(contract: Contract, payment_form=None, recovered_form=None, status: int = 200):
    totals = rules.contract_totals(contract)
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.contract_id == contract.id)
                                 .options(selectinload(LedgerEntry.recorded_by),
                                          selectinload(LedgerEntry.milestone))
                                 .order_by(LedgerEntry.id)).all()
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    admin = can.is_admin(current_user)
    allocation = rules.terms_of(contract).allocation(Payer.ENTERPRISE) if contract.milestones else {}
    paid_by_milestone = {}
    for e in entries:
        if (e.kind in (EntryKind.PAYMENT, EntryKind.REVERSAL) and e.milestone_id is not None
                and e.payer is Payer.ENTERPRISE):  # beside the enterprise's share of each milestone
            paid_by_milestone[e.milestone_id] = paid_by_milestone.get(e.milestone_id, 0) + e.amount_fen
    return render_template(
        "awarding/show.html", contract=contract, challenge=contract.challenge, totals=totals,
        payer_rows=_payer_rows(totals), entries=entries, reversed_ids=reversed_ids,
        progress=_progress(contract), allocation=allocation, paid_by_milestone=paid_by_milestone,
        pay_rule=ledger.PAY_RULES[contract.funding_mode],
        terms_problems=terms_problems(contract) if contract.state is ContractState.DRAFT else [],
        sign_problems=_sign_problems(contract) if admin else [],
        eliminate_problem=_eliminate_problem(contract) if admin else None,
        payment_form=payment_form or (_payment_form(contract, formdata=False) if admin else None),
        recovered_form=recovered_form or (_recovered_form(formdata=False) if admin else None),
        title=_("合同 %(n)s", n=contract.number)), status


@bp.route("/contracts/<int:contract_id>")
@login_required
def show(contract_id: int):
    return _show(_visible_contract_or_404(contract_id))


@bp.route("/contracts/<int:contract_id>/payments", methods=["POST"])
@role_required(Role.ADMIN)
def pay(contract_id: int):
    contract = _visible_contract_or_404(contract_id)
    form = _payment_form(contract)
    if form.validate_on_submit():
        milestone_id = parse_id(form.milestone.data)
        if milestone_id is not None and milestone_id not in {m.id for m in contract.milestones}:
            form.milestone.errors.append(_("所选里程碑不属于本合同。"))
        else:
            payment = ops.PaymentInput(
                payer=Payer(form.payer.data), amount_fen=form.amount.fen, paid_on=form.paid_on.date,
                milestone_id=milestone_id, reference=form.reference.data or "",
                payee=(form.payee.data or "").strip(), note=form.note.data or "")
            with attempt(form, field=form.amount) as done:
                entry = ops.record_payment(contract, current_user, payment)
            if done:
                flash(_("已登记付款 %(a)s（%(p)s）。", a=money(entry.amount_fen),
                        p=entry.payer.label), "success")
                return redirect(url_for("awarding.show", contract_id=contract.id) + "#ledger")
            contract = _visible_contract_or_404(contract_id)
    return _show(contract, payment_form=form)


@bp.route("/ledger/<int:entry_id>/reverse", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def reverse(entry_id: int):
    entry = get_or_404(LedgerEntry, entry_id)
    contract = entry.contract
    problem = ledger.reversal_problem(rules.lines_of(contract), entry.id)
    if problem:
        flash(problem, "warning")
        return redirect(url_for("awarding.show", contract_id=contract.id) + "#ledger")
    form = ReverseForm()
    if form.validate_on_submit():
        with attempt(form, field=form.reason) as done:
            ops.reverse_payment(entry, current_user, form.reason.data)
        if done:
            flash(_("已冲正付款 %(a)s，账目已追加一条负数记录。", a=money(entry.amount_fen)),
                  "success")
            return redirect(url_for("awarding.show", contract_id=contract.id) + "#ledger")
    return render_template("awarding/reverse.html", entry=entry, contract=contract, form=form,
                           title=_("冲正付款"))


@bp.route("/contracts/<int:contract_id>/recovered", methods=["POST"])
@role_required(Role.ADMIN)
def recovered(contract_id: int):
    contract = _visible_contract_or_404(contract_id)
    form = _recovered_form()
    if form.validate_on_submit():
        with attempt(field=form.amount) as done:
            entry = ops.record_recovered(contract, current_user, form.amount.fen, form.paid_on.date,
                                         form.reference.data or "")
        if done:
            flash(_("已登记追回款到账 %(a)s。", a=money(entry.amount_fen)), "success")
            return redirect(url_for("awarding.show", contract_id=contract.id) + "#ledger")
        contract = _visible_contract_or_404(contract_id)
    return _show(contract, recovered_form=form)


# -- ending a contract -----------------------------------------------------------------------

@bp.route("/contracts/<int:contract_id>/eliminate", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def eliminate(contract_id: int):
    contract = _visible_contract_or_404(contract_id)
    problem = _eliminate_problem(contract)
    form = EliminateForm()
    if problem is None and form.validate_on_submit():
        with attempt(field=form.reason) as done:
            ops.eliminate(contract, current_user, form.reason.data)
        if done:
            flash(_("已淘汰 %(org)s：未完成的里程碑已取消，未评审通过的份额已释放。",
                    org=contract.solver_org.name), "success")
            return redirect(url_for("awarding.board", challenge_id=contract.challenge_id))
        contract = _visible_contract_or_404(contract_id)
    # Elimination cancels every open milestone, confirmed ones included: only reviewed
    # (approved) shares stay payable.
    terms = rules.terms_of(contract)
    kept = {m.id for m in contract.milestones if m.state is MilestoneState.APPROVED}
    release = {p.value: terms.committed(p) - sum(v for k, v in terms.allocation(p).items() if k in kept)
               for p in Payer}
    return render_template("awarding/eliminate.html", contract=contract, form=form, problem=problem,
                           release=release, totals=rules.contract_totals(contract),
                           open_milestones=[m for m in contract.milestones
                                            if m.state in rules.OPEN_MILESTONES],
                           title=_("赛马淘汰"))


@bp.route("/contracts/<int:contract_id>/fail", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def fail(contract_id: int):
    contract = _visible_contract_or_404(contract_id)
    problem = None if contract.state in rules.LIVE else _(
        "合同当前为「%(s)s」，不能判定失败。", s=contract.state.label)
    form = FailForm()
    if contract.signed_at is None:  # nothing was paid under an unsigned contract
        form.rule.choices = [c for c in form.rule.choices if c.value != FailureRule.RECOVER.value]
    if problem is None and form.validate_on_submit():
        rule = FailureRule(form.rule.data)
        with attempt(form, field=form.reason) as done:  # the recovery's refusal next to it
            ops.fail_contract(contract, current_user, form.reason.data, rule,
                              (form.recovery.fen or 0) if rule is FailureRule.RECOVER else 0)
        if done:
            message = _("合同 %(n)s 已判定失败（%(r)s）。", n=contract.number, r=rule.label)
            if contract.challenge.state is ChallengeState.FAILED:
                message += _("本榜已没有执行中的合同，榜单状态为「攻关失败」。")
            flash(message, "success")
            return redirect(url_for("awarding.show", contract_id=contract.id))
        contract = _visible_contract_or_404(contract_id)
    unearned = ledger.unearned_advance(rules.terms_of(contract), rules.lines_of(contract))
    return render_template("awarding/fail.html", contract=contract, form=form, problem=problem,
                           totals=rules.contract_totals(contract), unearned=unearned,
                           title=_("判定合同失败"))


# -- my contracts ---------------------------------------------------------------------------

@bp.route("/my/contracts")
@role_required(Role.SOLVER, Role.ENTERPRISE, Role.ADMIN)
def mine():
    query = (select(Contract).join(Challenge, Challenge.id == Contract.challenge_id)
             .options(selectinload(Contract.milestones), selectinload(Contract.challenge),
                      selectinload(Contract.solver_org)))
    if current_user.role is Role.SOLVER:
        query = query.where(Contract.solver_org_id == current_user.organization_id)
    elif current_user.role is Role.ENTERPRISE:
        query = query.where(Challenge.issuer_org_id == current_user.organization_id)
    state = request.args.get("state", "")
    if state in {s.value for s in ContractState}:
        query = query.where(Contract.state == ContractState(state))
    else:
        state = ""
    overdue = request.args.get("overdue") == "1"
    if overdue:
        query = query.where(Contract.id.in_(overdue_query().with_only_columns(
            ContractMilestone.contract_id)))
    challenge_id = parse_id(request.args.get("challenge"))
    if challenge_id:
        query = query.where(Contract.challenge_id == challenge_id)
    page = db.paginate(query.order_by(Contract.id.desc()),
                       per_page=current_app.config["PER_PAGE"], error_out=False)
    rows = [{"contract": c, "totals": rules.contract_totals(c), "progress": _progress(c)}
            for c in page.items]
    return render_template("awarding/mine.html", page=page, rows=rows, state=state, overdue=overdue,
                           challenge_id=challenge_id, overdue_count=overdue_count(current_user),
                           ContractState=ContractState, title=_("合同履约"))


__all__ = ["bp", "overdue_query", "overdue_count", "overdue_list"]
