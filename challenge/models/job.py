"""Background-job bookkeeping: one row per run of a periodic job (its lease), and the bureau's
export requests with their progress and finished file."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime


class JobRun(db.Model):
    """A periodic job's run for one time slot (its period's number since the epoch). The unique
    (name, slot) pair is the lease: of every node that tries to start the same job in the same
    period, exactly one inserts the row and runs it."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("name", "slot", name="uq_job_runs_name_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    slot: Mapped[int] = mapped_column(BigInteger)
    node: Mapped[str] = mapped_column(String(120), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str] = mapped_column(Text, default="")


class ExportJob(db.Model):
    """An export the bureau asked for: queued → running → done (file ready) or failed."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    table: Mapped[str] = mapped_column(String(40))
    fmt: Mapped[str] = mapped_column(String(8))
    args: Mapped[str] = mapped_column(Text, default="")     # the page's filters, a query string
    state: Mapped[str] = mapped_column(String(12), default="queued")
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None] = mapped_column()      # counted before writing; None unknown
    filename: Mapped[str] = mapped_column(String(200), default="")   # shown to the user
    fallback: Mapped[str] = mapped_column(String(200), default="")   # its ASCII fallback
    stored_name: Mapped[str] = mapped_column(String(80), default="")  # under UPLOAD_FOLDER/exports
    error: Mapped[str] = mapped_column(Text, default="")
    # The language of the page that asked for it ("zh" / "en"): headers and labels are written
    # in it by the job, which runs outside that request.
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

