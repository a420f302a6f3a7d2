"""Fast public pages: a page cache for anonymous visitors, compression, and cache headers.

* `public_page` (a Flask-Caching `cached` view) serves the hall, a 榜's public face, the results
  and the public statistics from the cache to anonymous visitors. Nothing personal is ever
  stored: a signed-in visitor, or a session holding flashed messages, bypasses the cache both
  ways, and a rendering that drew a CSRF token (a form tied to one session) is not stored.
* The key is everything that changes such a page: the path with its full query string, the
  language, the local date (the statistics' "this year", countdowns) and the *generation*:
  the head of the audit chain (`audit_events`: latest id and hash). Every committed state change
  goes through the door (`workflow.perform` / `record`), which appends an audit event in the
  same transaction as the change; so the generation moves exactly when the change commits,
  for every worker process and every node at once, whatever the cache backend (the default
  in-process SimpleCache included), and a crash between commit and a separate "bump" cannot
  lose it. The hash (not only the id) keeps a database restored from a backup from reusing
  pages cached for a different history. Pages cached under an older generation are never read
  again and expire (CACHE_DEFAULT_TIMEOUT, which also bounds what only time changes, such as
  a publicity period running out).
* Flask-Compress compresses responses (zstd / br / gzip as the browser accepts).
* Static files get a content hash in their URL (`?v=…`), and such versioned requests are
  answered with a year-long `immutable` Cache-Control; responses to signed-in users (and any
  page holding a CSRF token) are `private, no-store`, so no shared cache ever keeps them.
"""

import hashlib
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_compress import Compress
from flask_login import current_user
from sqlalchemy import func, select

from .extensions import db
from .models import Challenge
from .states import ChallengeState
from .timeutil import local_today, utcnow

cache = Cache()


class _ClosingCompress(Compress):
    """Flask-Compress, closing what it compresses: it replaces a streamed response (a static
    file) with a compressing generator and never closes the file the original would have."""

    def after_request(self, response):
        original = response.response
        response = super().after_request(response)
        if response.response is not original and hasattr(original, "close"):
            response.call_on_close(original.close)
        return response


compress = _ClosingCompress()

YEAR = 365 * 24 * 3600
GENERATION_SQL = "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1"


def init_app(app: Flask) -> None:
    config = app.config
    if not config.get("CACHE_TYPE"):
        if config.get("CACHE_REDIS_URL"):
            config["CACHE_TYPE"] = "RedisCache"
        elif app.testing:
            # Tests build data with factories that bypass the door; the cache's own tests
            # turn it on (tests/test_caching.py).
            config["CACHE_TYPE"] = "NullCache"
            config.setdefault("CACHE_NO_NULL_WARNING", True)
        else:
            config["CACHE_TYPE"] = "SimpleCache"
    config.setdefault("CACHE_DEFAULT_TIMEOUT", 60)
    config.setdefault("DEADLINE_CHECK_MEMO", not app.testing)
    config.setdefault("CACHE_THRESHOLD", 500)  # pages kept per worker by SimpleCache (~20 MB)
    config.setdefault("CACHE_KEY_PREFIX", "challenge:")
    config.setdefault("COMPRESS_LEVEL", 6)
    cache.init_app(app)
    compress.init_app(app)
    app.jinja_env.globals["fragment_key"] = fragment_key
    app.jinja_env.globals["url_for"] = _keeping_static_urls(app.url_for)
    app.url_defaults(_version_static_urls)
    app.after_request(_cache_headers)


# -- the page cache ----------------------------------------------------------------------------

def generation() -> str:
    """The audit chain's head as committed now: it moves with every committed state change.

    Read once per request (the deadline check and the page key share it), with the driver's
    plain SQL: this runs on every request to a public or deadline-checked page."""
    if "page_generation" not in g:
        row = db.session.connection().exec_driver_sql(GENERATION_SQL).first()
        g.page_generation = f"{row[0]}-{row[1][:16]}" if row else "0"
    return g.page_generation


def per_generation(name: str, compute):
    """*compute()*, kept in the cache under *name* for the current generation: for what changes
    only with an audit event in the same commit (so a new generation starts with the change).
    *compute* may return anything but None, which stands for "not kept"."""
    key = f"{name}:{generation()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value


def forget_generation() -> None:
    """This request committed a change itself (the deadline check closed a 榜): read anew."""
    g.pop("page_generation", None)


# Per process: the earliest deadline of an open 榜, as of one generation. While the generation
# stays the same nothing was published, closed or re-dated, so until that moment passes no
# request needs to look for expired 榜 (a query per request at 100k 榜 otherwise).
_earliest_deadline: dict[str, datetime | None] = {}


