"""Outcome reports: the contract's schedule page (its parties and the bureau) and the report
form (each party its own)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions as can
from ..extensions import db
from ..models import Contract
from ..models.outcome import OUTCOME_PARTIES, OUTCOME_YEARS
from ..timeutil import local_today
from ..views_common import attempt
from . import operations as ops
from .forms import OutcomeForm
from .rules import PARTY_LABELS, schedule

bp = Blueprint("outcomes", __name__)


def _contract_or_404(contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None or not can.can_view_contract(current_user, contract):
        abort(404)  # as the contract page: others do not learn it exists
    return contract


def _rows(contract: Contract) -> list[dict]:
    """Every report owed, filed or not: the stored row where the job or a filing made one."""
    stored = {(r.party, r.year): r for r in ops.reports_of(contract)}
    return [{"slot": slot, "report": stored.get((slot.party, slot.year)),
             "mine": can.can_report_outcome(current_user, slot)} for slot in schedule(contract)]


@bp.route("/contracts/<int:contract_id>/outcomes")
@login_required
def show(contract_id: int):
    contract = _contract_or_404(contract_id)
    return render_template("outcomes/show.html", contract=contract, rows=_rows(contract),
                           parties=PARTY_LABELS, today=local_today(), title=_("成果报告"))


@bp.route("/contracts/<int:contract_id>/outcomes/<any(solver, enterprise):party>/<any('1', '3'):when>",
          methods=["GET", "POST"])
@login_required
def report(contract_id: int, party: str, when: str):
    contract = _contract_or_404(contract_id)
    year = int(when)
    if party not in OUTCOME_PARTIES or year not in OUTCOME_YEARS:
        abort(404)
    slot = next((s for s in schedule(contract) if s.party == party and s.year == year), None)
    if slot is None:
        flash(_("合同验收通过后才需要填报成果报告。"), "warning")
        return redirect(url_for("outcomes.show", contract_id=contract.id))
    if not can.can_report_outcome(current_user, slot):
        abort(403)
    stored = next((r for r in ops.reports_of(contract) if r.party == party and r.year == year), None)
    if stored is not None and stored.submitted_at is not None:
        flash(_("这份成果报告已提交，不能再修改。"), "info")
        return redirect(url_for("outcomes.show", contract_id=contract.id))
    form = OutcomeForm()
    if form.validate_on_submit():
        data = ops.OutcomeInput(
            tech_contract_no=form.tech_contract_no.data or "",
            tech_contract_fen=form.tech_contract_amount.fen, results_no=form.results_no.data or "",
            patents_filed=form.patents_filed.number, patents_granted=form.patents_granted.number,
            products=form.products.data or "", sales_fen=form.sales.fen,
            rd_spend_fen=form.rd_spend.fen, note=form.note.data or "")
        with attempt(form) as done:
            ops.submit_report(ops.report_for(contract, party, year), current_user, data)
        if done:
            flash(_("成果报告已提交。"), "success")
            return redirect(url_for("outcomes.show", contract_id=contract.id))
    return render_template("outcomes/report.html", contract=contract, slot=slot, form=form,
                           party_label=PARTY_LABELS[party], title=_("填报成果报告"))

