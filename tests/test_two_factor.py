"""Two-factor sign-in: admins enrol before anything else, everyone may; TOTP codes and
single-use recovery codes; the step after the password expires."""

import re

import pyotp
import pytest
from sqlalchemy import select

from challenge.auth.totp_keys import unseal
from challenge.extensions import db
from challenge.models import AuditEvent, RecoveryCode
from challenge.states import Role
from tests.factories import PASSWORD, totp_code


def actions(user) -> list[str]:
    return db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "user", AuditEvent.object_id == user.id)
        .order_by(AuditEvent.id)).all()


def password_step(client, user):
    return client.post("/auth/login", data={"login": user.email, "password": PASSWORD})


def enrol(client) -> tuple[str, list[str]]:
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    html = client.post("/auth/two-factor/setup", data={"code": pyotp.TOTP(secret).now()}
                       ).get_data(as_text=True)
    return secret, re.findall(r"<li class=\"col\">([a-z2-9]{5}-[a-z2-9]{5})</li>", html)


def test_an_admin_without_two_factor_enrols_before_anything_else(client, make):
    admin = make.user(Role.ADMIN)
    admin.totp_secret = admin.totp_enabled_at = None
    db.session.commit()
    assert password_step(client, admin).status_code == 302
    for path in ("/admin/", "/me/", "/", "/auth/security", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/auth/two-factor/setup", path
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    assert "管理员账号必须开启两步验证" in page
    qr = page.split("<svg")[1].split("</svg>")[0]
    assert "<path" in qr and "http" not in qr  # drawn here, nothing fetched from a QR service
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    wrong = client.post("/auth/two-factor/setup", data={"code": "000000"}).get_data(as_text=True)
    assert "验证码不正确" in wrong
    assert re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', wrong).group(1) == secret
    html = client.post("/auth/two-factor/setup", data={"code": pyotp.TOTP(secret).now()}
                       ).get_data(as_text=True)
    codes = re.findall(r"<li class=\"col\">([a-z2-9]{5}-[a-z2-9]{5})</li>", html)
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(admin)
    assert admin.two_factor_enabled and unseal(admin.totp_secret) == secret
    assert secret not in admin.totp_secret  # stored sealed (tests/test_totp_at_rest.py)
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(
        RecoveryCode.user_id == admin.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only digests are kept
    assert client.get("/admin/").status_code == 200
    assert actions(admin)[-1] == "enable_2fa"
    # From now on the password alone does not sign in.
    client.post("/auth/logout")
    step = password_step(client, admin)
    assert "/auth/two-factor" in step.headers["Location"]
    assert client.get("/admin/").status_code == 302
    assert client.post("/auth/two-factor", data={"code": totp_code(admin.email)}
                       ).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_requirement_can_be_switched_off(client, make, app):
    admin = make.user(Role.ADMIN)
    admin.totp_secret = admin.totp_enabled_at = None
    db.session.commit()
    app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"] = False
    try:
        password_step(client, admin)
        assert client.get("/admin/").status_code == 200
    finally:
        app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"] = True


def test_a_recovery_code_signs_in_once(client, make):
    solver = make.user(Role.SOLVER)
    db.session.commit()
    password_step(client, solver)
    secret, codes = enrol(client)
    client.post("/auth/logout")
    password_step(client, solver)
    assert client.post("/auth/two-factor", data={"code": codes[3].upper().replace("-", " ")}
                       ).status_code == 302
    assert client.get("/me/").status_code == 200
    assert actions(solver)[-1] == "use_recovery_code"
    client.post("/auth/logout")
    password_step(client, solver)
    html = client.post("/auth/two-factor", data={"code": codes[3]}).get_data(as_text=True)
    assert "验证码不正确" in html
    assert client.get("/me/").status_code == 302


def test_everyone_may_enable_and_disable_it_but_an_admin_may_not_disable(client, auth, make):
    solver = make.user(Role.SOLVER)
    admin = make.user(Role.ADMIN)
    db.session.commit()
    auth.login(solver)
    assert "未开启" in client.get("/auth/security").get_data(as_text=True)
    secret, _codes = enrol(client)
    assert "已开启" in client.get("/auth/security").get_data(as_text=True)
    client.post("/auth/two-factor/disable", data={"disable-password": "wrong-password",
                                                  "disable-code": pyotp.TOTP(secret).now()})
    db.session.refresh(solver)
    assert solver.two_factor_enabled
    client.post("/auth/two-factor/disable", data={"disable-password": PASSWORD,
                                                  "disable-code": totp_code(solver.email)})
    db.session.refresh(solver)
    assert not solver.two_factor_enabled and solver.totp_secret is None
    assert actions(solver)[-2:] == ["enable_2fa", "disable_2fa"]
    auth.logout()
    auth.login(admin)
    assert client.post("/auth/two-factor/disable", data={
        "disable-password": PASSWORD, "disable-code": totp_code(admin.email)}).status_code == 403
    assert "管理员账号必须保持两步验证开启" in client.get("/auth/security").get_data(as_text=True)


def test_recovery_codes_can_be_renewed(client, auth, make):
    admin = make.user(Role.ADMIN)
    db.session.commit()
    auth.login(admin)
    html = client.post("/auth/two-factor/recovery-codes",
                       data={"renew-code": totp_code(admin.email)}).get_data(as_text=True)
    codes = re.findall(r"<li class=\"col\">([a-z2-9]{5}-[a-z2-9]{5})</li>", html)
    assert len(codes) == 10
    assert "renew_recovery_codes" in actions(admin)


@pytest.mark.parametrize("pending", [None, "expired"])
def test_the_code_step_needs_a_fresh_password_step(client, make, app, pending):
    admin = make.user(Role.ADMIN)
    db.session.commit()
    if pending == "expired":
        password_step(client, admin)
        app.config["TWO_FACTOR_STEP_SECONDS"] = -1
    try:
        response = client.post("/auth/two-factor",
                               data={"code": pyotp.TOTP(unseal(admin.totp_secret)).now()})
    finally:
        app.config["TWO_FACTOR_STEP_SECONDS"] = 300
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/admin/").status_code == 302


def test_reset_2fa_command_for_a_lost_phone(app, runner, make, client):
    admin = make.user(Role.ADMIN)
    db.session.commit()
    result = runner.invoke(args=["reset-2fa", admin.email.upper(), "--reason", "手机遗失，已当面核实"])
    assert result.exit_code == 0, result.output
    db.session.refresh(admin)
    assert not admin.two_factor_enabled
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "disable_2fa")).one()
    assert event.actor_id is None and event.reason == "手机遗失，已当面核实"
    password_step(client, admin)  # enrols again before anything else
    assert client.get("/admin/").headers["Location"] == "/auth/two-factor/setup"
    again = runner.invoke(args=["reset-2fa", admin.email, "--reason", "x"])
    assert again.exit_code != 0 and "尚未开启两步验证" in again.output


