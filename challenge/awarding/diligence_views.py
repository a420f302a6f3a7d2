"""After a failed contract: the determination (the bureau records it for an expert group or a
third-party body), the enterprise's R&D spend receipts and their verification, the 榜's
compensation cap and 风险补偿 through the ledger. Thin: load, check, form, one operation."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import permissions as can
from ..extensions import db
from ..integrity.operations import FindingInput
from ..locales import money
from ..models import AuditEvent, Contract, DiligenceFile, LedgerEntry, SpendReceipt
from ..money import wan_input
from ..states import ContractState, DeterminedBy, Diligence, EntryKind, IntegrityGrade, Role
from ..timeutil import local_today
from ..uploads import send_stored
from ..views_common import attempt, get_or_404, role_required
from . import diligence as dil
from . import rules
from .diligence_forms import CapForm, CompensationForm, DeterminationForm, ReceiptForm, VerifyForm
from .views import bp


def _failed_contract_or_404(contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None or not can.can_view_contract(current_user, contract) \
            or contract.state is not ContractState.FAILED:
        abort(404)
    return contract


def _sees_receipts(contract: Contract) -> bool:
    return can.is_admin(current_user) or can.is_issuer(current_user, contract.challenge)


def _page(contract: Contract, status: int = 200, **forms):
    admin = can.is_admin(current_user)
    determination = dil.determination_of(contract)
    diligent = determination is not None and determination.verdict is Diligence.DILIGENT
    issuer = can.is_issuer(current_user, contract.challenge)
    if "determination_form" not in forms and admin and determination is None:
        forms["determination_form"] = DeterminationForm(formdata=None)
    if "receipt_form" not in forms and issuer and diligent:
        forms["receipt_form"] = ReceiptForm(formdata=None)
    if "cap_form" not in forms and admin and diligent:
        forms["cap_form"] = CapForm(formdata=None, cap=wan_input(contract.challenge.compensation_cap_fen))
    if "compensation_form" not in forms and admin and diligent:
        forms["compensation_form"] = CompensationForm(formdata=None, paid_on=local_today().isoformat())
    receipts = dil.receipts_of(contract) if _sees_receipts(contract) else []
    verify_forms = {r.id: forms.get("verify_forms", {}).get(r.id) or VerifyForm(
        formdata=None, prefix=f"r{r.id}", verified=wan_input(r.amount_fen))
        for r in receipts if admin and r.verified_at is None}
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.contract_id == contract.id, LedgerEntry.kind == EntryKind.COMPENSATION)
        .order_by(LedgerEntry.id)).all()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "contract", AuditEvent.object_id == contract.id,
        AuditEvent.action.in_(("fail", "determine", "attach", "add_receipt", "verify_receipt",
                               "compensate", "pay")))
        .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id)).all()
    forms.pop("verify_forms", None)
    return render_template(
        "awarding/diligence.html", contract=contract, challenge=contract.challenge,
        determination=determination, diligent=diligent, receipts=receipts,
        verify_forms=verify_forms, entries=entries, events=events,
        totals=rules.contract_totals(contract), verified=dil.verified_spend(contract),
        limit=dil.compensation_limit(contract) if diligent else 0,
        share_bp=current_app.config["RISK_COMPENSATION_SHARE_BP"], admin=admin,
        title=_("尽职认定与风险补偿"), **forms), status


@bp.route("/contracts/<int:contract_id>/diligence")
@login_required
def diligence(contract_id: int):
    return _page(_failed_contract_or_404(contract_id))


@bp.route("/contracts/<int:contract_id>/determination", methods=["POST"])
@role_required(Role.ADMIN)
def determine(contract_id: int):
    contract = _failed_contract_or_404(contract_id)
    form = DeterminationForm()
    if form.validate_on_submit():
        verdict = Diligence(form.verdict.data)
        finding = None
        if verdict is Diligence.NEGLIGENT:
            finding = FindingInput(grade=IntegrityGrade(form.grade.data), reason=form.reasons.data,
                                   evidence=_("合同 %(n)s 失败经认定失职", n=contract.number),
                                   starts_on=local_today(), expires_on=form.expires_on.date,
                                   published=form.published.data)
        with attempt(form, field=form.reasons) as done:
            made = dil.determine(contract, current_user, verdict, form.reasons.data,
                                 DeterminedBy(form.determined_by.data), form.determiners.data,
                                 finding)
            if form.evidence.data:
                dil.add_evidence(made, current_user, form.evidence.data)
        if done:
            flash(_("已登记尽职认定：%(v)s。", v=verdict.label), "success")
            return redirect(url_for("awarding.diligence", contract_id=contract.id))
        contract = _failed_contract_or_404(contract_id)
    return _page(contract, 400, determination_form=form)


@bp.route("/contracts/<int:contract_id>/receipts", methods=["POST"])
@role_required(Role.ENTERPRISE)
def add_receipt(contract_id: int):
    contract = _failed_contract_or_404(contract_id)
    if not can.is_issuer(current_user, contract.challenge):
        abort(403)
    form = ReceiptForm()
    if form.validate_on_submit():
        with attempt(form, field=form.file) as done:
            dil.add_receipt(contract, current_user, dil.ReceiptInput(
                form.description.data, form.amount.fen, form.spent_on.date), form.file.data)
        if done:
            flash(_("已上传研发投入凭证，等待科技局核定。"), "success")
            return redirect(url_for("awarding.diligence", contract_id=contract.id) + "#receipts")
        contract = _failed_contract_or_404(contract_id)
    return _page(contract, 400, receipt_form=form)


@bp.route("/receipts/<int:receipt_id>/verify", methods=["POST"])
@role_required(Role.ADMIN)
def verify_receipt(receipt_id: int):
    receipt = get_or_404(SpendReceipt, receipt_id)
    form = VerifyForm(prefix=f"r{receipt.id}")
    if form.validate_on_submit():
        with attempt(form, field=form.verified) as done:
            dil.verify_receipt(receipt, current_user, form.verified.fen, form.note.data)
        if done:
            flash(_("已核定 %(a)s。", a=money(receipt.verified_fen)), "success")
            return redirect(url_for("awarding.diligence", contract_id=receipt.contract_id) + "#receipts")
    return _page(_failed_contract_or_404(receipt.contract_id), 400, verify_forms={receipt.id: form})


@bp.route("/receipts/<int:receipt_id>/file")
@login_required
def receipt_file(receipt_id: int):
    receipt = get_or_404(SpendReceipt, receipt_id)
    if not _sees_receipts(receipt.contract):
        abort(404)
    return send_stored(dil.file_path(receipt.stored_name), receipt.content_type, receipt.original_name)


@bp.route("/diligence-files/<int:file_id>")
@login_required
def evidence_file(file_id: int):
    item = get_or_404(DiligenceFile, file_id)
    if item.determination is not None:
        allowed = can.can_view_contract(current_user, item.determination.contract)
    else:
        allowed = can.is_admin(current_user) or can.is_finding_party(current_user, item.record)
    if not allowed:
        abort(404)
    return send_stored(dil.file_path(item.stored_name), item.content_type, item.original_name)


@bp.route("/contracts/<int:contract_id>/compensation-cap", methods=["POST"])
@role_required(Role.ADMIN)
def compensation_cap(contract_id: int):
    contract = _failed_contract_or_404(contract_id)
    form = CapForm()
    if form.validate_on_submit():
        with attempt(form, field=form.cap) as done:
            dil.set_compensation_cap(contract.challenge, current_user, form.cap.fen)
        if done:
            flash(_("已设定本榜风险补偿上限。"), "success")
            return redirect(url_for("awarding.diligence", contract_id=contract.id) + "#compensation")
        contract = _failed_contract_or_404(contract_id)
    return _page(contract, 400, cap_form=form)


@bp.route("/contracts/<int:contract_id>/compensation", methods=["POST"])
@role_required(Role.ADMIN)
def compensate(contract_id: int):
    contract = _failed_contract_or_404(contract_id)
    form = CompensationForm()
    if form.validate_on_submit():
        with attempt(form, field=form.amount) as done:
            entry = dil.pay_compensation(contract, current_user, form.amount.fen, form.paid_on.date,
                                         form.reference.data)
        if done:
            flash(_("已登记风险补偿 %(a)s。", a=money(entry.amount_fen)), "success")
            return redirect(url_for("awarding.diligence", contract_id=contract.id) + "#compensation")
        contract = _failed_contract_or_404(contract_id)
    return _page(contract, 400, compensation_form=form)
