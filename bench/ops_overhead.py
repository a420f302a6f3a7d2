"""What the operations layer costs per request: server CPU of the sign-in page with the
defaults (request id, text logs) beside the deploy settings (JSON request log line and the
Prometheus latency histogram), and beside a bare Flask app answering "hello", measured in the
same run, in-process through the WSGI test client (no network, no server).

    .venv/bin/python bench/ops_overhead.py [--requests 1000] [--rounds 5]

The machine is shared: compare the rows of one run, not figures across runs."""

import argparse
import io
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stderr
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from host import cpu_model  # noqa: E402  (bench/, the script's own folder)

from challenge import create_app  # noqa: E402


def cpu_ms_per_request(client, path: str, requests: int) -> float:
    for _ in range(50):  # warm-up: templates compiled, caches filled
        client.get(path)
    start = time.process_time()
    for _ in range(requests):
        client.get(path)
    return (time.process_time() - start) * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="ops-bench-")
    base = {"TESTING": True, "SECRET_KEY": "bench", "UPLOAD_ROOT": f"{instance}/uploads",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite"}
    bare = Flask("bare")
    bare.add_url_rule("/", "hello", lambda: "hello")
    rows = [("bare Flask hello", bare.test_client(), "/")]
    defaults = create_app(dict(base), instance_path=instance)
    with defaults.app_context(), redirect_stderr(io.StringIO()):
        upgrade()
    rows.append(("sign-in page, defaults (text logs, metrics off)", defaults.test_client(),
                 "/auth/login"))
    deploy = create_app(dict(base, LOG_FORMAT="json", LOG_REQUESTS=True, METRICS_ENABLED=True),
                        instance_path=instance)
    rows.append(("sign-in page, deploy (JSON request line, metrics on)", deploy.test_client(),
                 "/auth/login"))
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"{cpu_model('unknown CPU')}, Python {platform.python_version()}")
    print(f"{args.requests} requests per round, {args.rounds} rounds taken in turn; "
          "server CPU per request (in-process), median and range of the rounds:")
    sink = io.StringIO()
    figures: dict[str, list[float]] = {label: [] for label, _, _ in rows}
    for _ in range(args.rounds):  # in turn, so a busy moment of the machine hits every row
        for label, client, path in rows:
            with redirect_stderr(sink):  # the JSON lines are formatted and written, then dropped
                figures[label].append(cpu_ms_per_request(client, path, args.requests))
            sink.seek(0)
            sink.truncate()
    for label, values in figures.items():
        print(f"  {label:<55} {statistics.median(values):7.3f} ms "
              f"({min(values):.3f}–{max(values):.3f})")
    logging.shutdown()


if __name__ == "__main__":
    main()
