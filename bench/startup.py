"""Start-up time and memory per worker of the real server at 100,000 榜: gunicorn with
deploy/gunicorn.conf.py and 4 workers, the matching indexes built once in the master before
the fork (what `make run` does now), beside the old way in the same run (baseline: no preload,
each worker builds its own indexes in a background thread, as the old wsgi.py did).

    python bench/seed_big.py                        # once: the 100k-榜 database
    python bench/startup.py                         # both, SQLite at /tmp/challenge-bench.sqlite
    python bench/startup.py --sqlite /path/big.sqlite --workers 4 --requests 400
    python bench/startup.py --only preload          # or --only baseline

For each way it prints: the seconds from launch until the server answers at all, until every
worker has answered a typo search (which needs the indexes: the hall's fuzzy fallback), and
each worker's first typo search; then per worker its RSS, PSS and private memory (USS:
Private_Clean + Private_Dirty from /proc/<pid>/smaps_rollup, what that process alone costs)
and the master's, once every worker has answered, and again after --requests more requests
(hall, typo searches, 榜 details) spread over the workers: pages a worker writes to stop being
shared. The machine is shared, so read the figures beside the baseline of the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from host import cpu_model  # noqa: E402  (bench/, the script's own folder)

DEFAULT_SQLITE = "/tmp/challenge-bench.sqlite"  # bench/seed_big.py's default
TYPO = "熔喷部过滤"  # 部 for 布: matches no title as typed, so the hall asks the matching index


# -- the two apps gunicorn loads (`--pythonpath bench startup:preloaded()`) ---------------------

def _tag_worker(app):
    """Each response names the worker process that made it."""
    inner = app.wsgi_app

    def tagged(environ, start_response):
        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, ("X-Worker-Pid", str(os.getpid()))], exc_info)

        return inner(environ, start)

    app.wsgi_app = tagged
    return app


def preloaded():
    """wsgi.py as it is now: the indexes built here, in gunicorn's master, before the fork."""
    from challenge.serving import create_server_app

    return _tag_worker(create_server_app())


def per_worker():
    """The old wsgi.py: each worker's import starts a thread that builds its own indexes."""
    import threading

    from challenge import create_app

    app = create_app()

    def build() -> None:
        with app.app_context():
            app.extensions["matching"].sync()

    threading.Thread(target=build, name="matching-warm-up", daemon=True).start()
    return _tag_worker(app)


# -- measuring -------------------------------------------------------------------------------------

def memory(pid: int) -> dict[str, float]:
    """MB of RSS, PSS and USS (private) of one process."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return {"rss": fields["Rss"], "pss": fields["Pss"],
            "uss": fields["Private_Clean"] + fields["Private_Dirty"]}


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def get(url: str, timeout: float = 600) -> tuple[int, int, float]:
    """status, answering worker's pid, seconds."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status, pid = response.status, int(response.headers.get("X-Worker-Pid", 0))
    except urllib.error.HTTPError as exc:
        with exc:
            status, pid = exc.code, int(exc.headers.get("X-Worker-Pid", 0))
    return status, pid, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(way: str, database: str, workers: int, log: Path):
    port = free_port()
    config = ROOT / "deploy" / "gunicorn.conf.py"
    if way == "baseline":  # the same settings, without preload
        flipped = Path(tempfile.mkdtemp()) / "gunicorn.baseline.conf.py"
        flipped.write_text(f"exec(compile(open({str(config)!r}).read(), {str(config)!r}, 'exec'))\n"
                           "preload_app = False\n")
        config = flipped
    factory = "preloaded()" if way == "preload" else "per_worker()"
    command = [sys.executable, "-m", "gunicorn", "-c", str(config), "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
               "--pythonpath", str(ROOT / "bench"), f"startup:{factory}"]
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", SECRET_KEY=secrets.token_hex(32))
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def measure(way: str, database: str, workers: int, requests: int, ids: list[int]) -> dict:
    log = Path(tempfile.mkdtemp()) / f"gunicorn-{way}.log"
    launched = time.perf_counter()
    with server(way, database, workers, log) as (process, url):
        while True:  # until it answers at all
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{log.read_text()}")
            with contextlib.suppress(OSError):
                if get(url + "/auth/login", timeout=5)[0] == 200:
                    break
            time.sleep(0.2)
        answering = time.perf_counter() - launched
        print(f"  {way}: answering after {answering:.1f} s", file=sys.stderr)
        while len(children(process.pid)) < workers:  # the master may still be forking them
            time.sleep(0.1)
        pids = set(children(process.pid))
        first: dict[int, tuple[float, float]] = {}  # pid: (since launch, its own latency)
        search = f"{url}/?q={urllib.parse.quote(TYPO)}"
        with ThreadPoolExecutor(max_workers=2 * workers) as pool:
            while set(first) != pids:
                if time.perf_counter() - launched > 1800:
                    raise SystemExit(f"workers {pids - set(first)} never answered:\n"
                                     f"{log.read_text()[-3000:]}")
                for status, pid, took in pool.map(lambda _: get(search), range(2 * workers)):
                    if status != 200:
                        raise SystemExit(f"typo search answered {status}:\n{log.read_text()[-3000:]}")
                    first.setdefault(pid, (time.perf_counter() - launched, took))
        ready = time.perf_counter() - launched
        print(f"  {way}: every worker answered a typo search after {ready:.1f} s", file=sys.stderr)
        at_start = {pid: memory(pid) for pid in sorted(pids)}
        master_at_start = memory(process.pid)
        paths = ["/", f"/?q={urllib.parse.quote(TYPO)}", "/?q=%E7%A2%B3%E7%BA%A4%E7%BB%B4",
                 *(f"/challenges/{i}" for i in ids)]
        with ThreadPoolExecutor(max_workers=2 * workers) as pool:
            statuses = list(pool.map(lambda n: get(url + paths[n % len(paths)])[0], range(requests)))
        after = {pid: memory(pid) for pid in sorted(pids)}
    return {"way": way, "answering": answering, "ready": ready, "first": first,
            "at_start": at_start, "after": after, "master": master_at_start,
            "errors": sum(s >= 500 for s in statuses)}


