"""Operations: a request id on every request and log line, logs as text or JSON, Prometheus
metrics at /metrics (off by default), optional Sentry, and the shared upload directory.

- X-Request-ID: a well-formed incoming id (from the load balancer) is kept, anything else is
  replaced by a fresh one; it goes back in the response header and into every log line written
  while the request runs (python-json-logger in JSON mode, `[id]` in text mode).
- METRICS_ENABLED: /metrics exists only then (404 otherwise; nginx keeps it internal). Under
  gunicorn set PROMETHEUS_MULTIPROC_DIR (an empty directory per start) so every worker's
  samples are summed (there are no live gauges, so no child_exit hook is needed).
- SENTRY_DSN: sentry-sdk is initialised only when it is set; nothing is sent otherwise.
"""

import logging
import os
import re
import sys
import time
import uuid
from pathlib import Path

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and a few separators, at most 128: what nginx's $request_id, uuids and most
# tracing systems produce; anything else (spaces, quotes, control characters) is not logged.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")
LOG_HANDLER_NAME = "challenge-ops"


class Defaults:
    """The configuration keys this module reads (merged into DefaultConfig by init_app)."""
    LOG_FORMAT = "text"  # "json" in deploy/: one JSON object per line
    LOG_LEVEL = "INFO"
    LOG_REQUESTS = False  # one line per request (method, path, status, ms); deploy/ turns it on
    METRICS_ENABLED = False
    SENTRY_DSN: str | None = None
    SENTRY_ENVIRONMENT = "production"
    SENTRY_TRACES_SAMPLE_RATE = 0.0


def init_app(app: Flask, explicit: dict | None = None) -> None:
    """*explicit* is the factory's own configuration (tests), which wins over the environment."""
    configure_upload_root(app, explicit)
    for key, value in vars(Defaults).items():
        if key.isupper():
            app.config.setdefault(key, value)
    for key in ("LOG_FORMAT", "LOG_LEVEL", "LOG_REQUESTS", "METRICS_ENABLED", "SENTRY_DSN"):
        # The plain names deploy/ uses; FLASK_<KEY>, instance/config.py or the factory's own
        # configuration win over them.
        if os.environ.get(key) and app.config[key] == getattr(Defaults, key):
            app.config[key] = os.environ[key]
    for key in ("LOG_REQUESTS", "METRICS_ENABLED"):
        app.config[key] = _flag(app.config[key])
    _configure_logging(app)
    app.before_request(_start_request)
    app.after_request(_finish_request)
    if app.config["METRICS_ENABLED"]:
        app.add_url_rule("/metrics", "metrics", metrics_view)
    if app.config.get("SENTRY_DSN"):
        _init_sentry(app)


def configure_upload_root(app: Flask, explicit: dict | None) -> None:
    """UPLOAD_ROOT is the shared upload directory (on a volume every app node and worker
    mounts); UPLOAD_FOLDER is its old name and keeps working. Both keys end up holding the same
    path. Precedence: the test/factory config, the UPLOAD_ROOT environment variable, then
    instance/config.py or FLASK_UPLOAD_ROOT / FLASK_UPLOAD_FOLDER, then instance/uploads."""
    explicit = explicit or {}
    root = (explicit.get("UPLOAD_ROOT") or explicit.get("UPLOAD_FOLDER")
            or os.environ.get("UPLOAD_ROOT")
            or app.config.get("UPLOAD_ROOT") or app.config.get("UPLOAD_FOLDER")
            or Path(app.instance_path) / "uploads")
    app.config["UPLOAD_ROOT"] = app.config["UPLOAD_FOLDER"] = str(root)


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


# -- request id and logs -------------------------------------------------------------------

def current_request_id() -> str:
    if has_request_context():
        return g.get("request_id", "-")
    return "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the moment (as logging.lastResort does), so a
    replaced stderr (pytest's capture, gunicorn's log redirection) is honoured."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def _formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                             rename_fields={"asctime": "time", "levelname": "level",
                                            "name": "logger"},
                             datefmt="%Y-%m-%dT%H:%M:%S%z", json_ensure_ascii=False)
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


