"""Background exports: the bureau asks for a table, a job writes the file under the upload
root (UPLOAD_FOLDER/exports/), the status page shows the rows written so far, and the file is
downloaded when ready. The workbook is written with XlsxWriter's constant_memory mode
(exports/writers.StreamingXlsxBook) and the CSV straight to disk, so memory stays flat at any
size.

Progress lives in a small file beside the export (`<name>.progress`: the rows written), not in
the database: the export's own read of a large table must not wait on, or block, a write to the
database it is reading (SQLite allows one writer and a long reader holds it off)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from .. import locales
from ..exports.tables import TABLES, Scope, notes
from ..exports.writers import StreamingXlsxBook, csv_chunks
from ..extensions import db
from ..models import ExportJob, User
from ..timeutil import local, local_today, utcnow

AREA = "exports"
PROGRESS_EVERY = 500           # rows between progress notes
STALE = timedelta(minutes=10)  # a running job silent this long died with its process
KEEP = timedelta(days=7)       # finished files are deleted after this


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / AREA
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(job: ExportJob) -> Path:
    return folder() / job.stored_name


def progress_path(job: ExportJob) -> Path:
    return folder() / (job.stored_name + ".progress")


def request_export(user: User, table, fmt: str, args: dict) -> ExportJob:
    stamp = local_today().isoformat()
    job = ExportJob(requested_by_id=user.id, table=table.name, fmt=fmt,
                    args=urlencode(sorted(args.items())), state="queued",
                    filename=f"{table.title}-{stamp}.{fmt}",
                    fallback=f"{table.ascii_name}-{stamp}.{fmt}",
                    stored_name=f"{secrets.token_hex(16)}.{fmt}", locale=locales.current())
    db.session.add(job)
    db.session.flush()
    return job


def rows_done(job: ExportJob) -> int:
    """Rows written so far: the progress file while running, the row count when finished."""
    if job.state != "running":
        return job.rows_done
    try:
        return int(progress_path(job).read_text() or 0)
    except (OSError, ValueError):
        return 0


def is_stale(job: ExportJob) -> bool:
    if job.state not in ("queued", "running"):
        return False
    try:
        last = os.path.getmtime(progress_path(job))
    except OSError:
        last = (job.started_at or job.created_at).timestamp()
    return utcnow().timestamp() - last > STALE.total_seconds()


def run_export(job_id: int) -> str:
    """Write the export of job *job_id*; a second delivery of the same job does nothing."""
    now = utcnow()
    claimed = db.session.execute(update(ExportJob).where(
        ExportJob.id == job_id, ExportJob.state == "queued").values(
        state="running", started_at=now, heartbeat_at=now)).rowcount
    db.session.commit()
    if claimed != 1:
        return "not queued (done, or taken by another worker)"
    job = db.session.get(ExportJob, job_id)
    target, progress = file_path(job), progress_path(job)
    partial = target.with_name(target.name + ".part")
    try:
        with force_locale(job.locale if job.locale in locales.LOCALES else locales.DEFAULT):
            count = _write(job, partial, progress)
        partial.replace(target)
    except Exception as exc:
        db.session.rollback()
        partial.unlink(missing_ok=True)
        db.session.execute(update(ExportJob).where(ExportJob.id == job_id).values(
            state="failed", error=f"{type(exc).__name__}: {exc}"[:1000], finished_at=utcnow()))
        db.session.commit()
        raise
    finally:
        progress.unlink(missing_ok=True)
    db.session.execute(update(ExportJob).where(ExportJob.id == job_id).values(
        state="done", rows_done=count, rows_total=count, finished_at=utcnow()))
    db.session.commit()
    return f"{count} rows"


def _write(job: ExportJob, target: Path, progress: Path) -> int:
    table = TABLES[job.table]
    scope, _errors = Scope.from_args(MultiDict(parse_qsl(job.args)))
    requester = db.session.get(User, job.requested_by_id)
    counted = _Counted(table.rows(scope), progress)
    if job.fmt == "xlsx":
        book = StreamingXlsxBook(target)
        count = book.add_table(str(table.title), table.columns, counted)
        book.add_notes(_("导出说明"), notes(table, scope, count, requester,
                                         local(job.created_at).strftime("%Y-%m-%d %H:%M")))
        book.close()
        return count
    with target.open("wb") as out:
        for chunk in csv_chunks(table.columns, counted):
            out.write(chunk)
    return counted.count


class _Counted:
    """The rows, noting every PROGRESS_EVERY rows how many went by (the progress file)."""

    def __init__(self, rows, progress: Path) -> None:
        self.rows, self.progress, self.count = rows, progress, 0

    def __iter__(self):
        for row in self.rows:
            yield row
            self.count += 1
            if self.count % PROGRESS_EVERY == 0:
                self.progress.write_text(str(self.count))


def prune_exports() -> int:
    """Delete export files older than KEEP (their rows stay, marked expired)."""
    old = db.session.scalars(select(ExportJob).where(
        ExportJob.state.in_(("done", "failed")), ExportJob.created_at < utcnow() - KEEP)).all()
    for job in old:
        file_path(job).unlink(missing_ok=True)
        job.state = "expired"
    db.session.commit()
    return len(old)


__all__ = ["request_export", "run_export", "rows_done", "is_stale", "prune_exports",
           "file_path"]
