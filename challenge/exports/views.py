"""导出中心: /admin/exports/<name>.<xlsx|csv> for the bureau, honouring the page's filters."""

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..jobs import exports as background
from ..jobs import start_export
from ..models import Challenge, ExportJob, Organization
from ..states import ChallengeKind, ChallengeState, Role
from ..stats.filters import PRESETS
from ..timeutil import local, local_today, utcnow
from ..uploads import attachment_header
from ..views_common import role_required
from ..workflow import record
from .tables import TABLES, Scope, notes
from .writers import CSV_MIME, XLSX_MIME, XlsxBook, csv_chunks

bp = Blueprint("exports", __name__, url_prefix="/admin/exports")

PRESET_LABELS = {"this_year": _l("今年"), "last_half_year": _l("近半年"), "all": _l("全部"),
                 "custom": _l("自定义")}


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    scope, errors = Scope.from_args(request.args)
    return _index_page(scope, errors)


def _index_page(scope: Scope, errors: dict[str, str], status: int = 200):
    fields = db.session.scalars(select(Challenge.field).distinct().order_by(Challenge.field)).all()
    regions = db.session.scalars(select(Organization.region).where(Organization.region != "")
                                 .distinct().order_by(Organization.region)).all()
    args = {**scope.stats.args(), **({"state": scope.state.value} if scope.state else {})}
    return render_template(
        "exports/index.html", tables=[t for t in TABLES.values() if not t.audit], scope=scope,
        errors=errors, args=args, presets=[(p, PRESET_LABELS[p]) for p in PRESETS],
        kinds=list(ChallengeKind), states=list(ChallengeState), fields=fields, regions=regions,
        jobs=db.session.scalars(select(ExportJob).where(ExportJob.requested_by_id == current_user.id)
                                .order_by(ExportJob.id.desc()).limit(10)).all(),
        title=_("数据导出")), status


@bp.route("/<name>.<any(xlsx, csv):fmt>")
@role_required(Role.ADMIN)
def download(name: str, fmt: str):
    table = TABLES.get(name)
    if table is None:
        abort(404)
    scope, errors = Scope.from_args(request.args)
    if errors:
        return _index_page(scope, errors, 400)
    record(current_user, "export", current_user, object_type="export", changes={
        "table": name, "format": fmt, "filters": request.args.to_dict()})
    db.session.commit()
    stamp = local_today().isoformat()
    filename, fallback = f"{table.title}-{stamp}.{fmt}", f"{table.ascii_name}-{stamp}.{fmt}"
    rows = table.rows(scope)
    if fmt == "xlsx":
        book = XlsxBook()
        count = book.add_table(str(table.title), table.columns, rows)
        book.add_notes(_("导出说明"), notes(table, scope, count, current_user,
                                         local(utcnow()).strftime("%Y-%m-%d %H:%M")))
        length, chunks = book.chunks()
        response = Response(chunks, mimetype=XLSX_MIME)
        response.content_length = length
    else:
        response = Response(stream_with_context(csv_chunks(table.columns, rows)), mimetype=CSV_MIME)
    response.headers["Content-Disposition"] = attachment_header(filename, fallback)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- in the background ---------------------------------------------------------------------

@bp.route("/<name>.<any(xlsx, csv):fmt>/background", methods=["POST"])
@role_required(Role.ADMIN)
def request_background(name: str, fmt: str):
    """Ask for an export to be written in the background; its page shows the progress."""
    table = TABLES.get(name)
    if table is None or table.audit:
        abort(404)
    scope, errors = Scope.from_args(request.args)
    if errors:
        return _index_page(scope, errors, 400)
    job = background.request_export(current_user, table, fmt, request.args.to_dict())
    record(current_user, "export", current_user, object_type="export", changes={
        "table": name, "format": fmt, "filters": request.args.to_dict(), "job": job.id})
    db.session.commit()
    start_export(job.id)
    return redirect(url_for("exports.job_page", job_id=job.id), 303)


def _own_job(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.requested_by_id != current_user.id:
        abort(404)
    return job


def _status(job: ExportJob) -> dict:
    state = "failed" if background.is_stale(job) else job.state
    return {"id": job.id, "state": state, "rows_done": background.rows_done(job),
            "rows_total": job.rows_total, "filename": job.filename,
            "download": url_for("exports.job_download", job_id=job.id) if state == "done" else None}


@bp.route("/jobs/<int:job_id>")
@role_required(Role.ADMIN)
def job_page(job_id: int):
    """The job's progress; the page reloads itself every two seconds until the file is ready."""
    job = _own_job(job_id)
    status = _status(job)
    response = make_response(render_template("exports/job.html", job=job, status=status,
                                             table=TABLES[job.table], title=_("导出进度")))
    if status["state"] in ("queued", "running"):
        response.headers["Refresh"] = "2"  # polls without any script
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/jobs/<int:job_id>.json")
@role_required(Role.ADMIN)
def job_status(job_id: int):
    response = jsonify(_status(_own_job(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/jobs/<int:job_id>/download")
@role_required(Role.ADMIN)
def job_download(job_id: int):
    job = _own_job(job_id)
    path = background.file_path(job)
    if job.state != "done" or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=XLSX_MIME if job.fmt == "xlsx" else CSV_MIME,
                         max_age=0, conditional=False)
    response.headers["Content-Disposition"] = attachment_header(job.filename, job.fallback)
    response.headers["Cache-Control"] = "no-store"
    return response