def _configure_logging(app: Flask) -> None:
    """One handler on the root logger (replaced, not added, when another app is created in the
    same process), so the app's, SQLAlchemy's and Celery's lines share the format."""
    kind = str(app.config["LOG_FORMAT"]).lower()
    if kind not in ("json", "text"):
        raise ValueError(f"LOG_FORMAT must be json or text, not {kind!r}")
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == LOG_HANDLER_NAME:
            root.removeHandler(handler)
    handler = StderrHandler()
    handler.set_name(LOG_HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(_formatter(kind))
    root.addHandler(handler)
    root.setLevel(str(app.config["LOG_LEVEL"]).upper())
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)  # its lines would come out twice
    try:
        from celery.signals import setup_logging
    except ImportError:  # pragma: no cover - celery is a runtime requirement
        return
    # A Celery worker or beat replaces the root logger's handlers with its own text format
    # unless someone answers this signal: answer it, so their lines are ours (JSON in deploy).
    setup_logging.connect(_keep_our_logging, weak=False, dispatch_uid=LOG_HANDLER_NAME)


def _keep_our_logging(**kwargs) -> None:
    """Celery's setup_logging receiver: the handler configured above stays."""


def _start_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if WELL_FORMED_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    if "sentry_sdk" in sys.modules:
        import sentry_sdk

        if sentry_sdk.is_initialized():
            sentry_sdk.set_tag("request_id", g.request_id)


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is None:  # a response made before our before_request ran
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    seconds = time.perf_counter() - g.request_started
    from flask import current_app

    if current_app.config["METRICS_ENABLED"]:
        _metrics().observe(request.endpoint or "<unmatched>", request.method,
                           response.status_code, seconds)
    if current_app.config["LOG_REQUESTS"]:
        logging.getLogger("challenge.request").info(
            "%s %s %s %.1f ms", request.method, request.path, response.status_code,
            seconds * 1000, extra={"method": request.method, "path": request.path,
                                   "status": response.status_code,
                                   "duration_ms": round(seconds * 1000, 1)})
    return response


# -- metrics -------------------------------------------------------------------------------

class _Metrics:
    """Created on first use so prometheus_client reads PROMETHEUS_MULTIPROC_DIR from the
    environment the server set up."""

    def __init__(self):
        from prometheus_client import Histogram

        self.latency = Histogram(
            "challenge_http_request_duration_seconds", "Time to answer a request",
            ["endpoint", "method", "status"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        self.latency.labels(endpoint, method, str(status)).observe(seconds)


_METRICS: _Metrics | None = None


def _metrics() -> _Metrics:
    global _METRICS
    if _METRICS is None:
        _METRICS = _Metrics()
    return _METRICS


class JobQueueCollector:
    """The length of the Celery default queue, read from the Redis broker at scrape time (a
    Redis list named after the queue), and whether the broker answered."""

    def __init__(self, broker_url: str, queue: str):
        self.broker_url, self.queue = broker_url, queue

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        up = GaugeMetricFamily("challenge_job_broker_up", "1 when the job broker answered")
        length = GaugeMetricFamily("challenge_job_queue_length",
                                   "Jobs waiting in the broker's queue", labels=["queue"])
        try:
            import redis

            client = redis.Redis.from_url(self.broker_url, socket_timeout=2,
                                          socket_connect_timeout=2)
            try:
                waiting = client.llen(self.queue)
            finally:
                client.close()
        except Exception:  # noqa: BLE001 - a scrape must answer even when Redis does not
            logging.getLogger(__name__).warning("job broker did not answer", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        length.add_metric([self.queue], waiting)
        yield up
        yield length


def _broker_url(app: Flask) -> str | None:
    url = app.config.get("CELERY_BROKER_URL") or os.environ.get("CELERY_BROKER_URL")
    return url if url and url.startswith(("redis://", "rediss://", "unix://")) else None


def metrics_view():
    from flask import current_app
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    _metrics()  # the histogram exists (with no samples) before the first request is counted
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    output = generate_latest(registry)
    broker = _broker_url(current_app)
    if broker:
        queues = CollectorRegistry()
        queues.register(JobQueueCollector(
            broker, current_app.config.get("CELERY_TASK_DEFAULT_QUEUE", "celery")))
        output += generate_latest(queues)
    return Response(output, mimetype=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


# -- Sentry --------------------------------------------------------------------------------

def _init_sentry(app: Flask) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(dsn=app.config["SENTRY_DSN"], integrations=[FlaskIntegration()],
                    environment=app.config["SENTRY_ENVIRONMENT"],
                    traces_sample_rate=float(app.config["SENTRY_TRACES_SAMPLE_RATE"]),
                    send_default_pii=False)
