"""The sign-in counters' SQLite file (challenge/auth/counters.py) under the `limits` moving window:
the rules one by one, then several processes taking the last hits of one window at once."""

import multiprocessing
import time

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from challenge.auth.counters import SQLiteFileStorage


@pytest.fixture
def uri(tmp_path):
    return f"sqlite:///{tmp_path / 'counters.sqlite'}"


def test_the_scheme_is_registered_with_limits(uri):
    assert isinstance(storage_from_string(uri), SQLiteFileStorage)
    with pytest.raises(ValueError):
        SQLiteFileStorage("sqlite://")


def test_a_window_takes_its_limit_then_refuses_until_cleared(uri):
    limiter = MovingWindowRateLimiter(storage_from_string(uri))
    five = parse("5 per minute")
    assert [limiter.hit(five, "login", "a") for _ in range(7)] == [True] * 5 + [False] * 2
    assert not limiter.test(five, "login", "a")
    assert limiter.test(five, "login", "b")  # another key counts apart
    stats = limiter.get_window_stats(five, "login", "a")
    assert stats.remaining == 0 and time.time() + 55 < stats.reset_time <= time.time() + 60
    limiter.clear(five, "login", "a")
    assert limiter.test(five, "login", "a") and limiter.hit(five, "login", "a")


def test_hits_leave_the_window_as_it_moves(uri):
    limiter = MovingWindowRateLimiter(storage_from_string(uri))
    two = parse("2 per 1 second")
    assert limiter.hit(two, "k") and limiter.hit(two, "k") and not limiter.hit(two, "k")
    time.sleep(1.1)
    assert limiter.hit(two, "k")


def test_two_limits_on_one_identifier_keep_their_own_windows(uri):
    """A per-minute hit that expires must not take the per-hour count with it."""
    storage = storage_from_string(uri)
    limiter = MovingWindowRateLimiter(storage)
    second, hour = parse("1 per 1 second"), parse("3 per hour")
    for _ in range(3):
        assert limiter.hit(second, "x") and limiter.hit(hour, "x")
        time.sleep(1.05)
    assert limiter.hit(second, "x") and not limiter.hit(hour, "x")
    assert storage.reset() == 3 + 1  # the hour's three rows and the last second's one; older ones are gone
    assert limiter.test(hour, "x")


def _take(uri: str, start, results) -> None:
    limiter = MovingWindowRateLimiter(storage_from_string(uri))
    start.wait()
    results.put(sum(limiter.hit(parse("10 per minute"), "shared") for _ in range(10)))


def test_processes_taking_hits_at_once_take_exactly_the_limit(uri):
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_take, args=(uri, start, results)) for _ in range(4)]
    for w in workers:
        w.start()
    start.set()
    taken = sorted(results.get(timeout=60) for _ in workers)
    for w in workers:
        w.join(timeout=60)
    assert sum(taken) == 10, taken  # 40 attempts by 4 processes, 10 allowed in all
