"""One run of a periodic job per period, whichever nodes try: the period's slot number is
written with the job's name into job_runs, whose (name, slot) pair is unique. The node whose
INSERT commits runs the job; every other node's INSERT fails and it skips the run. A database
row, not a Redis lock, so the embedded setup (SQLite, no broker) is covered by the same code and
the record of each run (when, where, what it did) stays beside the data it changed."""

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import JobRun
from ..timeutil import utcnow

log = logging.getLogger("challenge.jobs")
NODE = f"{socket.gethostname()}:{os.getpid()}"
KEEP_RUNS = timedelta(days=14)


def slot_of(period: int, now: float | None = None) -> int:
    return int((time.time() if now is None else now) // period)


def run_once_per_period(name: str, period: int, job: Callable[[], object]) -> JobRun | None:
    """Run *job* if no node has run *name* in the current period; the run's row, or None when
    this period's run belongs to another node."""
    slot = slot_of(period)
    session = db.session
    session.commit()
    run = JobRun(name=name, slot=slot, node=NODE[:120], result="")
    session.add(run)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        log.info("job %s slot %s: already run this period", name, slot)
        return None
    log.info("job %s slot %s: run", name, slot)
    try:
        result = job()
    except Exception as exc:
        session.rollback()
        run = session.get(JobRun, run.id)
        run.result = f"failed: {type(exc).__name__}: {exc}"[:1000]
        run.finished_at = utcnow()
        session.commit()
        raise
    run = session.get(JobRun, run.id)
    run.result = str(result)[:1000]
    run.finished_at = utcnow()
    session.commit()
    return run


def prune_runs() -> int:
    """Forget runs older than KEEP_RUNS (one row per job and period otherwise piles up)."""
    result = db.session.execute(delete(JobRun).where(JobRun.started_at < utcnow() - KEEP_RUNS))
    db.session.commit()
    return result.rowcount or 0
