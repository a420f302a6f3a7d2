"""Accounts: register (consent, e-mail confirmation), log in (without revealing who exists),
safe next, password rules, change and reset, revocation of sessions."""

import re

import pytest
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import AuditEvent, JoinRequest, Organization, OutboundEmail, User
from challenge.states import JoinState, OrgState, OrgType, Role
from tests.conftest import Auth
from tests.factories import PASSWORD, credit_code


def registration(**overrides):
    data = {"role": "enterprise", "name": "张总", "email": "Zhang@Example.cn", "phone": "13912345678",
            "password": "long-enough-1", "confirm": "long-enough-1", "org_name": "恒泰新材料有限公司",
            "org_type": "enterprise", "region": "示范市高新区", "credit_code": credit_code(777),
            "accept_terms": "y"}
    data.update(overrides)
    return data


def mailed_link(to: str, path: str) -> str:
    """The path of the newest link to *path* mailed to *to* (the outbox is the mailbox)."""
    bodies = db.session.scalars(select(OutboundEmail.body).where(OutboundEmail.to_address == to)
                                .order_by(OutboundEmail.id.desc())).all()
    for body in bodies:
        found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+)", body)
        if found:
            return found.group(1)
    raise AssertionError(f"no {path} link mailed to {to}")


def test_enterprise_registers_confirms_its_address_and_then_acts(client, app):
    response = client.post("/auth/register", data=registration())
    assert response.status_code == 302 and response.headers["Location"] == "/auth/unconfirmed"
    user = db.session.scalars(select(User)).one()
    assert user.email == "zhang@example.cn" and user.role is Role.ENTERPRISE
    assert user.organization.type is OrgType.ENTERPRISE and user.password_hash != "long-enough-1"
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert user.terms_version == app.config["TERMS_VERSION"] and user.terms_accepted_at
    assert user.email_confirmed_at is None
    # Signed in, but only the confirmation page answers until the link is followed.
    for path in ("/my/challenges", "/me/", "/", "/auth/password", "/auth/security"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/auth/unconfirmed"
    assert client.post("/challenges/new", data={}).headers["Location"] == "/auth/unconfirmed"
    page = client.get("/auth/unconfirmed").get_data(as_text=True)
    assert "请查收确认邮件" in page and "重新发送" in page
    assert client.get("/terms").status_code == 200
    link = mailed_link("zhang@example.cn", "/auth/confirm/")
    assert client.get(link).headers["Location"] == "/me/"
    assert client.get("/my/challenges").status_code == 200
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == [
        "register", "register_org", "accept_terms", "confirm_email"]
    # The first registrant of a new organisation administers it; the bureau has yet to verify it.
    assert user.org_admin and user.organization.state is OrgState.PENDING


def test_confirmation_can_be_resent_and_a_forged_or_stale_link_fails(client, app):
    client.post("/auth/register", data=registration())
    client.post("/auth/confirm/resend")
    assert db.session.scalar(select(db.func.count(OutboundEmail.id))) == 2
    link = mailed_link("zhang@example.cn", "/auth/confirm/")
    assert client.get(link[:-3] + "xyz").status_code == 400
    app.config["CONFIRM_TOKEN_MAX_AGE"] = -1
    try:
        assert client.get(link).status_code == 400
    finally:
        app.config["CONFIRM_TOKEN_MAX_AGE"] = 3 * 24 * 3600
    assert db.session.scalars(select(User)).one().email_confirmed_at is None


def test_registration_requires_consent(client):
    html = client.post("/auth/register", data=registration(accept_terms="")).get_data(as_text=True)
    assert "请阅读并同意用户协议和隐私政策" in html
    assert db.session.scalars(select(User)).first() is None


@pytest.mark.parametrize("overrides,message", [
    ({"password": "short", "confirm": "short"}, "密码至少需要 10 个字符"),
    ({"password": "qwertyuiop", "confirm": "qwertyuiop"}, "该密码过于常见"),
    ({"password": "password2026", "confirm": "password2026"}, "该密码过于常见"),
    ({"password": "zhang@example.cn", "confirm": "zhang@example.cn"}, "不能是邮箱或包含邮箱用户名"),
    ({"password": "zhang-secret-77", "confirm": "zhang-secret-77"}, "不能是邮箱或包含邮箱用户名"),
    ({"confirm": "different-1"}, "两次输入的密码不一致"),
    ({"email": "bad"}, "邮箱格式不正确"),
    ({"phone": "123"}, "请输入 11 位手机号"),
    ({"credit_code": "91320500000000777X"}, "校验位不正确"),
    ({"credit_code": ""}, "新登记的单位须填写统一社会信用代码"),
    ({"role": "solver", "org_type": "university", "credit_code": ""}, "新登记的单位须填写统一社会信用代码"),
    ({"org_type": "university"}, "发榜方的单位类型应为「企业」"),
    ({"name": ""}, "请输入姓名"),
])
def test_registration_errors_are_next_to_the_field(client, overrides, message):
    response = client.post("/auth/register", data=registration(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert "恒泰新材料有限公司" in html  # what was typed is kept
    assert db.session.scalars(select(User)).first() is None


def test_duplicate_email_and_existing_enterprise_are_refused(client, make):
    org = make.org(name="恒泰新材料有限公司")
    make.user(Role.SOLVER, email="zhang@example.cn")
    db.session.commit()
    html = client.post("/auth/register", data=registration()).get_data(as_text=True)
    assert "该邮箱已注册" in html and "该单位已登记" in html
    assert org.users == []


def test_solver_asks_to_join_an_existing_university_and_gets_nothing_yet(client, make):
    uni = make.org(name="江淮理工大学", type=OrgType.UNIVERSITY)
    db.session.commit()
    client.post("/auth/register", data=registration(
        role="solver", email="li@jh.edu.cn", org_name="江淮理工大学", org_type="university",
        credit_code="", org_choice="join"))
    user = db.session.scalars(select(User)).one()
    assert user.organization_id is None and not user.org_admin
    request = db.session.scalars(select(JoinRequest)).one()
    assert (request.organization_id, request.state) == (uni.id, JoinState.PENDING)
    assert db.session.scalar(select(db.func.count(Organization.id))) == 1


def test_login_failure_does_not_reveal_whether_the_account_exists(client, people):
    wrong_password = client.post("/auth/login", data={"login": people["solver"].email,
                                                      "password": "nope-nope"})
    no_account = client.post("/auth/login", data={"login": "ghost@example.cn",
                                                  "password": "nope-nope"})
    for response in (wrong_password, no_account):
        assert response.status_code == 200 and "账号或密码不正确" in response.get_data(as_text=True)
    strip = lambda r: r.get_data(as_text=True).replace(people["solver"].email, "").replace(  # noqa: E731
        "ghost@example.cn", "")
    assert strip(wrong_password) == strip(no_account)


def test_login_by_phone_and_inactive_account(client, make):
    user = make.user(Role.SOLVER)
    user.phone = "13700001111"
    blocked = make.user(Role.SOLVER, active=False)
    db.session.commit()
    assert client.post("/auth/login", data={"login": "13700001111", "password": PASSWORD}
                       ).status_code == 302
    client.post("/auth/logout")
    html = client.post("/auth/login", data={"login": blocked.email, "password": PASSWORD}
                       ).get_data(as_text=True)
    assert "已停用" in html


@pytest.mark.parametrize("target,expected", [
    ("/my/challenges", "/my/challenges"),
    ("https://evil.example/phish", "/me/"),
    ("//evil.example/x", "/me/"),
    ("/\\evil.example", "/me/"),
    ("javascript:alert(1)", "/me/"),
    ("", "/me/"),
])
def test_next_redirect_is_same_site_only(client, people, target, expected):
    response = client.post(f"/auth/login?next={target}", data={
        "login": people["issuer"].email, "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_change_password(client, auth, people):
    auth.login(people["solver"])
    html = client.post("/auth/password", data={"current": "wrong", "password": "new-password-1",
                                               "confirm": "new-password-1"}).get_data(as_text=True)
    assert "当前密码不正确" in html
    html = client.post("/auth/password", data={"current": PASSWORD, "password": "short",
                                               "confirm": "short"}).get_data(as_text=True)
    assert "至少需要 10 个字符" in html
    html = client.post("/auth/password", data={"current": PASSWORD, "password": "1234567890",
                                               "confirm": "1234567890"}).get_data(as_text=True)
    assert "该密码过于常见" in html
    local = people["solver"].email.split("@")[0]
    html = client.post("/auth/password", data={"current": PASSWORD, "password": f"{local}-2026x",
                                               "confirm": f"{local}-2026x"}).get_data(as_text=True)
    assert "包含邮箱用户名" in html
    client.post("/auth/password", data={"current": PASSWORD, "password": "new-password-1",
                                        "confirm": "new-password-1"})
    auth.logout()
    assert auth.login(people["solver"], "new-password-1").status_code == 302


def test_admin_creates_a_reviewer_with_profile(client, auth, people):
    auth.login(people["admin"])
    response = client.post("/admin/users/new", data={
        "role": "reviewer", "name": "陈教授", "email": "chen@uni.cn", "password": "initial-pass-1",
        "org_name": "江淮理工大学", "org_type": "university", "region": "示范市",
        "title": "教授", "fields": "非织造材料,过滤"})
    assert response.status_code == 302
    reviewer = db.session.scalars(select(User).where(User.email == "chen@uni.cn")).one()
    assert reviewer.role is Role.REVIEWER and reviewer.expert_profile[0].fields == "非织造材料,过滤"


def test_admin_deactivates_an_account_and_it_cannot_log_in(client, auth, people, app):
    signed_in = app.test_client()  # the solver's own browser; its requests get their own `g`
    with app.app_context():
        Auth(signed_in).login(people["solver"])
        assert signed_in.get("/me/").status_code == 200
    auth.login(people["admin"])
    client.post(f"/admin/users/{people['solver'].id}/active", data={"active": "0"})
    with app.app_context():
        assert signed_in.get("/me/").status_code == 302  # its open session ended too
    auth.logout()
    assert "已停用" in auth.login(people["solver"]).get_data(as_text=True)


def test_csrf_is_enforced_when_enabled(app, people):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post("/auth/login", data={"login": people["solver"].email,
                                                               "password": PASSWORD})
        assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("password,email,ok", [
    ("correct-horse-9", "solver1@example.cn", True),  # the factories' password
    ("demo-pass-2026", "enterprise1@demo.cn", True),  # the demo's
    ("bureau-pass-2026", "admin@demo.cn", True),
    ("admin-pass-2026", "admin@demo.cn", False),  # the demo admin's old one contained "admin"
    ("short-9", "a@b.cn", False),
    ("x" * 129, "a@b.cn", False),
    ("1234567890", "a@b.cn", False),
    ("Qwertyuiop", "a@b.cn", False),  # case does not make a common password rare
    ("password2026!", "a@b.cn", False),  # nor digits and symbols appended
    ("woaini1314", "a@b.cn", False),
    ("wang.li@corp.cn", "Wang.Li@corp.cn", False),
    ("my-wang.li-key", "wang.li@corp.cn", False),
    ("li-has-a-long-pass", "li@corp.cn", True),  # a two-letter name is not a rule
])
def test_password_rules(app, password, email, ok):
    from challenge.auth.passwords import password_problem

    assert (password_problem(password, email) is None) is ok


def test_common_list_is_bundled_and_large():
    from challenge.auth.passwords import common_passwords

    common = common_passwords()
    assert len(common) > 10_000 and "123456" in common and "password" in common


def forgot(client, email):
    return client.post("/auth/forgot", data={"email": email}, follow_redirects=True)


def test_forgotten_password_answers_alike_whether_or_not_the_account_exists(client, people):
    known = forgot(client, people["solver"].email).get_data(as_text=True)
    unknown = forgot(client, "ghost@example.cn").get_data(as_text=True)
    assert known.replace(people["solver"].email, "@") == unknown.replace("ghost@example.cn", "@")
    assert "重设密码的链接已发往该邮箱" in known
    assert db.session.scalars(select(OutboundEmail.to_address)).all() == [people["solver"].email]


def test_reset_link_sets_a_valid_password_once(client, auth, people):
    solver = people["solver"]
    forgot(client, solver.email)
    link = mailed_link(solver.email, "/auth/reset/")
    html = client.post(link, data={"password": "1234567890", "confirm": "1234567890"}
                       ).get_data(as_text=True)
    assert "该密码过于常见" in html
    response = client.post(link, data={"password": "river-stone-42", "confirm": "river-stone-42"})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert client.get(link).status_code == 400  # used: the password it was bound to changed
    assert "账号或密码不正确" in auth.login(solver).get_data(as_text=True)
    assert auth.login(solver, "river-stone-42").status_code == 302
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == solver.id)
                              .order_by(AuditEvent.id)).all()[-2:] == [
        "request_password_reset", "reset_password"]


def test_reset_link_expires_and_an_older_link_dies_with_a_newer_reset(client, app, people):
    solver = people["solver"]
    forgot(client, solver.email)
    first = mailed_link(solver.email, "/auth/reset/")
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    try:
        assert client.get(first).status_code == 400
    finally:
        app.config["RESET_TOKEN_MAX_AGE"] = 3600
    forgot(client, solver.email)
    second = mailed_link(solver.email, "/auth/reset/")
    assert client.post(second, data={"password": "river-stone-42", "confirm": "river-stone-42"}
                       ).status_code == 302
    assert client.get(first).status_code == 400
    assert client.get(first[:-4] + "AAAA").status_code == 400  # tampered


def test_reset_mails_are_limited_per_address_with_the_same_answer(client, people):
    answers = [forgot(client, people["solver"].email).get_data(as_text=True) for _ in range(5)]
    assert len(set(answers)) == 1
    assert db.session.scalar(select(db.func.count(OutboundEmail.id))) == 3  # MAIL_LINK_LIMITS


def test_reset_confirms_an_unconfirmed_address(client, people):
    solver = people["solver"]
    solver.email_confirmed_at = None
    db.session.commit()
    forgot(client, solver.email)
    client.post(mailed_link(solver.email, "/auth/reset/"),
                data={"password": "river-stone-42", "confirm": "river-stone-42"})
    db.session.refresh(solver)
    assert solver.email_confirmed


def test_old_sessions_from_before_the_upgrade_are_not_honoured(client, people):
    """A session holding a numeric id (what Flask-Login stored before) loads nobody."""
    with client.session_transaction() as session:
        session["_user_id"] = str(people["solver"].id)
        session["_fresh"] = True
    assert client.get("/me/").status_code == 302


def test_every_demo_password_passes_the_rules(app):
    from challenge import demo_content
    from challenge.auth.passwords import password_problem

    assert [spec["email"] for spec in demo_content.USERS
            if password_problem(spec["password"], spec["email"])] == []


@pytest.mark.parametrize("token", ["x", "..", "é.é.é", "a" * 500, "eyJ1aWQiOjF9.Zz.Zz"])
def test_malformed_links_are_refused_plainly(client, token):
    for path in (f"/auth/confirm/{token}", f"/auth/reset/{token}"):
        response = client.get(path)
        assert response.status_code == 400 and "链接" in response.get_data(as_text=True)