def test_a_code_signs_in_once(client, make):
    """RFC 6238 §5.2: a code seen over a shoulder (or replayed from a log) is no use again."""
    admin = make.user(Role.ADMIN)
    db.session.commit()
    code = totp_code(admin.email)
    password_step(client, admin)
    assert client.post("/auth/two-factor", data={"code": code}).status_code == 302
    client.post("/auth/logout")
    password_step(client, admin)
    html = client.post("/auth/two-factor", data={"code": code}).get_data(as_text=True)
    assert "验证码不正确或已过期" in html
    assert client.get("/admin/").status_code == 302
    # The authenticator's next code is good (accepted one step early for clock drift).
    assert client.post("/auth/two-factor", data={"code": totp_code(admin.email)}).status_code == 302


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "12345６", "123 456 789", "²²²²²²", "ab-cd-ef-gh-ij"])
def test_odd_codes_are_simply_wrong(client, make, code):
    admin = make.user(Role.ADMIN)
    db.session.commit()
    password_step(client, admin)
    response = client.post("/auth/two-factor", data={"code": code})
    assert response.status_code == 200 and "验证码不正确" in response.get_data(as_text=True)


def test_a_nul_code_is_refused_at_the_request_boundary(client, make):
    """NUL never reaches the form: challenge/boundary.py answers 400 for any field carrying it."""
    admin = make.user(Role.ADMIN)
    db.session.commit()
    password_step(client, admin)
    response = client.post("/auth/two-factor", data={"code": "\x00" * 6})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302  # still not signed in


def test_a_professional_body_enrols_before_anything_else(client, make):
    """A 专业机构 account reads the confidential body of the 榜 it is appointed to and its
    findings decide 验收: two-factor sign-in is required of it as of the bureau."""
    body = make.user(Role.BODY)
    body.totp_secret = body.totp_enabled_at = None
    db.session.commit()
    assert password_step(client, body).status_code == 302
    for path in ("/body/", "/me/", "/"):
        assert client.get(path).headers["Location"] == "/auth/two-factor/setup", path
    assert "专业机构账号可查阅受托榜单的保密内容，必须开启两步验证" in client.get(
        "/auth/two-factor/setup").get_data(as_text=True)
    enrol(client)
    db.session.refresh(body)
    assert body.two_factor_enabled and client.get("/body/").status_code == 200
