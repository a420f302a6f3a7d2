"""Failed sign-ins slowed, then refused for a while, per account and per client address.

`limits` (the engine under Flask-Limiter) holds the counters in RATELIMIT_STORAGE_URI: by default
an SQLite file in the instance folder that every worker of the host shares (counters.py),
"redis://host:6379" so several app servers share them; RATELIMIT_ENABLED = False turns the
throttle off. The moving-window strategy is used directly: Flask-Limiter's own part is route
decorators and a check before every request, and this app limits no route, only sign-ins and
mail links, so its hooks cost every page some 0.1 ms for nothing. Only failures count:
- per account, an attempt takes a hit *before* the password is checked (so parallel guesses
  cannot all slip through) and a success clears the account's counter;
- per address, a failure takes a hit and a success takes none, so one office behind one address
  signing in all day is never refused.
"""

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

from ..timeutil import local
from . import counters  # noqa: F401  (registers the "sqlite" scheme with limits)

EXTENSION = "login_throttle"


@dataclass
class Counters:
    storage: object  # a limits storage (counters.SQLiteFileStorage, Redis, memory, ...)
    limiter: MovingWindowRateLimiter


def init_app(app: Flask) -> None:
    if not app.config.get("RATELIMIT_STORAGE_URI"):  # one file for all the workers of this host
        app.config["RATELIMIT_STORAGE_URI"] = f"sqlite:///{Path(app.instance_path) / 'counters.sqlite'}"
    counters_ = None
    if app.config.get("RATELIMIT_ENABLED", True):
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"],
                                      **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
        counters_ = Counters(storage, MovingWindowRateLimiter(storage))
    app.extensions[EXTENSION] = counters_
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if proxies:  # behind nginx every request comes from the proxy: count the client instead
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)


def _limiter() -> Counters | None:
    return current_app.extensions.get(EXTENSION)


def reset() -> None:
    """Forget every counter (tests start each case clean)."""
    limiter = _limiter()
    if limiter is not None:
        limiter.storage.reset()


@dataclass
class Refusal:
    until: datetime  # UTC
    scope: str  # "account" or "address"

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil((self.until - datetime.now(UTC)).total_seconds() / 60))
        message = _l("登录失败次数过多，已暂时停止受理。请在 %(time)s（约 %(n)d 分钟后）再试。",
                     time=local(self.until).strftime("%H:%M"), n=minutes)
        if self.scope == "account":
            also = _l("也可以通过“忘记密码”重设密码后立即登录。")
            return f"{message}{also}"
        return str(message)


def account_key(user, typed: str = "") -> str:
    """One counter per account whichever identifier is typed; per typed name when none exists."""
    return f"user:{user.id}" if user is not None else f"login:{typed.strip().lower()}"


def _items(key: str):
    return parse_many(current_app.config[key])


def _address() -> str:
    return request.remote_addr or "unknown"


def _until(limiter: Counters, item, *keys: str) -> datetime:
    reset_at = limiter.limiter.get_window_stats(item, *keys).reset_time
    return datetime.fromtimestamp(max(reset_at, time.time() + 1), UTC)


def begin_attempt(key: str) -> Refusal | None:
    """Called before a password or code is checked; a Refusal means do not check it."""
    limiter = _limiter()
    if limiter is None:
        return None
    for item in _items("LOGIN_LIMITS_PER_ADDRESS"):
        if not limiter.limiter.test(item, "login-address", _address()):
            return Refusal(_until(limiter, item, "login-address", _address()), "address")
    for item in _items("LOGIN_LIMITS_PER_ACCOUNT"):
        if not limiter.limiter.hit(item, "login-account", key):
            return Refusal(_until(limiter, item, "login-account", key), "account")
    return None


def attempt_failed() -> Refusal | None:
    """Count a failure against the address; returns the refusal it just triggered, if any."""
    limiter = _limiter()
    if limiter is None:
        return None
    for item in _items("LOGIN_LIMITS_PER_ADDRESS"):
        limiter.limiter.hit(item, "login-address", _address())
    for item in _items("LOGIN_LIMITS_PER_ADDRESS"):
        if not limiter.limiter.test(item, "login-address", _address()):
            return Refusal(_until(limiter, item, "login-address", _address()), "address")
    return None


def account_exhausted(key: str) -> Refusal | None:
    """The account's refusal if its last failure used up a limit."""
    limiter = _limiter()
    if limiter is None:
        return None
    for item in _items("LOGIN_LIMITS_PER_ACCOUNT"):
        if not limiter.limiter.test(item, "login-account", key):
            return Refusal(_until(limiter, item, "login-account", key), "account")
    return None


def attempt_succeeded(key: str) -> None:
    limiter = _limiter()
    if limiter is None:
        return
    for item in _items("LOGIN_LIMITS_PER_ACCOUNT"):
        limiter.limiter.clear(item, "login-account", key)


def allow_mail(address: str) -> bool:
    """Whether another reset / confirmation mail may go to this address now (MAIL_LINK_LIMITS)."""
    limiter = _limiter()
    if limiter is None:
        return True
    return all(limiter.limiter.hit(item, "mail-link", address.lower())
               for item in _items("MAIL_LINK_LIMITS"))
