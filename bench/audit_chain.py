"""What the hash chain costs `record`: audit events per second, chained vs the unchained baseline,
on SQLite and PostgreSQL in the same run.

    python bench/audit_chain.py                                   # SQLite only
    python bench/audit_chain.py --postgres postgresql+psycopg://postgres@127.0.0.1:54329/bench
    python bench/audit_chain.py --events 2000 --existing 100000   # on a longer trail

Each database is migrated to head in a fresh file / schema and holds --existing events first.
"baseline" adds the event exactly as `record` did before the chain (the same ORM row, written
at the next flush, placeholder hashes for the new columns, no lock, no head read, no hashing); "chained" is
today's `record`. Two shapes of work: one event per transaction (a request that changes one
thing and commits), and 20 events per transaction; and four threads appending at once, one event
per transaction (the chain serialises them). `flask audit verify` is timed over the --existing
events first.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from challenge import create_app  # noqa: E402
from challenge.audit_trail.chain import verify_chain  # noqa: E402
from challenge.extensions import db  # noqa: E402
from challenge.models import AuditEvent  # noqa: E402
from challenge.timeutil import utcnow  # noqa: E402
from challenge.workflow import record  # noqa: E402

OBJECT = SimpleNamespace(id=1)
CHANGES = {"title": ["旧的榜名称", "新的榜名称"], "bounty_fen": [100_000_000, 250_000_000]}


def unchained(n: int) -> AuditEvent:
    """The pre-chain `record`: build the row and add it, written at the next flush (placeholder
    hashes for the new columns)."""
    event = AuditEvent(occurred_at=utcnow(), actor_id=None, object_type="challenge", object_id=n,
                       action="edit", from_state=None, to_state=None, reason="基线",
                       changes=CHANGES, prev_hash=secrets.token_hex(32), hash=secrets.token_hex(32))
    db.session.add(event)
    return event


def chained(n: int) -> AuditEvent:
    return record(SimpleNamespace(id=n), "edit", None, object_type="challenge", reason="链",
                  changes=CHANGES)


def rate(write, events: int, per_transaction: int) -> float:
    started = time.perf_counter()
    for n in range(events):
        write(n)
        if (n + 1) % per_transaction == 0:
            db.session.commit()
    db.session.commit()
    return events / (time.perf_counter() - started)


def threaded_rate(app, write, events: int, threads: int) -> tuple[float, int]:
    """Events/s over all threads, and how many transactions gave up waiting for SQLite's write
    lock (its busy timeout: a waiting writer polls, a busy one takes the lock back at once)."""
    each = events // threads
    done, timed_out = [], []

    def work():
        with app.app_context():
            for n in range(each):
                try:
                    write(n)
                    db.session.commit()
                    done.append(n)
                except sa.exc.OperationalError as exc:
                    if "database is locked" not in str(exc):
                        raise
                    db.session.rollback()
                    timed_out.append(n)
            db.session.remove()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(done) / (time.perf_counter() - started), len(timed_out)


def fill(existing: int) -> None:
    """--existing events, chained, written in bulk (as `record` would have chained them)."""
    for start in range(0, existing, 1000):
        for n in range(start, min(existing, start + 1000)):
            chained(n)
        db.session.commit()


def run(url: str, events: int, existing: int) -> dict[str, float]:
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench"},
                     instance_path=tempfile.mkdtemp(prefix="audit-chain-bench-"))
    figures = {}
    with app.app_context():
        upgrade()
        fill(existing)
        started = time.perf_counter()
        report = verify_chain()
        figures["verify (flask audit verify), events/s"] = report.count / (time.perf_counter() - started)
        assert report.intact and report.count == existing, report
        for shape in ("1 per transaction", "20 per transaction", "4 threads"):
            for label, write in (("baseline", unchained), ("chained", chained)):
                if shape == "4 threads":
                    figures[f"{label}, {shape}"], figures[f"{label}, {shape}, lock timeouts"] = (
                        threaded_rate(app, write, events, 4))
                else:
                    figures[f"{label}, {shape}"] = rate(write, events, int(shape.split()[0]))
        db.session.remove()
        db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL database (it is emptied)")
    parser.add_argument("--events", type=int, default=1000, help="events per measurement")
    parser.add_argument("--existing", type=int, default=10_000, help="events in the trail first")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="audit-chain-"))
    urls = {"SQLite": f"sqlite:///{folder / 'bench.sqlite'}"}
    if args.postgres:
        urls["PostgreSQL"] = args.postgres
    results = {name: run(url, args.events, args.existing) for name, url in urls.items()}
    print(f"record(): audit events per second ({args.events} per measurement, "
          f"{args.existing:,} events in the trail first)")
    print(f"{'':34}" + "".join(f"{name:>14}" for name in results))
    for key in next(iter(results.values())):
        print(f"{key:34}" + "".join(f"{figures[key]:>14,.0f}" for figures in results.values()))


if __name__ == "__main__":
    main()
