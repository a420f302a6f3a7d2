"""专业机构 pages: the body's list of appointments and its finding form; the bureau's page per
榜 (appoint, end, record an expert panel's finding) and its adopt / override of a finding."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions as can
from ..models import BodyAppointment, Challenge, Finding, FindingFile
from ..states import BodyPurpose, Role
from ..uploads import send_stored
from ..views_common import attempt, get_or_404, require, role_required
from . import operations as ops
from .forms import AppointForm, FindingForm, OverrideForm, conclusion

bp = Blueprint("bodies", __name__)


def _purpose(value: str) -> BodyPurpose:
    try:
        return BodyPurpose(value)
    except ValueError:
        abort(404)


@bp.route("/body/")
@role_required(Role.BODY)
def home():
    return render_template("bodies/home.html", appointments=ops.my_appointments(current_user))


@bp.route("/body/challenges/<int:challenge_id>")
@role_required(Role.BODY)
def challenge(challenge_id: int):
    board = get_or_404(Challenge, challenge_id)
    require(can.is_appointed_body(current_user, board))
    mine = [a for a in ops.my_appointments(current_user) if a.challenge_id == board.id]
    contracts = [c for c in ops.contracts(board) if can.can_read_acceptance(current_user, c)]
    return render_template("bodies/challenge.html", challenge=board, appointments=mine,
                           findings=ops.findings(board, current_user), contracts=contracts)


@bp.route("/challenges/<int:challenge_id>/findings/new/<purpose>", methods=["GET", "POST"])
@role_required(Role.BODY, Role.ADMIN)
def new_finding(challenge_id: int, purpose: str):
    board = get_or_404(Challenge, challenge_id)
    kind = _purpose(purpose)
    require(can.can_record_finding(current_user, board, kind))
    panel = current_user.role is Role.ADMIN
    form = FindingForm()
    measured = {i.id: request.form.get(f"measured_{i.id}", "") for i in board.indicators}
    met = {i.id: conclusion(request.form.get(f"met_{i.id}")) for i in board.indicators}
    item_errors: list[str] = []
    if form.validate_on_submit():
        data = ops.FindingInput(
            summary=form.summary.data, passed=conclusion(form.passed.data),
            items={i.id: (measured[i.id], met[i.id]) for i in board.indicators},
            panel_names=form.panel_names.data,
            uploads=[f for f in (form.files.data or []) if getattr(f, "filename", "")])
        problems = ops.finding_problems(board, kind, data, panel)
        for name, found in problems.items():  # each next to its field, the entries kept
            if name == "items":
                item_errors = found
            else:
                form[name].errors = [*form[name].errors, *found]
        if not problems:
            with attempt(form, field=form.files) as done:
                finding = ops.record_finding(board, current_user, kind, data)
            if done:
                flash(_("意见已提交，待科技局采纳或改判。") if not panel else _("专家组意见已登记。"),
                      "success")
                return redirect(url_for("bodies.show_finding", finding_id=finding.id))
    return render_template("bodies/finding_form.html", challenge=board, purpose=kind, form=form,
                           panel=panel, measured=measured, met=met, item_errors=item_errors), \
        200 if request.method == "GET" or not (form.errors or item_errors) else 422


@bp.route("/findings/<int:finding_id>")
@login_required
def show_finding(finding_id: int):
    finding = get_or_404(Finding, finding_id)
    require(can.can_view_finding(current_user, finding))
    return render_template("bodies/finding.html", finding=finding, challenge=finding.challenge,
                           override_form=OverrideForm())


@bp.route("/findings/<int:finding_id>/adopt", methods=["POST"])
@role_required(Role.ADMIN)
def adopt(finding_id: int):
    finding = get_or_404(Finding, finding_id)
    with attempt() as done:
        ops.adopt(finding, current_user)
    if done:
        flash(_("已采纳该意见。"), "success")
    return redirect(url_for("bodies.show_finding", finding_id=finding.id))


@bp.route("/findings/<int:finding_id>/override", methods=["POST"])
@role_required(Role.ADMIN)
def override(finding_id: int):
    finding = get_or_404(Finding, finding_id)
    form = OverrideForm()
    if form.validate_on_submit():
        with attempt(form, field=form.reason) as done:
            ops.override(finding, current_user, form.reason.data, conclusion(form.passed.data))
        if done:
            flash(_("已改判，理由已记入操作记录。"), "success")
            return redirect(url_for("bodies.show_finding", finding_id=finding.id))
    return render_template("bodies/finding.html", finding=finding, challenge=finding.challenge,
                           override_form=form), 422


@bp.route("/findings/files/<int:file_id>")
@login_required
def download(file_id: int):
    item = get_or_404(FindingFile, file_id)
    require(can.can_view_finding(current_user, item.finding))
    return send_stored(ops.file_path(item), item.content_type, item.original_name)


@bp.route("/admin/challenges/<int:challenge_id>/bodies", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def manage(challenge_id: int):
    board = get_or_404(Challenge, challenge_id)
    require(can.can_manage_bodies(current_user, board))
    form = AppointForm()
    form.body.choices = [(0, _("请选择"))] + [(b.id, f"{ops.body_name(b)}（{b.email}）")
                                           for b in ops.bodies()]
    status = 200
    if form.validate_on_submit():
        with attempt(form, field=form.body) as done:
            ops.appoint(board, current_user, form.body.data, BodyPurpose(form.purpose.data))
        if done:
            flash(_("已委托。"), "success")
            return redirect(url_for("bodies.manage", challenge_id=board.id))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("bodies/manage.html", challenge=board, form=form,
                           appointments=ops.appointments(board), findings=ops.findings(board),
                           purposes=list(BodyPurpose)), status


@bp.route("/admin/appointments/<int:appointment_id>/end", methods=["POST"])
@role_required(Role.ADMIN)
def end(appointment_id: int):
    appointment = get_or_404(BodyAppointment, appointment_id)
    with attempt() as done:
        ops.end_appointment(appointment, current_user)
    if done:
        flash(_("已解除委托。"), "success")
    return redirect(url_for("bodies.manage", challenge_id=appointment.challenge_id))