def deadline_may_have_passed() -> bool:
    """False when no open 榜 can be past its deadline yet (then nothing needs closing).

    DEADLINE_CHECK_MEMO (on, except under TESTING, where tests move deadlines by hand to
    make time pass) keeps the answer per generation; off, every request looks."""
    if not current_app.config["DEADLINE_CHECK_MEMO"]:
        return True
    key = f"{db.engine.url}|{generation()}"
    if key not in _earliest_deadline:
        _earliest_deadline.clear()
        _earliest_deadline[key] = db.session.scalar(
            select(func.min(Challenge.deadline_at)).where(Challenge.state == ChallengeState.OPEN))
    earliest = _earliest_deadline[key]
    return earliest is not None and earliest <= utcnow()


def _personal() -> bool:
    """True when this visitor's page may differ from everyone else's: never cache it."""
    return bool(current_user.is_authenticated or session.get("_flashes"))


def page_key(*_args, **_kwargs) -> str:
    full = f"{get_locale()}|{local_today().isoformat()}|{request.full_path}"
    digest = hashlib.sha256(full.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"page:{generation()}:{digest}"


def fragment_key(*varies) -> str:
    """The key of a `{% cache %}` fragment in a page that is otherwise personal: the generation,
    language and date, and what the template passes (the object, anything else it shows)."""
    return "|".join((generation(), str(get_locale()), local_today().isoformat(), *map(str, varies)))


def _shareable(rv) -> bool:
    """Only a plain 200 page that drew no CSRF token and flashed nothing is stored."""
    status = rv[1] if isinstance(rv, tuple) and len(rv) > 1 else 200
    body = rv[0] if isinstance(rv, tuple) else rv
    return (status == 200 and isinstance(body, str) and "csrf_token" not in g
            and not session.get("_flashes"))


def public_page(view):
    """Serve this view from the page cache to anonymous visitors (see the module's notes)."""
    cached = cache.cached(make_cache_key=page_key, unless=_personal, response_filter=_shareable)(view)
    cached.public_page = True  # its Cache-Control: public (for anonymous visitors)
    return cached


# -- headers and static URLs -------------------------------------------------------------------

def _static_folder(endpoint: str) -> str | None:
    if endpoint == "static":
        return current_app.static_folder
    if endpoint.endswith(".static"):
        blueprint = current_app.blueprints.get(endpoint.removesuffix(".static"))
        return blueprint.static_folder if blueprint else None
    return None


@lru_cache(maxsize=512)
def _file_version(folder: str, filename: str) -> str | None:
    path = Path(folder, filename)
    try:
        if path.resolve().is_relative_to(Path(folder).resolve()) and path.is_file():
            return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None
    return None


def _version_static_urls(endpoint: str, values: dict) -> None:
    """`url_for('static', filename=…)` gains `v=<content hash>`: a changed file is a new URL."""
    folder = _static_folder(endpoint)
    if folder and "filename" in values and "v" not in values:
        version = _file_version(folder, values["filename"])
        if version:
            values["v"] = version


def _keeping_static_urls(url_for):
    """The templates' `url_for`, keeping each static file's URL once built: every page asks for
    the same stylesheets and scripts, and each URL costs a route build plus the version hook.
    Kept per script root (an app mounted under a path prefix); the version is per process
    already (`_file_version`), so nothing kept is staler than it."""
    kept: dict[tuple[str, str, str], str] = {}

    def template_url_for(endpoint: str, **values) -> str:
        if (values.keys() == {"filename"} and (endpoint == "static" or endpoint.endswith(".static"))
                and has_request_context()):
            key = (endpoint, values["filename"], request.script_root)
            url = kept.get(key)
            if url is None:
                url = kept[key] = url_for(endpoint, **values)
            return url
        return url_for(endpoint, **values)

    return template_url_for


def _cache_headers(response):
    endpoint = request.endpoint or ""
    folder = _static_folder(endpoint)
    if folder:
        version = request.args.get("v")
        filename = (request.view_args or {}).get("filename", "")
        if version and response.status_code in (200, 304) and \
                version == _file_version(folder, filename):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response
    if "Cache-Control" in response.headers:
        return response
    view = current_app.view_functions.get(endpoint)
    if "csrf_token" in g or current_user.is_authenticated or \
            not getattr(view, "public_page", False):
        # Personal, or a page we do not vouch for: no shared cache may keep it.
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.headers["Cache-Control"] = "no-cache"  # public: any cache, revalidated
    return response
