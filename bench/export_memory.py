"""Peak memory and time of a large export: the old in-request export beside the background job.

    python bench/seed_big.py --sqlite /tmp/jobs-bench.sqlite     # once: 100k 榜 ...
    python bench/export_memory.py --sqlite /tmp/jobs-bench.sqlite [--table challenges] [--fmt xlsx]

Each way runs in a fresh process (so one's peak cannot hide the other's):
- "in-request": the export view as a request runs it (GET /admin/exports/<table>.<fmt>, signed
  in as the bureau), its response read through to the end, as a server would send it;
- "background": the export job (challenge.jobs.exports.run_export) writing the file under the
  upload root, as the worker (or the eager thread) runs it.
Printed per way: rows, file size, wall time, the process's resident memory before the export
(app loaded) and its peak (ru_maxrss), and the growth of its own heap (RssAnon, which leaves
out the SQLite file's pages mapped with mmap). The machine is shared: compare the
two ways of one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from host import cpu_model  # noqa: E402  (bench/, the script's own folder)


def rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


class AnonPeak(threading.Thread):
    """The highest RssAnon seen (sampled every 20 ms): the process's own heap, without the
    pages of the SQLite file it reads through mmap, which VmRSS and ru_maxrss also count."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak, self.running = rss_mb("RssAnon"), True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb("RssAnon"))
            time.sleep(0.02)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(way: str, url: str, table: str, fmt: str) -> dict:
    from flask_login import login_user
    from sqlalchemy import select

    from challenge import create_app
    from challenge.extensions import db
    from challenge.models import ExportJob, User
    from challenge.states import Role

    uploads = tempfile.mkdtemp(prefix="export-bench-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench",
                      "UPLOAD_FOLDER": uploads})
    with app.app_context():
        admin = db.session.scalars(select(User).where(User.role == Role.ADMIN).limit(1)).one()
        before, anon_before = rss_mb(), rss_mb("RssAnon")
        sampler = AnonPeak()
        sampler.start()
        start = time.perf_counter()
        if way == "in-request":
            from challenge.exports.views import download

            with app.test_request_context(f"/admin/exports/{table}.{fmt}"):
                login_user(admin)
                response = download(table, fmt)
                size = sum(len(chunk) for chunk in response.response)
                response.close()
            rows = None
        else:
            from challenge.jobs.exports import file_path, run_export

            job = ExportJob(requested_by_id=admin.id, table=table, fmt=fmt, args="",
                            stored_name=f"bench.{fmt}", filename=f"bench.{fmt}", fallback="b")
            db.session.add(job)
            db.session.commit()
            run_export(job.id)
            job = db.session.get(ExportJob, job.id)
            rows, size = job.rows_done, file_path(job).stat().st_size
            db.session.delete(job)
            db.session.commit()
        seconds = time.perf_counter() - start
        sampler.running = False
        sampler.join()
    return {"way": way, "rows": rows, "bytes": size, "seconds": round(seconds, 1),
            "rss_before_mb": round(before, 1), "peak_mb": round(peak_mb(), 1),
            "growth_mb": round(peak_mb() - before, 1), "anon_before_mb": round(anon_before, 1),
            "anon_growth_mb": round(sampler.peak - anon_before, 1)}


def machine() -> str:
    model = cpu_model()
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", default="/tmp/challenge-bench.sqlite")
    parser.add_argument("--postgres", help="a seeded PostgreSQL database (SQLAlchemy URL)")
    parser.add_argument("--table", default="challenges")
    parser.add_argument("--fmt", default="xlsx", choices=("xlsx", "csv"))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.postgres or f"sqlite:///{args.sqlite}"
    if args.one:
        print(json.dumps(one(args.one, url, args.table, args.fmt)))
        return
    print(f"machine: {machine()}")
    print(f"database: {url.split('@')[-1]}  table: {args.table}.{args.fmt}")
    print(f"{'way':<12}{'rows':>9}{'MB out':>9}{'seconds':>9}{'RSS before':>12}{'peak RSS':>10}"
          f"{'growth':>9}{'heap before':>13}{'heap growth':>13}")
    for way in ("in-request", "background"):
        out = subprocess.run([sys.executable, __file__, "--one", way, "--table", args.table,
                              "--fmt", args.fmt, *(["--postgres", args.postgres] if args.postgres
                                                   else ["--sqlite", args.sqlite])],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['way']:<12}{r['rows'] if r['rows'] is not None else '-':>9}"
              f"{r['bytes'] / 1e6:>9.1f}{r['seconds']:>9}{r['rss_before_mb']:>11} M"
              f"{r['peak_mb']:>9} M{r['growth_mb']:>8} M{r['anon_before_mb']:>12} M"
              f"{r['anon_growth_mb']:>12} M")
    print("RSS and its peak count the SQLite file's pages read through mmap (SQLITE_MMAP_SIZE);"
          " heap = RssAnon, the process's own memory, sampled every 20 ms.")


if __name__ == "__main__":
    main()