def report(result: dict, requests: int) -> None:
    print(f"\n== {result['way']} ==")
    print(f"answering after {result['answering']:.1f} s; every worker answered a typo search "
          f"after {result['ready']:.1f} s; {result['errors']} server errors")
    print(f"{'':8} {'first typo search':>22} | {'at start: RSS':>13} {'PSS':>7} {'USS':>7} | "
          f"{f'after {requests} requests: RSS':>25} {'PSS':>7} {'USS':>7}")
    for pid, (since, took) in sorted(result["first"].items()):
        a, b = result["at_start"][pid], result["after"][pid]
        print(f"{pid:>8} {since:>8.1f} s ({took:5.1f} s) | {a['rss']:>10.0f} MB {a['pss']:>7.0f} "
              f"{a['uss']:>7.0f} | {b['rss']:>22.0f} MB {b['pss']:>7.0f} {b['uss']:>7.0f}")
    m = result["master"]
    print(f"{'master':>8} {'':>22} | {m['rss']:>10.0f} MB {m['pss']:>7.0f} {m['uss']:>7.0f} |")
    total_at_start = sum(v["pss"] for v in result["at_start"].values()) + m["pss"]
    total_after = sum(v["pss"] for v in result["after"].values()) + m["pss"]
    print(f"all processes (sum of PSS): {total_at_start:,.0f} MB at start, "
          f"{total_after:,.0f} MB after the requests")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", default=DEFAULT_SQLITE, help="database from bench/seed_big.py")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=400, help="after start, spread over workers")
    parser.add_argument("--only", choices=("preload", "baseline"))
    args = parser.parse_args()
    database = str(Path(args.sqlite).resolve())
    if not Path(database).exists():
        raise SystemExit(f"{database} does not exist: run bench/seed_big.py first")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        challenges = conn.execute("SELECT count(*) FROM challenges").fetchone()[0]
        experts = conn.execute("SELECT count(*) FROM expert_profiles").fetchone()[0]
        ids = [row[0] for row in conn.execute(
            "SELECT id FROM challenges WHERE state = 'open' AND confidentiality = 'public' "
            "ORDER BY id LIMIT 20")]
    cpu = cpu_model("?")
    print(f"{platform.platform()} | {len(os.sched_getaffinity(0))} CPUs ({cpu}) | "
          f"Python {platform.python_version()} | SQLite {sqlite3.sqlite_version}")
    print(f"database {database}: {challenges:,} 榜, {experts:,} expert profiles; "
          f"gunicorn deploy/gunicorn.conf.py with {args.workers} workers")
    results = []
    for way in ("baseline", "preload"):
        if args.only in (None, way):
            results.append(measure(way, database, args.workers, args.requests, ids))
            report(results[-1], args.requests)
    if len(results) == 2:
        old, new = results
        print("\n== side by side (baseline → preload) ==")
        print(f"every worker answering a typo search: {old['ready']:.1f} s → {new['ready']:.1f} s")
        for when in ("at_start", "after"):
            uss = [sum(v["uss"] for v in r[when].values()) / len(r[when]) for r in results]
            print(f"mean private memory (USS) per worker, {when.replace('_', ' ')}: "
                  f"{uss[0]:,.0f} MB → {uss[1]:,.0f} MB")


if __name__ == "__main__":
    main()
