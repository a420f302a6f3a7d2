"""揭榜挂帅 platform: the application factory."""

import os
from importlib import import_module
from pathlib import Path

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from . import caching, locales, observability, security
from .config import DEV_SECRET_KEY, DefaultConfig
from .extensions import babel, bootstrap, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
# The stages whose flows.py register their steps with the door (challenge/workflow.py).
STAGES = ("posting", "bidding", "reviewing", "awarding", "orgs", "bodies", "changes")


class InsecureConfigError(RuntimeError):
    pass


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the app; *instance_path* lets tests use a folder without the machine's config."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()  # FLASK_* variables
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.update(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'challenge.sqlite'}")
    observability.init_app(app, test_config)  # UPLOAD_ROOT, request id, logs, /metrics, Sentry
    _refuse_dev_secret(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=locales.select_locale,
                   timezone_selector=lambda: "Asia/Shanghai")
    locales.init_app(app)  # ?lang= switch: cookie and saved setting; <html lang>
    _configure_sqlite(app)
    security.init_app(app)
    caching.init_app(app)  # page cache, compression, static and Cache-Control headers
    from . import boundary

    boundary.init_app(app)  # before the blueprints: their <int:...> rules take its converter
    from .matching_service import MatchingService

    app.extensions["matching"] = MatchingService()

    from . import filters, locking, models  # noqa: F401  (models register with the metadata)

    for stage in STAGES:  # each stage registers its steps with the door: <stage>/flows.py
        import_module(f".{stage}.flows", __name__)
    from . import workflow_table

    workflow_table.init_app(app)  # flask workflow-table
    from .account.views import bp as account_bp
    from .admin.views import bp as admin_bp
    from .audit_trail.views import bp as audit_bp
    from .auth import email_views, two_factor_views  # noqa: F401  (their routes join auth's bp)
    from .auth import init_app as auth_init_app
    from .auth.views import bp as auth_bp
    from .awarding import (
        advance_views,  # noqa: F401  (前置兑现 and 递补 pages, awarding bp)
        diligence_views,  # noqa: F401  (its routes join awarding's bp)
        progress_views,  # noqa: F401  (its routes join awarding's bp)
    )
    from .awarding.views import bp as awarding_bp
    from .bidding import question_views  # noqa: F401  (its routes join bidding's bp)
    from .bidding.views import bp as bidding_bp
    from .bodies.views import bp as bodies_bp
    from .changes.views import bp as changes_bp
    from .experts.views import bp as experts_bp
    from .exports.views import bp as exports_bp
    from .hall.views import bp as hall_bp
    from .integrity.views import bp as integrity_bp
    from .orgs import views as orgs_views
    from .outcomes.views import bp as outcomes_bp
    from .posting.views import bp as posting_bp
    from .reviewing import deadline_views, results_views  # noqa: F401  (routes join reviewing's bp)
    from .reviewing.views import bp as reviewing_bp
    from .stats import gap_views  # noqa: F401  (its routes join stats' bp)
    from .stats.views import bp as stats_bp

    app.register_blueprint(auth_bp)
    auth_init_app(app)  # throttling counters, the confirm / two-factor gate, /terms, /privacy
    app.register_blueprint(hall_bp)
    app.register_blueprint(posting_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(changes_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(reviewing_bp)
    app.register_blueprint(bidding_bp)
    app.register_blueprint(experts_bp)
    app.register_blueprint(stats_bp)
    app.register_blueprint(awarding_bp)
    app.register_blueprint(orgs_views.bp)
    app.register_blueprint(integrity_bp)
    app.register_blueprint(bodies_bp)
    app.register_blueprint(outcomes_bp)
    filters.register(app)

    from .cli import register as register_cli

    register_cli(app)
    _register_errors(app)
    locking.init_app(app)
    from . import serving
    from .jobs import init_app as jobs_init_app

    jobs_init_app(app)  # Celery: Redis when CELERY_BROKER_URL is set, eager otherwise
    serving.init_app(app)  # /healthz
    return app


def _refuse_dev_secret(app: Flask) -> None:
    if app.debug or app.testing:
        return
    if app.config.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY):
        raise InsecureConfigError(
            "拒绝启动：SECRET_KEY 仍是开发用默认值。请设置环境变量 SECRET_KEY（例如 "
            "`export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')`），"
            "或在 instance/config.py 中写入 SECRET_KEY = '...'。"
            " Refusing to start with the development SECRET_KEY: set SECRET_KEY.")


def _configure_sqlite(app: Flask) -> None:
    """Foreign keys on, a busy timeout so concurrent writers wait instead of failing, the
    write-ahead log (readers and the one writer no longer block each other, so several server
    processes never answer "database is locked"; the mode is kept in the file), and the
    database file memory-mapped (SQLITE_MMAP_SIZE bytes): reads of a large database then skip a
    system call per page, which made the statistics' scans about a third faster at 100k 榜."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    mmap_size = int(app.config["SQLITE_MMAP_SIZE"])

    def _pragmas(dbapi_connection, connection_record):  # pragma: no cover - driver hook
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA mmap_size={mmap_size}")
        cursor.close()

    with app.app_context():  # this app's engine only (not every engine in the process)
        event.listen(db.engine, "connect", _pragmas)


def _register_errors(app: Flask) -> None:
    def page(code: int, title, message):
        return render_template("errors/error.html", code=code, title=title, message=message), code

    @app.errorhandler(403)
    def forbidden(e):
        return page(403, _l("无权访问"),
                    _l("您没有权限查看此页面或执行此操作。如需访问，请先登录合适的账号或联系管理员。"))

    @app.errorhandler(404)
    def not_found(e):
        return page(404, _l("页面不存在"), _l("您访问的页面不存在或已被删除。"))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return page(400, _l("页面已过期"), _l("表单已过期或缺少安全令牌，请返回上一页刷新后重试。"))

    @app.errorhandler(413)
    def too_large(e):
        return page(413, _l("文件过大"), _l("上传的内容超过了大小限制。"))

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        return page(500, _l("系统错误"), _l("服务器处理时出现问题，已记录。请稍后重试。"))
