"""The background jobs. Each is idempotent and safe when two nodes run it at once:

- close-expired: every 榜 is closed by the workflow door, whose version column lets only one of
  two simultaneous closes write (the other is skipped);
- remind-overdue: a milestone is marked reminded in the same transaction as its notifications,
  under its version column, so it is reminded once;
- remind-reviewers: a reminder is a row unique per seat and kind (review_reminders), written in
  the same transaction as its notice, so each reviewer hears once per reminder kind;
- remind-outcomes: the same for outcome reports (challenge/outcomes), after scheduling them
  (a unique key keeps one row per report when two nodes schedule at once);
- send-outbox: rows are claimed atomically before sending (challenge/mail.py), each leaves once;
- export: the job moves queued → running in one conditional UPDATE, so a duplicate delivery of
  the task does nothing;
- refresh-index: brings this process's matching index up to date (a no-op when it is current).

The periodic ones run at most once per period across all nodes (lease.run_once_per_period)."""

from celery import shared_task
from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from .lease import prune_runs, run_once_per_period

# name → (Celery task, config key of its period in seconds)
PERIODIC = {
    "close-expired": ("jobs.close_expired", "JOBS_CLOSE_EXPIRED_SECONDS"),
    "remind-overdue": ("jobs.remind_overdue", "JOBS_REMIND_OVERDUE_SECONDS"),
    "remind-reviewers": ("jobs.remind_reviewers", "JOBS_REMIND_REVIEWERS_SECONDS"),
    "send-outbox": ("jobs.send_outbox", "JOBS_SEND_OUTBOX_SECONDS"),
    "refresh-index": ("jobs.refresh_index", "JOBS_REFRESH_INDEX_SECONDS"),
    "prune": ("jobs.prune", "JOBS_PRUNE_SECONDS"),
    "remind-outcomes": ("jobs.remind_outcomes", "JOBS_REMIND_OUTCOMES_SECONDS"),
}


def period(name: str) -> int:
    return max(1, int(current_app.config[PERIODIC[name][1]]))


def close_expired() -> str:
    from ..posting.operations import close_expired as close

    return f"closed {len(close())}"


def remind_overdue() -> str:
    from ..awarding.operations import remind_overdue as remind

    try:
        notified = remind()
        db.session.commit()
    except StaleDataError:  # another node reminded the same milestone meanwhile
        db.session.rollback()
        return "reminded 0 (another run got there first)"
    return f"reminded {notified}"


def remind_reviewers() -> str:
    from ..reviewing.deadlines import remind_reviewers as remind

    notified = remind()
    db.session.commit()
    return f"reminded {notified}"


def remind_outcomes() -> str:
    """Outcome reports owed 1 and 3 years after acceptance: scheduled, then reminded (a row's
    reminded_on is set with its notices, under its version column, so it is reminded once)."""
    from ..outcomes.operations import remind_outcomes as remind

    try:
        notified = remind()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return "reminded 0 (another run got there first)"
    return f"reminded {notified}"


def send_outbox() -> str:
    from ..mail import deliver_pending, pending_count

    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return f"mail off, {pending_count()} waiting"
    report = deliver_pending(config)
    return f"sent {report.sent}, failed {report.failed}" + (f" ({report.error})" if report.error else "")


def refresh_index() -> str:
    """This process's matching index (and the host's snapshot, where the server keeps one)."""
    from .. import matching_service

    publish = getattr(matching_service, "refresh_snapshot", None)  # a per-host snapshot, if kept
    if publish is not None:
        return str(publish())
    svc = current_app.extensions["matching"]
    if svc.needs is None:
        return "index not built in this process"  # built by the server's warm-up, not here
    svc.sync()
    return f"{len(svc.needs)} needs indexed"


def prune() -> str:
    from .exports import prune_exports

    return f"runs {prune_runs()}, exports {prune_exports()}"


JOBS = {"close-expired": close_expired, "remind-overdue": remind_overdue,
        "remind-reviewers": remind_reviewers,
        "send-outbox": send_outbox, "refresh-index": refresh_index, "prune": prune,
        "remind-outcomes": remind_outcomes}


def leased(name: str) -> str:
    run = run_once_per_period(name, period(name), JOBS[name])
    return "skipped: already run this period" if run is None else run.result


@shared_task(name="jobs.close_expired")
def close_expired_task() -> str:
    return leased("close-expired")


@shared_task(name="jobs.remind_overdue")
def remind_overdue_task() -> str:
    return leased("remind-overdue")


@shared_task(name="jobs.remind_reviewers")
def remind_reviewers_task() -> str:
    return leased("remind-reviewers")


@shared_task(name="jobs.remind_outcomes")
def remind_outcomes_task() -> str:
    return leased("remind-outcomes")


@shared_task(name="jobs.send_outbox")
def send_outbox_task(periodic: bool = True) -> str:
    """The beat's sweep runs once per period; a send asked for after a commit runs at once
    (the claims keep two senders apart)."""
    return leased("send-outbox") if periodic else send_outbox()


@shared_task(name="jobs.refresh_index")
def refresh_index_task() -> str:
    return refresh_index()  # per process: every process keeps its own index


@shared_task(name="jobs.prune")
def prune_task() -> str:
    return leased("prune")


@shared_task(name="jobs.export")
def export_task(job_id: int) -> str:
    from .exports import run_export

    return run_export(job_id)
