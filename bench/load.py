"""Load on the real server: the app and a bare Flask "hello" under the same gunicorn, side by side.

    python bench/seed_big.py                      # once: 100k 榜 in /tmp/challenge-bench.sqlite
    python bench/load.py                          # 3 s per page and concurrency (1, 8, 64)
    python bench/load.py --seconds 5 --concurrency 1,8,64 --sqlite /path/big.sqlite
    python bench/load.py --postgres postgresql+psycopg://postgres@127.0.0.1:54331/bench
    python bench/load.py --redis redis://127.0.0.1:6379/0     # the page cache in Redis
    python bench/load.py --only signed-in --baseline HEAD~3 --rounds 5   # before / after

Both servers start with the same gunicorn command line: `-c deploy/gunicorn.conf.py` when the
repository has it, else `--workers 2` (sync workers); `--workers N` overrides either. The app
is `wsgi:app` (what `make run` serves), so it warms its matching indexes as it starts: the
script waits until the server is idle before measuring. Each page is driven by C concurrent
clients (asyncio, one connection per request, as gunicorn's sync workers close every one) for
a few seconds; printed per page and concurrency: requests per second, p50 / p99 latency, the
responses that were not 200, and the server's CPU per request (user + system time of the
gunicorn master and workers from /proc, over the measured requests) beside the bare app.

`--baseline REV` serves a third app from that revision of the repository (`git archive` into
/tmp, with this tree's compiled translations) over the same database, and measures it beside
the app of this tree: each cell is measured in `--rounds` alternating turns (baseline, app,
baseline, app, ...), so both see the same moments of a busy machine; the figures of a cell add
up its turns.

Periodic jobs are off in the measured servers (FLASK_JOBS_ON_REQUESTS=false): without a broker
they ride on responses (challenge/jobs), and an hourly reminder sweep over 100k 榜 landing in one
cell would be charged to that page; with Celery they run in the worker, not the app. `--jobs`
leaves them on.

The client runs on the same machine and takes CPU from the server: the bare app's figures are
measured under the same handicap, in the same run, which keeps the comparison fair. The
machine is shared; rerun when the load average printed at the top is high.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from host import cpu_model  # noqa: E402  (bench/, the script's own folder)
from seed_big import DEFAULT_SQLITE, PASSWORD  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
TARGET_CPU_MS = 5.0
TARGET_SHARE = 0.25


# -- servers -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_args(workers: int | None) -> list[str]:
    config = ROOT / "deploy" / "gunicorn.conf.py"
    args = ["-c", str(config)] if config.exists() else ["--workers", "2"]
    if workers:
        args += ["--workers", str(workers)]
    return args


def export_revision(rev: str) -> Path:
    """The repository at *rev*, unpacked in /tmp, with this tree's compiled translations (the
    .mo files are built, not committed) and its node_modules (static assets)."""
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    target = Path(f"/tmp/bench-load-{commit}")
    if not target.exists():
        partial = Path(f"{target}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT,
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive, check=True)
        for mo in ROOT.glob("translations/*/LC_MESSAGES/*.mo"):
            copy = partial / mo.relative_to(ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(mo, copy)
        if (ROOT / "node_modules").exists():
            (partial / "node_modules").symlink_to(ROOT / "node_modules")
        partial.rename(target)
    return target


class Server:
    def __init__(self, name: str, target: str, args: list[str], env: dict, log: Path,
                 root: Path = ROOT):
        self.name, self.port = name, free_port()
        self.log = log.open("w")
        cmd = [str(Path(sys.executable).with_name("gunicorn")), *args,
               "--bind", f"127.0.0.1:{self.port}", target]
        self.process = subprocess.Popen(cmd, cwd=root, env={**env, "PYTHONPATH": str(root)},
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {self.log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        # Wait for the start-up work (matching indexes) to end: CPU idle for 2 s running.
        quiet = 0
        while time.monotonic() < deadline and quiet < 2:
            before = self.cpu_seconds()
            time.sleep(1)
            quiet = quiet + 1 if self.cpu_seconds() - before < 0.05 else 0

    def pids(self) -> list[int]:
        master = self.process.pid
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    children.append(int(entry.name))
        return [master, *children]

    def cpu_seconds(self) -> float:
        """User + system time of the master, its live workers and the workers it reaped."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
            if pid == self.process.pid:
                total += int(fields[13]) + int(fields[14])  # cutime, cstime (reaped workers)
        return total / TICKS

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


# -- the client ----------------------------------------------------------------------------

