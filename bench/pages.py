"""Page speed on a big database: median and p95 per list page, on SQLite and PostgreSQL.

    python bench/seed_big.py                       # once: 100k 榜, 300k bids, 1M audit events
    python bench/pages.py                          # SQLite at /tmp/challenge-bench.sqlite
    python bench/pages.py --runs 30 --postgres postgresql+psycopg://postgres@127.0.0.1:54329/bench
    python bench/pages.py --exports                # also time the exports (one run each)
    python bench/pages.py --explain "/admin/audit/?action=publish"   # the SQL and its plans

Each page is requested in-process through Flask's test client, signed in with a real login
as the account the page is for (the bureau, an enterprise, a solver, a reviewer), the first
request apart ("first": caches and the database's pages warm up), then --runs more. The
matching indexes are built first, as the server does before it forks its workers. Pages
another part of the product adds later are reported as "absent" while they answer 404.
Target: median ≤ 300 ms on SQLite on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from challenge import create_app  # noqa: E402
from challenge.extensions import db  # noqa: E402
from challenge.models import AuditEvent  # noqa: E402
from challenge.serving import build_before_fork  # noqa: E402
from challenge.timeutil import local_date  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed_big import DEFAULT_SQLITE, PASSWORD  # noqa: E402

TARGET_MS = 300


def pages(ids: dict) -> list[tuple[str, str | None, str]]:
    """(label, account, path) for every list page; account None = anonymous visitor."""
    month_start, month_end = ids["month"]
    return [
        ("hall", None, "/"),
        ("hall, filtered (kind + field)", None, "/?kind=chokepoint&field=新材料"),
        ("hall, keyword search", None, "/?q=碳纤维"),
        ("hall, typo search (matcher)", None, "/?q=碳纤唯复合材料"),
        ("hall, all states by bounty", None, "/?state=all&sort=bounty"),
        ("hall, signed-in solver", "solver", "/"),
        ("admin index", "admin", "/admin/"),
        ("admin challenges (screening)", "admin", "/admin/challenges"),
        ("admin challenges, all", "admin", "/admin/challenges?state=all"),
        ("admin challenges, closed p.100", "admin", "/admin/challenges?state=closed&page=100"),
        ("results", None, "/results"),
        ("results, page 200", None, "/results?page=200"),
        ("results/closed", None, "/results/closed"),
        ("my contracts (solver)", "solver", "/my/contracts"),
        ("my contracts (enterprise)", "enterprise", "/my/contracts"),
        ("admin statistics", "admin", "/admin/statistics"),
        ("admin statistics, all time", "admin", "/admin/statistics?period=all"),
        *[(f"statistics records: {figure}", "admin", f"/admin/statistics/records?figure={figure}")
          for figure in ("published", "state:closed", "bid_challenges", "matched", "bids", "days_to_contract",
                         "contracts", "paid_total", "overdue", "reviews")],
        ("statistics records, all time", "admin", "/admin/statistics/records?figure=bids&period=all"),
        ("public statistics", None, "/statistics"),
        ("admin audit", "admin", "/admin/audit/"),
        ("admin audit, one 榜", "admin", f"/admin/audit/?type=challenge&id={ids['busy_challenge']}"),
        ("admin audit, one actor", "admin", f"/admin/audit/?actor={ids['admin']}"),
        ("admin audit, actor by name", "admin", f"/admin/audit/?actor={ids['admin_name']}"),
        ("admin audit, action", "admin", "/admin/audit/?action=publish"),
        ("admin audit, one month", "admin", f"/admin/audit/?start={month_start}&end={month_end}"),
        ("admin audit, type + month", "admin",
         f"/admin/audit/?type=contract&start={month_start}&end={month_end}"),
        ("admin audit, page 2000", "admin", "/admin/audit/?page=2000"),
        ("admin experts", "admin", "/admin/experts/"),
        ("admin panels", "admin", "/admin/panels"),
        ("admin users", "admin", "/admin/users"),
        ("admin exports page", "admin", "/admin/exports/"),
        ("my challenges (enterprise)", "enterprise", "/my/challenges"),
        ("my proposals (solver)", "solver", "/my/proposals"),
        ("my reviews (reviewer)", "reviewer", "/reviews"),
    ]


EXPORTS = [
    ("challenges this year", "/admin/exports/challenges.{fmt}?period=this_year"),
    ("bids this year", "/admin/exports/bids.{fmt}?period=this_year"),
    ("reviews this year", "/admin/exports/reviews.{fmt}?period=this_year"),
    ("contracts, all", "/admin/exports/contracts.{fmt}"),
    ("milestones, all", "/admin/exports/milestones.{fmt}"),
    ("ledger, all", "/admin/exports/ledger.{fmt}"),
    ("audit, one month", "/admin/exports/audit.{fmt}?start={month_start}&end={month_end}"),
    ("challenges, all (100k)", "/admin/exports/challenges.{fmt}?period=all"),
]


def accounts(app) -> dict:
    """The accounts the pages are for: the busiest of each role, and some handy ids."""
    with app.app_context():
        q = db.session.execute
        admin_id, admin_name = q(sa.text(
            "SELECT u.id, u.name FROM users u WHERE u.role = 'admin' ORDER BY u.id LIMIT 1")).one()
        solver = q(sa.text(
            "SELECT p.team_lead_id FROM contracts c JOIN proposals p ON p.id = c.proposal_id "
            "GROUP BY p.team_lead_id ORDER BY count(*) DESC, p.team_lead_id LIMIT 1")).scalar()
        enterprise = q(sa.text(
            "SELECT u.id FROM users u JOIN challenges c ON c.issuer_org_id = u.organization_id "
            "WHERE u.role = 'enterprise' GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1")).scalar()
        reviewer = q(sa.text(
            "SELECT reviewer_id FROM review_assignments GROUP BY reviewer_id "
            "ORDER BY count(*) DESC, reviewer_id LIMIT 1")).scalar()
        busy = q(sa.text(
            "SELECT object_id FROM audit_events WHERE object_type = 'challenge' "
            "AND object_id = (SELECT max(id) FROM challenges WHERE state = 'closed')")).scalar()
        emails = dict(q(sa.text("SELECT id, email FROM users WHERE id IN (:a, :b, :c, :d)"),
                        {"a": admin_id, "b": solver, "c": enterprise, "d": reviewer}).all())
        newest = db.session.scalar(sa.select(sa.func.max(AuditEvent.occurred_at)))
    last_day = local_date(newest) if newest else date.today()
    month_start, month_end = last_day.replace(day=1).isoformat(), last_day.isoformat()
    return {"admin": admin_id, "admin_name": admin_name, "busy_challenge": busy or 1,
            "month": (month_start, month_end),
            "emails": {"admin": emails[admin_id], "solver": emails[solver],
                       "enterprise": emails[enterprise], "reviewer": emails[reviewer]}}


def client_for(app, account: str | None, emails: dict):
    client = app.test_client()
    if account:
        response = client.post("/auth/login", data={"login": emails[account], "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"cannot log in as {account} ({emails[account]}): {response.status_code}")
    return client


def time_page(client, path: str, runs: int) -> tuple[int, float, list[float]]:
    started = time.perf_counter()
    response = client.get(path)
    response.get_data()
    first = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        return response.status_code, first, []
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        response.get_data()
        timings.append((time.perf_counter() - started) * 1000)
    return 200, first, timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def machine(url: str, app) -> str:
    with app.app_context():
        if url.startswith("postgresql"):
            version = "PostgreSQL " + db.session.execute(sa.text("SHOW server_version")).scalar()
        else:
            version = f"SQLite {sqlite3.sqlite_version}"
    return (f"{platform.platform()} | CPUs: {os.cpu_count()} | Python {platform.python_version()} | "
            f"SQLAlchemy {sa.__version__} | {version}")


def make_app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                       "TESTING": True}, instance_path=str(Path("/tmp/challenge-bench-instance")))


def run(url: str, runs: int, exports: bool, only: str | None) -> None:
    app = make_app(url)
    ids = accounts(app)
    print(f"\n== {url.split('@')[-1] if url.startswith('postgresql') else url}")
    print(machine(url, app))
    with app.app_context():
        counts = {t: db.session.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                  for t in ("challenges", "proposals", "audit_events", "reviews", "contracts",
                            "ledger_entries")}
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    started = time.perf_counter()
    build_before_fork(app)  # as wsgi.py does when the server starts
    print(f"matching indexes built at start-up (before the fork): {time.perf_counter() - started:.1f} s")
    print(f"{'page':36} {'path':58} {'first':>8} {'median':>8} {'p95':>8}")
    clients: dict = {}
    slow = []
    for label, account, path in pages(ids):
        if only and only not in label and only not in path:
            continue
        if account not in clients:
            clients[account] = client_for(app, account, ids["emails"])
        status, first, timings = time_page(clients[account], path, runs)
        shown = path if len(path) <= 58 else path[:55] + "..."
        if status == 404:
            print(f"{label:36} {shown:58} {'absent (404)':>26}")
            continue
        if status != 200:
            print(f"{label:36} {shown:58} HTTP {status}")
            continue
        median = statistics.median(timings)
        flag = "" if median <= TARGET_MS else "  > target"
        if median > TARGET_MS:
            slow.append(label)
        print(f"{label:36} {shown:58} {first:8.0f} {median:8.1f} {p95(timings):8.1f}{flag}")
    print(f"pages over {TARGET_MS} ms median: {', '.join(slow) if slow else 'none'}")
    if exports:
        month_start, month_end = ids["month"]
        print(f"\n{'export (one run each)':28} {'xlsx s':>8} {'xlsx MB':>8} {'csv s':>8} {'csv MB':>8}")
        client = clients.get("admin") or client_for(app, "admin", ids["emails"])
        for label, template in EXPORTS:
            figures = []
            for fmt in ("xlsx", "csv"):
                path = template.format(fmt=fmt, month_start=month_start, month_end=month_end)
                started = time.perf_counter()
                response = client.get(path)
                size = len(response.get_data())
                figures += [time.perf_counter() - started, size / 1e6]
            print(f"{label:28} {figures[0]:8.1f} {figures[1]:8.1f} {figures[2]:8.1f} {figures[3]:8.1f}")


def explain(url: str, path: str, account: str) -> None:
    """Print each SQL statement a page runs, its time and the database's plan for it."""
    app = make_app(url)
    ids = accounts(app)
    client = client_for(app, None if account == "anonymous" else account, ids["emails"])
    client.get(path).get_data()  # warm up
    seen = []
    with app.app_context():
        engine = db.engine

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info.setdefault("started", []).append(time.perf_counter())

        def after(conn, cursor, statement, parameters, context, executemany):
            took = (time.perf_counter() - conn.info["started"].pop()) * 1000
            seen.append((took, statement, parameters))

        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)
        started = time.perf_counter()
        client.get(path).get_data()
        total = (time.perf_counter() - started) * 1000
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
        print(f"{path}: {total:.1f} ms, {len(seen)} statements, "
              f"{sum(t for t, _s, _p in seen):.1f} ms in SQL")
        prefix = "EXPLAIN ANALYZE " if url.startswith("postgresql") else "EXPLAIN QUERY PLAN "
        with engine.connect() as conn:
            for took, statement, parameters in sorted(seen, key=lambda s: -s[0])[:8]:
                print(f"\n-- {took:.1f} ms\n{statement}\n{parameters}")
                for row in conn.exec_driver_sql(prefix + statement, parameters).all():
                    print("   ", " | ".join(str(v) for v in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", default=DEFAULT_SQLITE)
    parser.add_argument("--postgres", help="also measure this PostgreSQL database (SQLAlchemy URL)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page after the first")
    parser.add_argument("--exports", action="store_true", help="also time the exports")
    parser.add_argument("--only", help="only pages whose label or path contains this")
    parser.add_argument("--explain", metavar="PATH", help="show the SQL and plans of one page")
    parser.add_argument("--as", dest="account", default="admin",
                        choices=("admin", "enterprise", "solver", "reviewer", "anonymous"))
    args = parser.parse_args()
    urls = [] if args.no_sqlite else [f"sqlite:///{Path(args.sqlite).resolve()}"]
    if args.postgres:
        urls.append(args.postgres)
    if args.sqlite and not args.no_sqlite and not Path(args.sqlite).exists():
        raise SystemExit(f"{args.sqlite} does not exist: run bench/seed_big.py first")
    for url in urls:
        if args.explain:
            explain(url, args.explain, args.account)
        else:
            run(url, args.runs, args.exports, args.only)


if __name__ == "__main__":
    main()
