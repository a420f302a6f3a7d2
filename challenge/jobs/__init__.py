"""Background jobs on Celery (as pretalx does): with CELERY_BROKER_URL set, tasks go to Redis
and run in `celery -A challenge.jobs.celery_app:celery worker`, and the periodic ones are sent
by `... beat`; without it Celery runs tasks eagerly in the calling process, so `make run` needs
nothing else.

Without a broker nobody runs beat, so the periodic jobs ride on the requests instead: after a
response has gone out (WSGI close, so no visitor waits), the process runs whichever periodic job
is due by its own clock; the database lease (lease.py) keeps it to one run per period across
every process and node. No thread or timer is started, so nothing is alive across gunicorn's
fork and nothing runs in an idle process. As before, a 榜 past its deadline is also closed the
moment a page that acts on 榜 is opened (hall.views.close_expired_on_access).

Mail: a transaction that queued an e-mail asks for the outbox to be sent once it commits: the
task is sent to the broker, or (eager) run after the response. Exports run in the worker, or
(eager) in a thread of the process that took the request, since one may take minutes.
"""

import logging
import os
import threading
import time

import click
from celery import Celery, Task
from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import tasks

log = logging.getLogger("challenge.jobs")

DEFAULTS = {
    "CELERY_BROKER_URL": None,       # e.g. redis://127.0.0.1:6379/0; unset: eager, in-process
    "CELERY_RESULT_BACKEND": None,   # defaults to the broker
    "JOBS_CLOSE_EXPIRED_SECONDS": 60,
    "JOBS_REMIND_OVERDUE_SECONDS": 3600,
    "JOBS_REMIND_REVIEWERS_SECONDS": 3600,
    "JOBS_SEND_OUTBOX_SECONDS": 60,
    "JOBS_REFRESH_INDEX_SECONDS": 300,
    "JOBS_PRUNE_SECONDS": 86400,
    "JOBS_REMIND_OUTCOMES_SECONDS": 3600,
    # Periodic jobs after responses (eager mode only); None: on unless TESTING.
    "JOBS_ON_REQUESTS": None,
    # Eager exports in a thread of their own (None: unless TESTING, where they run after the
    # response, so a test's next step never races a file still being written).
    "JOBS_EXPORT_THREAD": None,
}


