"""Security headers, cookie flags and absolute links from the configured base URL.

Hand-written rather than Flask-Talisman: five fixed headers and three cookie flags are a few
lines, and Talisman's HTTPS redirect and nonce machinery would only have to be turned off
(every script and style is a file under static/, so the policy needs no nonce).
"""

from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",       # Bootstrap's CSS draws its icons (toggler, close) as data: SVG
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def init_app(app: Flask) -> None:
    """Cookie flags from the configuration, and the headers on every response."""
    secure = base_url(app).startswith("https://") or app.config.get(
        "PREFERRED_URL_SCHEME") == "https"
    if secure:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.after_request(_headers)


def _headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", current_app.config["REFERRER_POLICY"])
    headers.setdefault("X-Frame-Options", "DENY")
    max_age = int(current_app.config.get("HSTS_SECONDS") or 0)
    if max_age > 0:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    return response


def base_url(app: Flask | None = None) -> str:
    """The site's own address as configured (BASE_URL), without a trailing slash."""
    return str((app or current_app).config["BASE_URL"]).rstrip("/")


def absolute(path: str) -> str:
    """An app path ('/challenges/3') as an absolute link on the configured base URL; the
    request's Host header is never consulted."""
    parts = urlsplit(path or "")  # a full URL slipped in keeps its path only, not its host
    tail = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else "")
    return f"{base_url()}/{tail}"


def external_url(endpoint: str, **values) -> str:
    """`url_for(endpoint, _external=True)` on the configured base URL (for e-mails and links that
    leave the site); use this wherever an absolute link is needed, in a request or a CLI job."""
    values.pop("_external", None)
    if has_request_context():
        return absolute(url_for(endpoint, **values))
    with current_app.test_request_context("/"):  # a job (send-mail, reminders) has no request
        return absolute(url_for(endpoint, **values))


def local_referrer(default: str) -> str:
    """Where a form came from, as a bare path on this site (for 'back to where you were'), or
    *default* when the Referer names another site. The target never carries a host, so a forged
    Host header (with a Referer to match) cannot turn the redirect into a link elsewhere."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    ours = {urlsplit(base_url()).netloc, request.host}
    if not referrer or parts.scheme not in ("http", "https") or parts.netloc not in ours:
        return default
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return default
    return path + (f"?{parts.query}" if parts.query else "")
