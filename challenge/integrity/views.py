"""失信 records: the bureau's list, recording form and answers; the party's own records and
its one objection. Thin: load, check, form, one operation."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from .. import permissions as can
from ..extensions import db
from ..models import IntegrityRecord, Organization, User
from ..states import IntegrityGrade, Role
from ..timeutil import local_today
from ..views_common import attempt, get_or_404, role_required
from . import operations as ops
from .forms import FindingForm, TextForm

bp = Blueprint("integrity", __name__)


@bp.route("/admin/integrity", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def index():
    form = FindingForm()
    if form.validate_on_submit():
        organization = person = None
        if form.party_kind.data == "person":
            person = db.session.scalar(select(User).where(
                func.lower(User.email) == form.party.data.strip().lower()))
            if person is None:
                form.party.errors.append(_("没有这个邮箱的账号。"))
        else:
            organization = db.session.scalar(select(Organization).where(
                Organization.name == form.party.data.strip()))
            if organization is None:
                form.party.errors.append(_("没有这个名称的单位（请填写全称）。"))
        if organization or person:
            values = ops.FindingInput(grade=IntegrityGrade(form.grade.data), reason=form.reason.data,
                                      evidence=form.evidence.data, starts_on=form.starts_on.date,
                                      expires_on=form.expires_on.date, published=form.published.data)
            with attempt(form, field=form.reason) as done:
                finding = ops.record_finding(current_user, values, organization=organization,
                                             person=person)
                if form.file.data:
                    ops.add_file(finding, current_user, form.file.data)
            if done:
                flash(_("已记录失信行为：%(party)s。", party=finding.party_name), "success")
                return redirect(url_for("integrity.show", record_id=finding.id))
    elif not form.is_submitted():
        form.starts_on.data = local_today().isoformat()
    records = db.session.scalars(select(IntegrityRecord).order_by(IntegrityRecord.id.desc())
                                 .limit(200)).all()
    return render_template("integrity/index.html", form=form, records=records, today=local_today(),
                           title=_("失信记录")), 400 if form.errors else 200


@bp.route("/admin/integrity/<int:record_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def show(record_id: int):
    record = get_or_404(IntegrityRecord, record_id)
    form = TextForm()
    if can.can_answer_objection(current_user, record) and form.validate_on_submit():
        with attempt(form, field=form.text) as done:
            ops.answer_objection(record, current_user, form.text.data)
        if done:
            flash(_("已答复异议。"), "success")
            return redirect(url_for("integrity.show", record_id=record.id))
    return render_template("integrity/show.html", record=record, form=form, today=local_today(),
                           title=_("失信记录"))


@bp.route("/admin/integrity/<int:record_id>/publish", methods=["POST"])
@role_required(Role.ADMIN)
def publish(record_id: int):
    record = get_or_404(IntegrityRecord, record_id)
    with attempt() as done:
        ops.set_published(record, current_user, not record.published)
    if done:
        flash(_("已在单位公开页面公示。") if record.published else _("已撤下公示。"), "success")
    return redirect(url_for("integrity.show", record_id=record.id))


@bp.route("/integrity/mine")
@login_required
def mine():
    """The records about the signed-in person or their organisation."""
    conditions = [IntegrityRecord.user_id == current_user.id]
    if current_user.organization_id and current_user.role in can.MEMBER_ROLES:
        conditions.append(IntegrityRecord.organization_id == current_user.organization_id)
    records = db.session.scalars(select(IntegrityRecord).where(or_(*conditions))
                                 .order_by(IntegrityRecord.id.desc())).all()
    return render_template("integrity/mine.html", records=records, form=TextForm(formdata=None),
                           today=local_today(), title=_("我的失信记录"))


@bp.route("/integrity/<int:record_id>/objection", methods=["POST"])
@login_required
def object_to(record_id: int):
    record = get_or_404(IntegrityRecord, record_id)
    if not can.is_finding_party(current_user, record):
        abort(404)
    form = TextForm()
    if form.validate_on_submit():
        with attempt(form, field=form.text) as done:
            ops.object_to(record, current_user, form.text.data)
        if done:
            flash(_("异议已提交，科技局将答复。"), "success")
            return redirect(url_for("integrity.mine"))
    return render_template("integrity/mine.html", records=[record], form=form, failed=record.id,
                           today=local_today(), title=_("我的失信记录")), 400
