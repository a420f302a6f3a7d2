"""Issue 11 item 3 over HTTP against the live server: security headers on every response,
cookie flags, optional HSTS, and absolute links (e-mails, redirects) that never come from the
request's Host header."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.models import OutboundEmail
from challenge.states import ChallengeState, Role
from challenge.timeutil import utcnow
from tests.conftest import isolated_app
from tests.factories import PASSWORD

from .wire import Wire

EVIL = "evil.example"
PAGES = ["/", "/auth/login", "/auth/register", "/results", "/statistics",
         "/static/css/app.css", "/static/js/app.js", "/no-such-page"]


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(live_server, path):
    reply = Wire(live_server).get(path)
    assert reply.status == (404 if path == "/no-such-page" else 200)
    policy = directives(reply.headers.get("Content-Security-Policy", ""))
    assert policy.get("default-src") == ["'self'"]
    for name in ("script-src", "style-src"):
        assert policy.get(name) == ["'self'"], name  # no 'unsafe-inline', no remote host
    assert policy.get("object-src") == ["'none'"]
    assert policy.get("frame-ancestors") == ["'none'"]
    assert policy.get("base-uri") == ["'self'"] and policy.get("form-action") == ["'self'"]
    assert reply.headers.get("X-Content-Type-Options") == "nosniff"
    assert reply.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert reply.headers.get("X-Frame-Options") == "DENY"
    assert "Strict-Transport-Security" not in reply.headers  # off unless configured


def test_signed_in_pages_carry_them_too(live_server, people):
    wire = Wire(live_server)
    wire.login(people["admin"].email)
    for path in ("/admin/", "/admin/statistics", "/admin/users"):
        reply = wire.get(path)
        assert reply.status == 200, path
        assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]


def cookie_flags(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def login_cookies(app, people) -> dict[str, set[str]]:
    client = app.test_client()
    response = client.post("/auth/login", data={"login": people["solver"].email,
                                                "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    return {raw.split("=")[0]: cookie_flags(raw) for raw in response.headers.getlist("Set-Cookie")}


@contextmanager
def config_app(app, **extra):
    """Another app on the test's database with *extra* configuration; its connections closed
    after (an unclosed PostgreSQL connection fails the run as a ResourceWarning)."""
    other = isolated_app({"TESTING": True, "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          **extra})
    try:
        yield other
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_cookies_are_secure_when_the_site_is_served_over_https(app, people):
    with config_app(app, PREFERRED_URL_SCHEME="https", BASE_URL="https://jbgs.example.cn") as https:
        cookies = login_cookies(https, people)
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        assert {"secure", "httponly", "samesite"} <= cookies[name], name
    with config_app(app) as http:  # http (the default): no Secure, still HttpOnly
        plain = login_cookies(http, people)
    assert "secure" not in plain["session"] and {"httponly", "samesite"} <= plain["session"]


def test_hsts_is_sent_only_when_configured(app):
    with config_app(app) as plain:
        quiet = plain.test_client().get("/auth/login")
    assert "Strict-Transport-Security" not in quiet.headers
    with config_app(app, HSTS_SECONDS=31536000) as strict:
        loud = strict.test_client().get("/auth/login")
    assert loud.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def signed_contract(make, people):
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"])
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    contract = make.contract(board, people["admin"], solver=people["solver"], sign=True)
    db.session.commit()
    return contract


def test_forged_host_header_never_reaches_the_enterprise_mail(live_server, make, people, app):
    """The attack: a solver's request carries Host: evil.example; the platform used to mail the
    enterprise a link to that host. The link must be built on BASE_URL."""
    contract = signed_contract(make, people)
    milestone = contract.milestones[0]
    before = db.session.scalar(select(func.max(OutboundEmail.id))) or 0
    solver = Wire(live_server, headers={"Host": EVIL})
    solver.login(people["solver"].email)
    reply = solver.post(f"/milestones/{milestone.id}/report", {"report": "完成小试"},
                        f"/milestones/{milestone.id}")
    assert reply.status == 302 and EVIL not in reply.location
    db.session.expire_all()
    [mail] = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.id > before, OutboundEmail.to_address == people["issuer"].email)).all()
    with config_app(app) as default:  # what the live server is configured with
        base = default.config["BASE_URL"]
    assert EVIL not in mail.body
    assert f"{base}/contracts/{contract.id}" in mail.body


def test_forged_host_and_referer_do_not_become_a_redirect_elsewhere(live_server, make, people):
    """'Back to where you were' redirects used to trust a Referer on the request's own host:
    with Host and Referer both forged the Location pointed at the attacker's site."""
    target = make.user(Role.SOLVER, name="被停用者")
    db.session.commit()
    admin = Wire(live_server, headers={"Host": EVIL})
    admin.login(people["admin"].email)
    reply = admin.post(f"/admin/users/{target.id}/active", {"active": "0"}, "/admin/users",
                       headers={"Referer": f"http://{EVIL}/admin/users?role=solver"})
    assert reply.status == 302
    assert EVIL not in reply.location and reply.location == "/admin/users?role=solver"
    foreign = admin.post(f"/admin/users/{target.id}/active", {"active": "1"}, "/admin/users",
                         headers={"Referer": "http://elsewhere.example/x"})
    assert foreign.location == "/admin/users"


def test_login_redirect_never_names_the_forged_host(live_server):
    reply = Wire(live_server, headers={"Host": EVIL}).get("/me/")
    assert reply.status == 302 and EVIL not in reply.location


def test_absolute_links_come_from_base_url_in_requests_and_jobs(app):
    from challenge.security import absolute, external_url

    with config_app(app, BASE_URL="https://jbgs.example.cn/") as site:
        with site.app_context():  # a CLI job: no request at all
            assert external_url("hall.detail", challenge_id=7) == \
                "https://jbgs.example.cn/challenges/7"
            assert absolute("/contracts/3#files") == "https://jbgs.example.cn/contracts/3#files"
            assert absolute(f"http://{EVIL}/x?y=1") == "https://jbgs.example.cn/x?y=1"
        with site.test_request_context("/", headers={"Host": EVIL}):
            assert external_url("auth.login", _external=True) == \
                "https://jbgs.example.cn/auth/login"


def _newest_mail_to(address: str, after: int) -> OutboundEmail:
    db.session.expire_all()
    [mail] = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.id > after, OutboundEmail.to_address == address)).all()
    return mail


def test_forged_host_never_reaches_reset_or_invitation_mails(live_server, make, people, app):
    """The account mails (password reset, organisation invitation) carry tokens: a link to the
    attacker's host would hand the token over. Both are built on BASE_URL."""
    with config_app(app) as default:
        base = default.config["BASE_URL"]
    before = db.session.scalar(select(func.max(OutboundEmail.id))) or 0
    stranger = Wire(live_server, headers={"Host": EVIL})
    reply = stranger.post("/auth/forgot", {"email": people["solver"].email}, "/auth/forgot")
    assert reply.status == 302
    reset = _newest_mail_to(people["solver"].email, before)
    assert EVIL not in reset.body and f"{base}/auth/reset/" in reset.body

    issuer = people["issuer"]
    issuer.org_admin = True
    db.session.commit()
    org_admin = Wire(live_server, headers={"Host": EVIL})
    org_admin.login(issuer.email)
    reply = org_admin.post("/org/invitations", {"email": "new.colleague@example.cn"}, "/org")
    assert reply.status == 302
    invitation = _newest_mail_to("new.colleague@example.cn", before)
    assert EVIL not in invitation.body and f"{base}/org/invitations/accept/" in invitation.body
