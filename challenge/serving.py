"""Serving under a multi-process server (gunicorn with deploy/gunicorn.conf.py): the work done
once before the workers are forked, and `/healthz` for load balancers.

gunicorn imports the app once in its master (preload_app) and forks the workers from it.
`create_server_app` builds the matching indexes there, so the workers share one copy of them
(copy-on-write pages) instead of building ~800 MB each at 100,000 榜, and answers a typo search
at once. It then leaves nothing that must not be copied into a child: the build ran in this
thread, so no other thread exists and no lock is held, and every database connection is
closed, so each worker opens its own.
"""

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import create_app
from .extensions import db

bp = Blueprint("serving", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def create_server_app(**kwargs) -> Flask:
    """The app as a server runs it (wsgi.py): built, with its matching indexes built."""
    app = create_app(**kwargs)
    build_before_fork(app)
    return app


def build_before_fork(app: Flask) -> None:
    """Build the matching indexes in this process and thread, then close every database
    connection. Without a database the site still starts: the first search (or /healthz)
    builds them later, in each worker."""
    with app.app_context():
        try:
            service = app.extensions["matching"]
            service.sync()
            service.prime()
        except Exception:
            app.logger.exception("匹配索引未能在启动时建立（将在首次使用时建立）")
        finally:
            db.session.remove()
            db.engine.dispose()


@bp.get("/healthz")
def healthz():
    """200 when this worker can reach the database and its matching indexes are ready, 503
    otherwise; the JSON says which: {"status", "database": ok|unavailable,
    "index": ready|building|unavailable}."""
    database = _database_state()
    index = _index_state(database == "ok")
    healthy = database == "ok" and index == "ready"
    response = jsonify(status="ok" if healthy else "unavailable", database=database, index=index)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _database_state() -> str:
    """A query on a table the migrations create: a database that answers but was never migrated
    (a new empty SQLite file, say) is not one this app can serve from."""
    try:
        db.session.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("healthz: database unavailable: %s", exc.__class__.__name__)
        return "unavailable"
    return "ok"


def _index_state(database_ok: bool) -> str:
    """Bring the indexes up to date unless another thread is doing so; built already they
    stay "ready" while someone else refreshes them. Missing (the database was down at start),
    this request builds them, and the probes meanwhile see "building"."""
    service = current_app.extensions["matching"]
    if not database_ok:
        return "ready" if service.ready else "unavailable"
    try:
        synced = service.sync(wait=False)
    except SQLAlchemyError:
        db.session.rollback()
        return "ready" if service.ready else "unavailable"
    if not synced:
        return "ready" if service.ready else "building"
    return "ready"
