"""Sign-in counters in an SQLite file, shared by every process of one host.

`limits` (the engine under Flask-Limiter) keeps counters in memory, Redis, Memcached, MongoDB or etcd. In
memory each gunicorn worker counts alone, so `make run`'s five workers allowed about five times
the sign-in limits; Redis is the answer for several hosts, but the embedded default has no Redis.
No published storage keeps them in a file, so this one does, for the moving-window strategy the
throttle uses: one row per hit, under SQLite's write lock (BEGIN IMMEDIATE), so two workers
cannot both take the last hit. Registered with `limits` as the scheme "sqlite":
RATELIMIT_STORAGE_URI = "sqlite:////path/to/counters.sqlite".
"""

import os
import sqlite3
import threading
import time
from contextlib import contextmanager

from limits.storage import MovingWindowSupport, Storage

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at);
CREATE INDEX IF NOT EXISTS hits_expires ON hits (expires);
"""


class SQLiteFileStorage(Storage, MovingWindowSupport):
    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.removeprefix("sqlite:///")  # as SQLAlchemy: sqlite:////abs/path
        if not self.path or self.path == uri:
            raise ValueError("RATELIMIT_STORAGE_URI sqlite:// needs a file: sqlite:////abs/path.sqlite")
        self._local = threading.local()  # one connection per thread and per process (after fork)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        held = getattr(self._local, "held", None)
        if held is None or held[0] != os.getpid():
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(_SCHEMA)
            held = self._local.held = (os.getpid(), connection)
        return held[1]

    @contextmanager
    def _write(self):
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")  # the write lock first: count and insert as one
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    # -- the moving window (what the throttle uses) ------------------------------------------

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        with self._write() as connection:
            now = time.time()
            connection.execute("DELETE FROM hits WHERE expires < ?", (now,))
            (count,) = connection.execute("SELECT count(*) FROM hits WHERE key = ? AND at >= ?",
                                          (key, now - expiry)).fetchone()
            if count + amount > limit:
                return False
            connection.executemany("INSERT INTO hits (key, at, expires) VALUES (?, ?, ?)",
                                   [(key, now, now + expiry)] * amount)
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = self._connection().execute(
            "SELECT min(at), count(*) FROM hits WHERE key = ? AND at >= ?",
            (key, now - expiry)).fetchone()
        return (oldest, count) if count else (now, 0)

    def clear(self, key: str) -> None:
        with self._write() as connection:
            connection.execute("DELETE FROM hits WHERE key = ?", (key,))

    def reset(self) -> int | None:
        with self._write() as connection:
            return connection.execute("DELETE FROM hits").rowcount

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    # -- fixed windows: not kept here ---------------------------------------------------------

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("this storage keeps moving windows only (strategy='moving-window')")

    def get(self, key: str) -> int:
        raise NotImplementedError("this storage keeps moving windows only (strategy='moving-window')")

    def get_expiry(self, key: str) -> float:
        raise NotImplementedError("this storage keeps moving windows only (strategy='moving-window')")