def init_app(app: Flask) -> Celery:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if not app.config["CELERY_BROKER_URL"] and os.environ.get("CELERY_BROKER_URL"):
        app.config["CELERY_BROKER_URL"] = os.environ["CELERY_BROKER_URL"]  # as DATABASE_URL
    celery = _celery_for(app)
    app.extensions["celery"] = celery
    for name, listener in (("after_flush", _note_queued_mail), ("after_commit", _mail_after_commit),
                           ("after_rollback", _forget_queued_mail)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    app.after_request(_after_response)
    app.extensions["jobs_due"] = {}  # periodic job → when this process next tries it
    app.cli.add_command(jobs_command)
    return celery


@click.group("jobs")
def jobs_command() -> None:
    """Background jobs (Celery worker and beat run them on their own)."""


@jobs_command.command("run")
@click.argument("name", type=click.Choice(sorted(tasks.PERIODIC)))
def run_command(name: str) -> None:
    """Run a periodic job now, unless a node ran it already this period."""
    click.echo(f"{name}: {tasks.leased(name) if name != 'refresh-index' else tasks.refresh_index()}")


@jobs_command.command("status")
def status_command() -> None:
    """Broker, periods and the last run of each periodic job."""
    from sqlalchemy import func, select

    from ..extensions import db
    from ..models import JobRun

    config = current_app.config
    click.echo(f"broker: {config['CELERY_BROKER_URL'] or '无（任务在本进程内执行）'}")
    for name, (_task, key) in tasks.PERIODIC.items():
        last = db.session.scalar(select(func.max(JobRun.started_at)).where(JobRun.name == name))
        if name == "refresh-index":
            last = "（每个进程各自刷新，不记录）"
        click.echo(f"{name:<15} every {config[key]:>6} s   last run: {last or '-'}")


def broker(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("CELERY_BROKER_URL"))


def _celery_for(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    url = app.config["CELERY_BROKER_URL"]
    celery = Celery(app.import_name, task_cls=FlaskTask, set_as_current=False)
    celery.conf.update(
        broker_url=url or "memory://",
        result_backend=app.config["CELERY_RESULT_BACKEND"] or url or None,
        task_always_eager=not url,
        task_eager_propagates=True,
        task_ignore_result=True,
        task_acks_late=True,             # a worker that dies mid-job leaves it for another
        worker_prefetch_multiplier=1,    # exports are long: do not hoard tasks
        broker_connection_retry_on_startup=True,
        timezone="UTC",
        beat_schedule={
            name: {"task": task, "schedule": float(app.config[key]),
                   **({"kwargs": {"periodic": True}} if name == "send-outbox" else {})}
            for name, (task, key) in tasks.PERIODIC.items()},
    )
    celery.set_default()
    return celery


def task(name: str):
    """This app's instance of the task *name* (shared tasks exist once per Celery app)."""
    return current_app.extensions["celery"].tasks[name]


def dispatch(name: str, *args, **kwargs) -> None:
    """Queue a task on the broker, or run it here and now (eager)."""
    task(name).apply_async(args=args, kwargs=kwargs)


# -- mail after commit ---------------------------------------------------------------------

def _note_queued_mail(session, flush_context) -> None:
    from ..models import OutboundEmail

    if any(isinstance(obj, OutboundEmail) and obj.sent_at is None for obj in session.new):
        session.info["mail_queued"] = True


def _forget_queued_mail(session) -> None:
    session.info.pop("mail_queued", None)


def _mail_after_commit(session) -> None:
    if not session.info.pop("mail_queued", False) or not has_app_context():
        return
    if broker() or current_app.config.get("MAIL_SERVER"):
        _send_now_or_later()


def _send_now_or_later() -> None:
    """In a request: after the response (its transaction is over by then). Elsewhere (a
    command, a job): at once, in a fresh app context so this session is left alone."""
    if has_request_context():
        g.send_mail_after_commit = True
        return
    app = current_app._get_current_object()
    _safely(app, "send-outbox", lambda: dispatch("jobs.send_outbox", periodic=False))


# -- after each response ---------------------------------------------------------------------

def _after_response(response):
    app = current_app._get_current_object()
    send_mail = g.pop("send_mail_after_commit", False)
    exports = g.pop("exports_after_response", [])
    due = _due_periodic(app)
    if send_mail or due or exports:
        response.call_on_close(lambda: _run_after_response(app, send_mail, due, exports))
    return response


def _piggyback(app: Flask) -> bool:
    on = app.config["JOBS_ON_REQUESTS"]
    return (not app.testing) if on is None else bool(on)


def _due_periodic(app: Flask) -> list[str]:
    """The periodic jobs this process should try now (eager mode: no beat runs them)."""
    if not _piggyback(app):
        return []
    now, due_at, found = time.time(), app.extensions["jobs_due"], []
    for name, (_task, key) in tasks.PERIODIC.items():
        if name != "refresh-index" and broker(app):
            continue  # beat sends these
        period = max(1, int(app.config[key]))
        if now >= due_at.get(name, 0):
            due_at[name] = (now // period + 1) * period  # the next period's start
            found.append(name)
    return found


def _run_after_response(app: Flask, send_mail: bool, due: list[str], exports: list[int]) -> None:
    with app.app_context():
        for job_id in exports:
            _safely(app, "export", lambda job_id=job_id: dispatch("jobs.export", job_id))
        if send_mail:
            _safely(app, "send-outbox", lambda: dispatch("jobs.send_outbox", periodic=False))
        for name in due:
            _safely(app, name, lambda name=name: dispatch(tasks.PERIODIC[name][0]))


def _safely(app: Flask, name: str, call) -> None:
    """A job that fails is logged (and retried next period); the request is long answered."""
    try:
        with app.app_context():
            call()
    except Exception:
        app.logger.exception("background job %s failed", name)


def start_export(job_id: int) -> None:
    """Run an export job: in the worker (broker), or in a thread of this process (eager): an
    export of 100,000 榜 takes minutes, longer than a sync worker may hold a request."""
    if broker():
        dispatch("jobs.export", job_id)
        return
    app = current_app._get_current_object()
    in_thread = app.config["JOBS_EXPORT_THREAD"]
    if not (not app.testing if in_thread is None else in_thread) and has_request_context():
        g.setdefault("exports_after_response", []).append(job_id)
        return
    thread = threading.Thread(target=_safely, name=f"export-{job_id}",
                              args=(app, "export", lambda: dispatch("jobs.export", job_id)),
                              daemon=True)
    thread.start()
    app.extensions.setdefault("export_threads", []).append(thread)