@dataclass
class Result:
    requests: int
    seconds: float
    latencies: list[float]
    not_ok: int
    cpu_ms: float  # server CPU per request
    client_cpu_ms: float

    def __add__(self, other: Result) -> Result:
        n = self.requests + other.requests
        return Result(n, self.seconds + other.seconds, self.latencies + other.latencies,
                      self.not_ok + other.not_ok,
                      (self.cpu_ms * self.requests + other.cpu_ms * other.requests) / max(n, 1),
                      (self.client_cpu_ms * self.requests
                       + other.client_cpu_ms * other.requests) / max(n, 1))

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def raw_request(port: int, path: str, cookie: str | None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
             "Accept: text/html", "Accept-Encoding: gzip, deflate, br, zstd",
             "User-Agent: bench-load"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def drive(port: int, raw: bytes, concurrency: int, seconds: float):
    latencies: list[float] = []
    statuses: list[int] = []
    stop_at = time.perf_counter() + seconds

    async def client():
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(raw)
                data = await reader.read()
                writer.close()
                status = int(data[9:12]) if data.startswith(b"HTTP/") else 0
            except (OSError, ValueError):
                status = 0
            latencies.append(time.perf_counter() - started)
            statuses.append(status)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, statuses, time.perf_counter() - started


def measure(server: Server, path: str, cookie: str | None, concurrency: int,
            seconds: float) -> Result:
    raw = raw_request(server.port, path, cookie)
    asyncio.run(drive(server.port, raw, min(concurrency, 8), 0.5))  # warm the page and caches
    cpu_before, client_before = server.cpu_seconds(), time.process_time()
    latencies, statuses, elapsed = asyncio.run(drive(server.port, raw, concurrency, seconds))
    cpu = server.cpu_seconds() - cpu_before
    client_cpu = time.process_time() - client_before
    n = len(statuses)
    return Result(n, elapsed, latencies, sum(1 for s in statuses if s != 200),
                  cpu * 1000 / max(n, 1), client_cpu * 1000 / max(n, 1))


def sign_in(port: int, email: str) -> str:
    """A real sign-in (CSRF token and all); returns the Cookie header of the session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    html = opener.open(f"{base}/auth/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    data = {"login": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    response = opener.open(f"{base}/auth/login", urllib.parse.urlencode(data).encode())
    if "/auth/login" in response.geturl():
        raise SystemExit(f"cannot sign in as {email}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


# -- the run -------------------------------------------------------------------------------

def subjects(url: str) -> dict:
    """The signed-in solver (the busiest), an open public 榜 (SQLite databases only)."""
    if not url.startswith("sqlite:///"):
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            return _subjects(lambda q: conn.execute(sa.text(q)).scalar())
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return _subjects(lambda q: conn.execute(q).fetchone()[0])


def _subjects(scalar) -> dict:
    solver = scalar("SELECT u.email FROM users u JOIN proposals p ON p.team_lead_id = u.id "
                    "GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1")
    challenge = scalar("SELECT max(id) FROM challenges WHERE state = 'open' "
                       "AND confidentiality = 'public'")
    results = scalar("SELECT max(id) FROM challenges WHERE state = 'closed'")
    return {"solver": solver, "challenge": challenge, "results": results}


def machine() -> str:
    model = cpu_model()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({model}), "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
            f"load average at start {load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", default=DEFAULT_SQLITE)
    parser.add_argument("--postgres", help="measure over this PostgreSQL database instead")
    parser.add_argument("--redis", help="keep the page cache in this Redis (CACHE_REDIS_URL)")
    parser.add_argument("--seconds", type=float, default=3.0, help="per page and concurrency")
    parser.add_argument("--concurrency", default="1,8,64")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config)")
    parser.add_argument("--only", help="only pages whose label contains this")
    parser.add_argument("--baseline", metavar="REV",
                        help="also serve the app of this git revision and measure it alongside")
    parser.add_argument("--jobs", action="store_true",
                        help="leave the periodic jobs on in the app servers (see above)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="alternating turns per cell (baseline and app), seconds each")
    args = parser.parse_args()
    url = args.postgres or f"sqlite:///{Path(args.sqlite).resolve()}"
    if not args.postgres and not Path(args.sqlite).exists():
        raise SystemExit(f"{args.sqlite} is missing: run bench/seed_big.py first")
    levels = [int(x) for x in args.concurrency.split(",")]
    ids = subjects(url)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16)}
    if args.redis:
        env["FLASK_CACHE_REDIS_URL"] = args.redis
    if not args.jobs:
        env["FLASK_JOBS_ON_REQUESTS"] = "false"
    g_args = gunicorn_args(args.workers)
    print(machine())
    print(f"database: {url.split('@')[-1]}; gunicorn {' '.join(g_args)}; "
          f"{args.seconds:g} s per page and concurrency; page cache: "
          f"{'Redis' if args.redis else 'SimpleCache (in each worker)'}; periodic jobs "
          f"{'on' if args.jobs else 'off'}")

    logs = Path("/tmp")
    bare = Server("bare app", "bench.hello_app:app", g_args, env, logs / "bench-load-bare.log")
    app = Server("app", "wsgi:app", g_args, env, logs / "bench-load-app.log")
    before = None
    if args.baseline:
        tree = export_revision(args.baseline)
        before = Server(f"baseline {tree.name.rsplit('-', 1)[1]}", "wsgi:app", g_args, env,
                        logs / "bench-load-baseline.log", root=tree)
        print(f"baseline: {args.baseline} = {tree.name.rsplit('-', 1)[1]} ({tree}); "
              f"{args.rounds} alternating turns per cell")
    try:
        bare.wait_ready()
        app.wait_ready()
        if before:
            before.wait_ready()
        solver_cookie = sign_in(app.port, ids["solver"])
        # The session cookie is signed with the shared SECRET_KEY: the baseline accepts it too.
        pages = [("hall, anonymous", "/", None),
                 ("hall, signed-in solver", "/", solver_cookie),
                 ("榜 detail, signed-in solver", f"/challenges/{ids['challenge']}", solver_cookie),
                 ("榜 detail, anonymous", f"/challenges/{ids['challenge']}", None),
                 ("results, anonymous", "/results", None),
                 ("results of a 榜, anonymous", f"/results/{ids['results']}", None)]
        if args.only:
            pages = [p for p in pages if args.only in p[0]]
        baseline = {c: measure(bare, "/", None, c, args.seconds) for c in levels}
        header = (f"{'page':30} {'conc':>4} {'req/s':>8} {'bare':>8} {'share':>6} "
                  f"{'p50 ms':>7} {'p99 ms':>7} {'bare p50/p99':>13} {'non-200':>7} "
                  f"{'CPU ms/req':>10} {'bare':>5} {'client':>6}")
        print(header)
        print("-" * len(header))
        verdicts = []
        for label, path, cookie in pages:
            for server in (before, app):
                if server:  # every worker compiles the page's templates once: not measured
                    asyncio.run(drive(server.port, raw_request(server.port, path, cookie), 8, 2.0))
            for c in levels:
                b = baseline[c]
                turns = {server: [] for server in (before, app) if server}
                for _ in range(max(1, args.rounds)):
                    for server, results in turns.items():
                        results.append(measure(server, path, cookie, c, args.seconds))
                if before:
                    r = sum(turns[before][1:], turns[before][0])
                    print(f"{label + ' (' + before.name + ')':30} {c:>4} {r.rps:>8.0f} "
                          f"{b.rps:>8.0f} {r.rps / b.rps:>6.0%} {r.pct(0.5):>7.1f} "
                          f"{r.pct(0.99):>7.1f} {b.pct(0.5):>6.1f}/{b.pct(0.99):<6.1f} "
                          f"{r.not_ok:>7} {r.cpu_ms:>10.2f} {b.cpu_ms:>5.2f} "
                          f"{r.client_cpu_ms:>6.2f}  turns: "
                          + " ".join(f"{t.cpu_ms:.2f}" for t in turns[before]), flush=True)
                r = sum(turns[app][1:], turns[app][0])
                print(f"{label:30} {c:>4} {r.rps:>8.0f} {b.rps:>8.0f} {r.rps / b.rps:>6.0%} "
                      f"{r.pct(0.5):>7.1f} {r.pct(0.99):>7.1f} "
                      f"{b.pct(0.5):>6.1f}/{b.pct(0.99):<6.1f} {r.not_ok:>7} "
                      f"{r.cpu_ms:>10.2f} {b.cpu_ms:>5.2f} {r.client_cpu_ms:>6.2f}"
                      + ("  turns: " + " ".join(f"{t.cpu_ms:.2f}" for t in turns[app])
                         if before else ""), flush=True)
                if c == max(levels) and r.not_ok:
                    verdicts.append(f"{label}: {r.not_ok} non-200 at {c} clients")
                if label == "hall, anonymous" and r.rps < TARGET_SHARE * b.rps:
                    verdicts.append(f"{label}: {r.rps / b.rps:.0%} of the bare app at {c} "
                                    f"clients (target ≥ {TARGET_SHARE:.0%})")
                if "signed-in" in label and r.cpu_ms > TARGET_CPU_MS:
                    verdicts.append(f"{label}: {r.cpu_ms:.1f} ms CPU per request at {c} "
                                    f"clients (target ≤ {TARGET_CPU_MS:g})")
        print("\n".join(["targets: all met"] if not verdicts else ["targets missed:", *verdicts]))
    finally:
        for server in (before, app, bare):
            if server:
                server.stop()


if __name__ == "__main__":
    main()
