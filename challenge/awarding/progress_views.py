"""奖榜 progress: milestone reports (solver), confirmation (enterprise) and review (bureau);
the award files; and 验收 against the 榜's indicators — filled in by the solver, signed off
indicator by indicator by the enterprise, passed or failed by the bureau."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import Refused
from ..extensions import db
from ..models import Acceptance, AcceptanceItem, AuditEvent, AwardFile, Contract, ContractMilestone, User
from ..money import share_of
from ..permissions import (
    can_read_acceptance,
    can_view_body,
    can_view_contract,
    is_admin,
    is_contract_solver,
    is_issuer,
)
from ..posting.forms import ReasonForm
from ..posting.operations import log_body_view
from ..states import AcceptanceState, ContractState, MilestoneState
from ..uploads import send_stored
from ..views_common import apply_transition, attempt, get_or_404, require
from ..workflow import actor_may, allowed, perform, workflow_for
from . import operations as ops
from .flows import acceptance_gaps
from .progress_forms import AcceptanceForm, FileUploadForm, MilestoneReportForm, ReviewNoteForm, SignOffForm
from .rules import is_overdue
from .views import bp

MILESTONE_ACTIONS = ("report", "confirm", "send_back", "approve", "rework")
FILES_OPEN = (MilestoneState.PENDING, MilestoneState.RETURNED)


# -- shared helpers ------------------------------------------------------------------------

def _events(object_type: str, object_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id)))


def _may(obj, action: str) -> bool:
    """The right party for this step, whatever the state (the door checks the state)."""
    workflow = workflow_for(obj)
    return actor_may(workflow, workflow.find(action), obj, current_user)


def _uploader_orgs(files) -> dict[int, int | None]:
    ids = {f.uploaded_by_id for f in files}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.organization_id).where(User.id.in_(ids))).all())


def _deletable(files, is_open: bool) -> set[int]:
    """Files the signed-in user may delete: their organization uploaded them, still editable."""
    if not is_open:
        return set()
    orgs = _uploader_orgs(files)
    return {f.id for f in files if orgs.get(f.uploaded_by_id) == current_user.organization_id}


def _chosen(upload) -> bool:
    return bool(upload is not None and getattr(upload, "filename", ""))


# -- a milestone ---------------------------------------------------------------------------

def _milestone_or_404(milestone_id: int) -> ContractMilestone:
    milestone = get_or_404(ContractMilestone, milestone_id)
    if not can_view_contract(current_user, milestone.contract):
        abort(404)
    return milestone


def _milestone_files_problem(milestone: ContractMilestone) -> str | None:
    if milestone.contract.state is not ContractState.ACTIVE:
        return _("合同当前为「%(s)s」，不能再上传或删除附件。", s=milestone.contract.state.label)
    if milestone.state not in FILES_OPEN:
        return _("里程碑当前为「%(s)s」，报告已提交，附件不能再修改。", s=milestone.state.label)
    return None


def _milestone_page(milestone: ContractMilestone, status: int = 200, **forms):
    contract = milestone.contract
    active = contract.state is ContractState.ACTIVE
    can = {action: active and allowed(milestone, action, current_user) for action in MILESTONE_ACTIONS}
    files_open = _milestone_files_problem(milestone) is None
    can_upload = files_open and is_contract_solver(current_user, contract)
    events = _events("milestone", milestone.id)
    returned = None
    if milestone.state is MilestoneState.RETURNED:
        returned = next((e for e in reversed(events) if e.action in ("send_back", "rework")), None)
    blank = {"formdata": None}
    forms.setdefault("report_form", MilestoneReportForm(data={"report": milestone.report}, **blank))
    forms.setdefault("upload_form", FileUploadForm(**blank))
    forms.setdefault("send_back_form", ReasonForm(prefix="back", **blank))
    forms.setdefault("approve_form", ReviewNoteForm(prefix="approve", **blank))
    forms.setdefault("rework_form", ReasonForm(prefix="rework", **blank))
    return render_template(
        "awarding/progress_milestone.html", milestone=milestone, contract=contract,
        challenge=contract.challenge, can=can, can_upload=can_upload,
        deletable=_deletable(milestone.files, files_open), events=events, returned=returned,
        overdue=is_overdue(milestone), contract_url=_contract_url(contract),
        amount_fen=share_of(contract.amount_fen, milestone.share_bp),
        title=_("里程碑：%(t)s", t=milestone.title), **forms), status


def _to_milestone(milestone: ContractMilestone, anchor: str = ""):
    return redirect(url_for("awarding.milestone", milestone_id=milestone.id) + anchor)


@bp.route("/milestones/<int:milestone_id>")
@login_required
def milestone(milestone_id: int):
    found = get_or_404(ContractMilestone, milestone_id)
    if not can_read_acceptance(current_user, found.contract):  # a body appointed to test it, too
        abort(404)
    return _milestone_page(found)


def _contract_url(contract: Contract) -> str | None:
    """The contract page, for those who see it (an appointed body reads the 验收 and milestone
    files only)."""
    return (url_for("awarding.show", contract_id=contract.id)
            if can_view_contract(current_user, contract) else None)


def _add_files(owner, uploads, field) -> bool:
    """Keep each chosen file, or put the refusal next to *field*; False when one was refused."""
    for upload in uploads or []:
        if not _chosen(upload):
            continue
        try:
            ops.add_file(owner, current_user, upload)
        except Refused as exc:
            field.errors = [*field.errors, f"{upload.filename}：{exc.message}"]
            return False
    return True


@bp.route("/milestones/<int:milestone_id>/report", methods=["POST"])
@login_required
def report(milestone_id: int):
    milestone = _milestone_or_404(milestone_id)
    require(_may(milestone, "report"))
    form = MilestoneReportForm()
    if form.validate_on_submit():
        if not _add_files(milestone, form.files.data, form.files):
            db.session.rollback()
        elif apply_transition(milestone, "report", _("里程碑报告已提交，等待企业确认。"),
                              field=form.report, report=form.report.data):
            return _to_milestone(milestone)
    return _milestone_page(milestone, report_form=form)


@bp.route("/milestones/<int:milestone_id>/files", methods=["POST"])
@login_required
def upload(milestone_id: int):
    milestone = _milestone_or_404(milestone_id)
    require(is_contract_solver(current_user, milestone.contract))
    problem = _milestone_files_problem(milestone)
    if problem:
        flash(problem, "danger")
        return _to_milestone(milestone)
    form = FileUploadForm()
    if form.validate_on_submit():
        if _add_files(milestone, [form.file.data], form.file):
            db.session.commit()
            flash(_("附件已上传。"), "success")
            return _to_milestone(milestone, "#files")
        db.session.rollback()
    return _milestone_page(milestone, upload_form=form)


@bp.route("/milestones/<int:milestone_id>/confirm", methods=["POST"])
@login_required
def confirm(milestone_id: int):
    milestone = _milestone_or_404(milestone_id)
    require(_may(milestone, "confirm"))
    apply_transition(milestone, "confirm", _("已确认该里程碑，等待科技局评审。"))
    return _to_milestone(milestone)


def _milestone_reason_step(milestone_id: int, action: str, form_name: str, prefix: str, success: str):
    """A milestone step that needs a written reason (send back, rework): the reason next to its
    box when missing or refused, the milestone page again on success."""
    milestone = _milestone_or_404(milestone_id)
    require(_may(milestone, action))
    form = ReasonForm(prefix=prefix)
    if form.validate_on_submit() and apply_transition(milestone, action, success,
                                                      reason=form.reason.data, field=form.reason):
        return _to_milestone(milestone)
    return _milestone_page(milestone, **{form_name: form})


@bp.route("/milestones/<int:milestone_id>/send-back", methods=["POST"])
@login_required
def send_back(milestone_id: int):
    return _milestone_reason_step(milestone_id, "send_back", "send_back_form", "back",
                                  _("已退回里程碑报告，揭榜方将修改后重新提交。"))


@bp.route("/milestones/<int:milestone_id>/approve", methods=["POST"])
@login_required
def approve(milestone_id: int):
    milestone = _milestone_or_404(milestone_id)
    require(_may(milestone, "approve"))
    form = ReviewNoteForm(prefix="approve")
    if form.validate_on_submit() and apply_transition(
            milestone, "approve", _("已记录评审结果：评审通过。"), reason=form.note.data or "",
            field=form.note):
        return _to_milestone(milestone)
    return _milestone_page(milestone, approve_form=form)


@bp.route("/milestones/<int:milestone_id>/rework", methods=["POST"])
@login_required
def rework(milestone_id: int):
    return _milestone_reason_step(milestone_id, "rework", "rework_form", "rework",
                                  _("已记录评审结果：评审不通过，退回揭榜方补充完善。"))


# -- award files ---------------------------------------------------------------------------

def _file_or_404(file_id: int) -> tuple[AwardFile, Contract]:
    item = get_or_404(AwardFile, file_id)
    contract = db.session.get(Contract, item.contract_id)
    if contract is None or not can_read_acceptance(current_user, contract):
        abort(404)
    return item, contract


@bp.route("/award-files/<int:file_id>")
@login_required
def file(file_id: int):
    item, _contract = _file_or_404(file_id)
    return send_stored(ops.file_path(item), item.content_type, item.original_name)


@bp.route("/award-files/<int:file_id>/delete", methods=["POST"])
@login_required
def delete_file(file_id: int):
    item, contract = _file_or_404(file_id)
    require(_uploader_orgs([item]).get(item.uploaded_by_id) == current_user.organization_id)
    if item.milestone is not None:
        owner, back = item.milestone, url_for("awarding.milestone", milestone_id=item.milestone_id)
        problem = _milestone_files_problem(owner)
    else:
        back = url_for("awarding.acceptance", contract_id=contract.id)
        problem = _acceptance_edit_problem(contract, item.item.acceptance)
    if problem:
        flash(problem, "danger")
        return redirect(back)
    name = item.original_name
    ops.remove_file(item, current_user)
    db.session.commit()
    flash(_("附件「%(n)s」已删除。", n=name), "success")
    return redirect(back)


# -- acceptance (验收) ---------------------------------------------------------------------

def _contract_or_404(contract_id: int) -> Contract:
    contract = get_or_404(Contract, contract_id)
    if not can_view_contract(current_user, contract):
        abort(404)
    return contract


def _acceptance_edit_problem(contract: Contract, acceptance: Acceptance | None) -> str | None:
    if contract.state is not ContractState.ACTIVE:
        return _("合同当前为「%(s)s」，不能填写验收材料。", s=contract.state.label)
    if acceptance is not None and acceptance.state is not AcceptanceState.DRAFT:
        return _("验收当前为「%(s)s」，材料不能再修改。", s=acceptance.state.label)
    return None


def _to_acceptance(contract: Contract, anchor: str = ""):
    return redirect(url_for("awarding.acceptance", contract_id=contract.id) + anchor)


def _unfinished_milestones(contract: Contract) -> list[ContractMilestone]:
    return [m for m in contract.milestones
            if m.state not in (MilestoneState.APPROVED, MilestoneState.CANCELLED)]


def _acceptance_page(contract: Contract, acceptance: Acceptance | None, status: int = 200,
                     form: AcceptanceForm | None = None, sign_form: SignOffForm | None = None,
                     problems: list[str] | None = None, sign_error: str | None = None, **forms):
    challenge = contract.challenge
    if challenge.is_confidential:  # the acceptance is judged on the body's indicators
        if not can_view_body(current_user, challenge):
            return render_template("errors/error.html", code=403, title=_("需要查阅保密内容的授权"),
                                   message=_("验收按本榜的保密指标进行，只有获授权并签署保密承诺的人员可以查看。"
                                             "请由本单位的揭榜负责人办理。")), 403
        if request.method == "GET":  # a re-rendered POST shows what that GET logged; its
            log_body_view(challenge, current_user, request.remote_addr or "")  # session may
            db.session.commit()  # hold refused input that must not be committed
    blank = {"formdata": None}
    for name, prefix in (("send_back_form", "back"), ("reject_form", "reject"),
                         ("reopen_form", "reopen")):
        forms.setdefault(name, ReasonForm(prefix=prefix, **blank))
    context = {"contract": contract, "challenge": contract.challenge, "acceptance": acceptance,
               "contract_url": _contract_url(contract), "problems": problems or [],
               "unfinished": _unfinished_milestones(contract), "sign_error": sign_error,
               "title": _("验收：%(t)s", t=contract.challenge.title), **forms}
    if acceptance is None:
        return render_template("awarding/progress_acceptance.html", **context), status
    items = acceptance.items
    active = contract.state is ContractState.ACTIVE
    editable = (active and acceptance.state is AcceptanceState.DRAFT
                and is_contract_solver(current_user, contract))
    if form is None:
        form = AcceptanceForm(data={"summary": acceptance.summary, "items": [
            {"item_id": i.id, "measured": i.measured_value} for i in items]}, **blank)
    if sign_form is None:
        sign_form = SignOffForm(data={"opinion": acceptance.enterprise_opinion, "items": [
            {"item_id": i.id, "met": None if i.met is None else ("1" if i.met else "0")}
            for i in items]}, **blank)
    files = [f for i in items for f in i.files]
    events = _events("acceptance", acceptance.id)
    last_return = None
    if acceptance.state is AcceptanceState.DRAFT:
        last_return = next((e for e in reversed(events) if e.action == "send_back"), None)
    gaps = acceptance_gaps(acceptance) if acceptance.state is AcceptanceState.DRAFT else []
    context.update(
        form=form, rows=form.rows(), sign_form=sign_form, sign_rows=_sign_rows(sign_form),
        editable=editable, gaps=gaps, events=events, last_return=last_return,
        deletable=_deletable(files, editable), all_files=files,
        can={action: active and allowed(acceptance, action, current_user)
             for action in ("submit", "sign_off", "send_back", "pass", "reject", "reopen")},
        unmet=[i for i in items if i.met is not True],
        decision=next((e for e in reversed(events) if e.action in ("pass", "reject")), None))
    return render_template("awarding/progress_acceptance.html", **context), status


def _sign_rows(form: SignOffForm) -> dict[int, object]:
    rows = {}
    for row in form.items:
        try:
            rows[int(row.item_id.data)] = row
        except (TypeError, ValueError):
            continue
    return rows


@bp.route("/contracts/<int:contract_id>/acceptance")
@login_required
def acceptance(contract_id: int):
    contract = get_or_404(Contract, contract_id)
    if not can_read_acceptance(current_user, contract):  # a body appointed to test it, too
        abort(404)
    found = contract.acceptance
    if (found is None and contract.state is ContractState.ACTIVE
            and (is_contract_solver(current_user, contract) or is_admin(current_user))):
        found = ops.acceptance_for(contract)
        db.session.commit()
    return _acceptance_page(contract, found)


def _solver_acceptance(contract_id: int):
    """(contract, acceptance, None) for the solver who may edit now, else (…, a redirect)."""
    contract = _contract_or_404(contract_id)
    require(is_contract_solver(current_user, contract))
    problem = _acceptance_edit_problem(contract, contract.acceptance)
    if problem:
        flash(problem, "danger")
        return contract, None, _to_acceptance(contract)
    return contract, ops.acceptance_for(contract), None


def _save_posted(acceptance: Acceptance, form: AcceptanceForm) -> bool:
    """Save the posted measured values and summary and keep the chosen evidence files; False,
    with nothing kept, when something is refused (the messages sit next to the fields)."""
    if not form.validate_on_submit():
        return False
    items = {i.id: i for i in acceptance.items}
    rows = {item_id: row for item_id, row in form.rows().items() if item_id in items}
    if rows:
        measured = {i.id: (rows[i.id].measured.data if i.id in rows else i.measured_value)
                    for i in items.values()}
        ops.save_acceptance(acceptance, current_user, form.summary.data or "", measured)
    kept = [_add_files(items[item_id], [row.evidence.data], row.evidence) for item_id, row in rows.items()]
    if not all(kept):
        db.session.rollback()
        return False
    return True


@bp.route("/contracts/<int:contract_id>/acceptance", methods=["POST"])
@login_required
def save_acceptance(contract_id: int):
    contract, found, refused = _solver_acceptance(contract_id)
    if refused:
        return refused
    form = AcceptanceForm()
    if _save_posted(found, form):
        db.session.commit()
        flash(_("验收材料已保存。"), "success")
        return _to_acceptance(contract)
    return _acceptance_page(contract, found, form=form)


@bp.route("/acceptance/items/<int:item_id>/files", methods=["POST"])
@login_required
def item_upload(item_id: int):
    """Evidence for one indicator: a file posted on its own, or the page's whole form (what was
    typed is saved with it, so nothing is lost)."""
    item = get_or_404(AcceptanceItem, item_id)
    contract, found, refused = _solver_acceptance(item.acceptance.contract_id)
    if refused:
        return refused
    back = f"#item-{item.id}"
    form = AcceptanceForm()
    row = form.rows().get(item.id)
    if row is None:
        upload_form = FileUploadForm()
        if upload_form.validate_on_submit() and _add_files(item, [upload_form.file.data],
                                                           upload_form.file):
            db.session.commit()
            flash(_("已上传指标「%(n)s」的证明材料。", n=item.indicator.name), "success")
        else:
            db.session.rollback()
            flash(next(iter(upload_form.file.errors), _("上传失败。")), "danger")
        return _to_acceptance(contract, back)
    if not _chosen(row.evidence.data):
        form.validate()
        row.evidence.errors = [*row.evidence.errors,
                               _("请为指标「%(n)s」选择证明材料文件。", n=item.indicator.name)]
        return _acceptance_page(contract, found, form=form)
    if _save_posted(found, form):
        db.session.commit()
        flash(_("已上传指标「%(n)s」的证明材料，填写内容已一并保存。", n=item.indicator.name), "success")
        return _to_acceptance(contract, back)
    return _acceptance_page(contract, found, form=form)


@bp.route("/contracts/<int:contract_id>/acceptance/submit", methods=["POST"])
@login_required
def submit_acceptance(contract_id: int):
    contract, found, refused = _solver_acceptance(contract_id)
    if refused:
        return refused
    form = AcceptanceForm()
    if form.rows() and not _save_posted(found, form):
        return _acceptance_page(contract, found, form=form)
    with attempt(keep_earlier=True, show=False) as done:  # what was typed is kept anyway
        perform(found, "submit", current_user)
    if not done:
        return _acceptance_page(contract, found,
                                problems=list(done.refusal.items) or [done.refusal.message])
    flash(_("验收申请已提交，等待发榜企业逐项签认。"), "success")
    return _to_acceptance(contract)


def _party_acceptance(contract_id: int, party) -> tuple[Contract, Acceptance | None]:
    contract = _contract_or_404(contract_id)
    require(party(current_user, contract))
    if contract.acceptance is None:
        flash(_("揭榜方尚未开始填写验收材料。"), "warning")
    return contract, contract.acceptance


def _issuer_of(user, contract: Contract) -> bool:
    return is_issuer(user, contract.challenge)


def _admin_of(user, contract: Contract) -> bool:
    return is_admin(user)


@bp.route("/contracts/<int:contract_id>/acceptance/sign-off", methods=["POST"])
@login_required
def sign_off(contract_id: int):
    contract, found = _party_acceptance(contract_id, _issuer_of)
    if found is None:
        return _to_acceptance(contract)
    form = SignOffForm()
    if form.validate_on_submit():
        ids = {i.id for i in found.items}
        judgements = {k: v for k, v in form.judgements().items() if k in ids}
        with attempt(show=False) as done:
            perform(found, "sign_off", current_user, judgements=judgements,
                    opinion=form.opinion.data or "")
        if not done:
            rows = _sign_rows(form)
            for item in found.items:
                row = rows.get(item.id)
                if item.id not in judgements and row is not None:
                    row.met.errors = [*row.met.errors, _("请判定是否达标。")]
            return _acceptance_page(contract, found, sign_form=form, sign_error=done.refusal.message)
        flash(_("已签认验收，等待科技局认定。"), "success")
        return _to_acceptance(contract)
    return _acceptance_page(contract, found, sign_form=form)


def _acceptance_reason_step(contract_id: int, party_of, action: str, form_name: str, prefix: str,
                            success: str):
    """A 验收 step that needs a written reason (send back, reject, reopen): the reason next to its
    box when missing or refused, the acceptance page again on success."""
    contract, found = _party_acceptance(contract_id, party_of)
    if found is None:
        return _to_acceptance(contract)
    form = ReasonForm(prefix=prefix)
    if form.validate_on_submit() and apply_transition(found, action, success,
                                                      reason=form.reason.data, field=form.reason):
        return _to_acceptance(contract)
    return _acceptance_page(contract, found, **{form_name: form})


@bp.route("/contracts/<int:contract_id>/acceptance/send-back", methods=["POST"])
@login_required
def send_back_acceptance(contract_id: int):
    return _acceptance_reason_step(contract_id, _issuer_of, "send_back", "send_back_form", "back",
                                   _("已退回验收材料，揭榜方将修改后重新提交。"))


@bp.route("/contracts/<int:contract_id>/acceptance/pass", methods=["POST"])
@login_required
def pass_acceptance(contract_id: int):
    contract, found = _party_acceptance(contract_id, _admin_of)
    if found is None:
        return _to_acceptance(contract)
    with attempt() as done:  # the contract is accepted and the 榜 follows (award/flows.py)
        perform(found, "pass", current_user)
    if not done:
        return _to_acceptance(contract)
    flash(_("验收通过，合同已验收。本榜当前状态：%(s)s。", s=contract.challenge.state.label), "success")
    return _to_acceptance(contract)


@bp.route("/contracts/<int:contract_id>/acceptance/reject", methods=["POST"])
@login_required
def reject_acceptance(contract_id: int):
    return _acceptance_reason_step(contract_id, _admin_of, "reject", "reject_form", "reject",
                                   _("已记录验收结果：验收不通过。"))


@bp.route("/contracts/<int:contract_id>/acceptance/reopen", methods=["POST"])
@login_required
def reopen_acceptance(contract_id: int):
    """After a failed acceptance the bureau may allow a new round once the team has 整改."""
    return _acceptance_reason_step(contract_id, _admin_of, "reopen", "reopen_form", "reopen",
                                   _("已同意整改后重新验收，揭榜方可更新验收材料。"))
