"""The bureau's expert pool (专家库): list, import from Excel/CSV, export, edit, deactivate."""

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..exports.writers import XLSX_MIME
from ..extensions import db
from ..models import AuditEvent, ExpertProfile
from ..models.expert import PROFILE_SOURCES
from ..states import OrgType, Role
from ..timeutil import local_today
from ..views_common import attempt, get_or_404, role_required
from . import importing
from . import operations as ops
from .forms import FIELD_LABELS, ExpertEditForm, ImportConfirmForm, ImportUploadForm, WorkForm

bp = Blueprint("experts", __name__, url_prefix="/admin/experts")

STATUSES = {"active": _l("在库"), "inactive": _l("已停用"), "all": _l("全部")}
PER_PAGE = 30


def _filters() -> dict:
    status = request.args.get("status", "active")
    source = request.args.get("source", "")
    return {"q": request.args.get("q", "").strip()[:100],
            "status": status if status in STATUSES else "active",
            "source": source if source in PROFILE_SOURCES else ""}


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    filters = _filters()
    query = ops.pool_query(**filters).options(
        selectinload(ExpertProfile.works), selectinload(ExpertProfile.user))
    page = db.paginate(query.order_by(ExpertProfile.id.desc()), per_page=PER_PAGE, error_out=False)
    counts = {status: db.session.scalar(select(func.count()).select_from(
        ops.pool_query(filters["q"], status, filters["source"]).subquery())) for status in STATUSES}
    return render_template("experts/index.html", page=page, filters=filters, counts=counts,
                           statuses=STATUSES, sources=PROFILE_SOURCES, title=_("专家库"))


@bp.route("/export.<any(xlsx, csv):fmt>")
@role_required(Role.ADMIN)
def export(fmt: str):
    profiles = ops.load_for_export(ops.pool_query(**_filters()))
    rows = ops.export_rows(profiles)
    pool = _("专家库")
    name = f"{pool}-{local_today().isoformat()}.{fmt}"
    if fmt == "xlsx":
        content, mimetype = importing.write_xlsx(rows, pool), XLSX_MIME
    else:
        content, mimetype = importing.write_csv(rows), "text/csv"
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/template.<any(xlsx, csv):fmt>")
@role_required(Role.ADMIN)
def template(fmt: str):
    rows = importing.template_rows()
    if fmt == "xlsx":
        content, mimetype = importing.write_xlsx(rows, _("专家信息"), notes=True), XLSX_MIME
    else:
        content, mimetype = importing.write_csv(rows), "text/csv"
    name = _("专家库导入模板")
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True,
                     download_name=f"{name}.{fmt}")


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_():
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = ops.check_upload(upload.filename, form.file.content)
        except importing.FileProblem as exc:
            form.file.errors.append(exc.message)
        else:
            if report.clean or (form.valid_only.data and report.valid):
                return _imported(ops.import_experts(current_user, report, valid_only=True))
            token = ops.stash_upload(upload.filename, form.file.content, current_user)
            return redirect(url_for("experts.import_report", token=token))
    return render_template("experts/import.html", form=form, columns=importing.COLUMNS,
                           limits=_limits(), title=_("导入专家"))


@bp.route("/import/<token>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_report(token: str):
    """The row-by-row report of a stashed upload, and "import valid rows" without re-uploading."""
    stashed = ops.load_stash(token)
    if stashed is None:
        flash(_("上传的文件已导入或已过期，请重新上传。"), "warning")
        return redirect(url_for("experts.import_"))
    try:
        report = ops.check_upload(*stashed)
    except importing.FileProblem as exc:  # the pool or the rules changed since the upload
        ops.drop_stash(token)
        flash(exc.message, "danger")
        return redirect(url_for("experts.import_"))
    form = ImportConfirmForm(has_problems=bool(report.problems))
    if report.valid and form.validate_on_submit():
        result = ops.import_experts(current_user, report, valid_only=True)
        ops.drop_stash(token)
        return _imported(result)
    return render_template("experts/import_report.html", report=report, form=form, token=token,
                           title=_("导入检查结果"))


def _imported(result: ops.ImportResult):
    db.session.commit()
    message = _("已导入 %(n)d 位专家。", n=result.imported)
    if result.new_organizations:
        message += _("新登记单位 %(n)d 个。", n=result.new_organizations)
    if result.skipped_rows:
        rows = "、".join(str(n) for n in result.skipped_rows[:20])
        more = "…" if len(result.skipped_rows) > 20 else ""
        message += _("跳过有误的 %(n)d 行（第 %(rows)s%(more)s 行）。", n=len(result.skipped_rows),
                     rows=rows, more=more)
    flash(message, "success")
    return redirect(url_for("experts.index", source="import"))


def _limits() -> dict:
    return {"size": importing.MAX_BYTES, "rows": importing.MAX_ROWS,
            "works": importing.MAX_WORKS}


@bp.route("/<int:profile_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(profile_id: int):
    profile = get_or_404(ExpertProfile, profile_id)
    form = ExpertEditForm(obj=profile)
    if not form.is_submitted():
        form.org_name.data = profile.organization_name
        if profile.organization:
            form.org_type.data = profile.organization.type.value
    if form.validate_on_submit():
        with attempt(field=form.org_type) as done:
            changes = ops.edit_pool_profile(current_user, profile, form.values(), form.works_values(),
                                            form.org_name.data, OrgType(form.org_type.data))
        if done:
            flash(_("已保存 %(n)s 的档案。", n=profile.name) if changes else _("没有修改。"), "success")
            return redirect(url_for("experts.edit", profile_id=profile.id))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "expert_profile",
                                 AuditEvent.object_id == profile.id)
        .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())).all()
    return render_template("experts/edit.html", form=form, profile=profile, events=events,
                           blank_work=WorkForm(prefix="works-__index__-"), labels=FIELD_LABELS,
                           title=_("编辑专家：%(n)s", n=profile.name))


@bp.route("/<int:profile_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def set_active(profile_id: int):
    profile = get_or_404(ExpertProfile, profile_id)
    ops.set_active(current_user, profile, request.form.get("active") == "1")
    db.session.commit()
    flash(_("已恢复 %(n)s 入库。", n=profile.name) if profile.active
          else _("已停用 %(n)s，其档案不再列入在库专家。", n=profile.name), "success")
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//")
                    else url_for("experts.index"))
