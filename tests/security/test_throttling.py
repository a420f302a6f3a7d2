"""Login throttling replayed over HTTP. Before it, 40 wrong passwords and then the right one were
all accepted; now failures per account and per address are slowed, then refused for a while with
the time to retry, and only failures count (an office signing in all day is never refused)."""

import pyotp
import pytest
from sqlalchemy import select

from challenge.auth.totp_keys import unseal
from challenge.extensions import db
from challenge.models import AuditEvent
from challenge.states import Role
from tests.factories import PASSWORD
from tests.test_concurrency import run_together

from .account_client import TOKEN, Visitor

REFUSED = "登录失败次数过多"


def test_forty_wrong_passwords_then_the_right_one_is_refused(live_server, make):
    user = make.user(Role.SOLVER)
    db.session.commit()
    attacker = Visitor(live_server)
    answers = [attacker.login(user.email, f"guess-number-{n:02d}") for n in range(40)]
    wrong = [a for a in answers if a.status == 200 and "账号或密码不正确" in a.body]
    refused = [a for a in answers if a.status == 429 and REFUSED in a.body]
    assert len(wrong) == 5 and len(refused) == 35  # LOGIN_LIMITS_PER_ACCOUNT "5 per minute"
    assert "再试" in refused[0].body and "分钟后" in refused[0].body
    right = attacker.login(user.email, PASSWORD)
    assert right.status == 429 and REFUSED in right.body
    assert not attacker.signed_in()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_throttled")).all()
    assert [(e.object_id, e.reason) for e in events] == [(user.id, "account")]


def test_many_accounts_from_one_address_are_refused_too(live_server, make):
    user = make.user(Role.SOLVER)
    db.session.commit()
    sprayer = Visitor(live_server)
    answers = [sprayer.login(f"ghost{n}@example.cn", "Spring2026!") for n in range(21)]
    assert [a.status for a in answers].count(200) == 20  # LOGIN_LIMITS_PER_ADDRESS "20 per minute"
    assert answers[-1].status == 429 and REFUSED in answers[-1].body
    # Another account, never guessed at, is refused from this address as well...
    assert sprayer.login(user.email, PASSWORD).status == 429
    # ...and the same answer for an address with no account: the limit reveals nothing.
    assert sprayer.login("nobody@example.cn", PASSWORD).status == 429


def test_correct_sign_ins_never_count(client, make, app):
    user = make.user(Role.SOLVER)
    db.session.commit()
    for _ in range(30):  # more than the address allows failures
        assert client.post("/auth/login", data={"login": user.email, "password": PASSWORD}
                           ).status_code == 302
        client.post("/auth/logout")
    # Four failures, a success, four more: the success cleared the account's count.
    for _ in range(2):
        for _ in range(4):
            assert client.post("/auth/login", data={"login": user.email, "password": "nope-nope-1"}
                               ).status_code == 200
        assert client.post("/auth/login", data={"login": user.email, "password": PASSWORD}
                           ).status_code == 302
        client.post("/auth/logout")


def test_slowed_first_then_refused_for_longer(client, make, app):
    import time

    user = make.user(Role.SOLVER)
    db.session.commit()
    app.config["LOGIN_LIMITS_PER_ACCOUNT"] = "2 per 2 seconds; 4 per hour"
    try:
        def attempt(password="nope-nope-1"):
            return client.post("/auth/login", data={"login": user.email, "password": password})

        assert [attempt().status_code for _ in range(3)] == [200, 200, 429]  # slowed
        time.sleep(2.2)
        assert [attempt().status_code for _ in range(3)] == [200, 200, 429]
        time.sleep(2.2)
        refused = attempt(PASSWORD)  # the short window has passed, the hourly one has not
        assert refused.status_code == 429
        minutes = int(refused.get_data(as_text=True).split("约 ")[1].split(" 分钟后")[0])
        assert 55 <= minutes <= 60
    finally:
        app.config["LOGIN_LIMITS_PER_ACCOUNT"] = "5 per minute; 10 per hour"


def test_the_second_factor_is_throttled_with_the_account(client, make):
    admin = make.user(Role.ADMIN)
    db.session.commit()
    step = client.post("/auth/login", data={"login": admin.email, "password": PASSWORD})
    assert "/auth/two-factor" in step.headers["Location"]
    # The password took one of the account's five; four wrong codes use the rest.
    codes = [client.post("/auth/two-factor", data={"code": f"{n:06d}"}).status_code
             for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    right = client.post("/auth/two-factor", data={"code": pyotp.TOTP(unseal(admin.totp_secret)).now()})
    assert right.status_code == 429
    assert client.get("/admin/").status_code == 302


def test_behind_a_trusted_proxy_each_client_address_has_its_own_count(app, make):
    from tests.conftest import _config, isolated_app

    user = make.user(Role.SOLVER)
    db.session.commit()
    behind = isolated_app(_config(app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXY_COUNT=1))
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    guesses = iter(range(100))

    def fail(client_address):
        return behind.test_client().post(
            "/auth/login", data={"login": f"ghost{next(guesses)}@example.cn", "password": "x"},
            environ_base=proxy, headers={"X-Forwarded-For": client_address}).status_code

    # Each request pushes its own app context of `behind` (as on a server) and closes its session.
    assert [fail("203.0.113.7") for _ in range(21)][-2:] == [200, 429]
    assert fail("198.51.100.9") == 200  # another client through the same proxy
    ok = behind.test_client().post("/auth/login", data={"login": user.email, "password": PASSWORD},
                                   environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.9"})
    assert ok.status_code == 302
    with behind.app_context():
        db.engine.dispose()


def test_a_password_reset_reopens_a_locked_account(client, make):
    import re

    from challenge.models import OutboundEmail

    user = make.user(Role.SOLVER)
    db.session.commit()
    for _ in range(5):
        client.post("/auth/login", data={"login": user.email, "password": "nope-nope-1"})
    locked = client.post("/auth/login", data={"login": user.email, "password": PASSWORD})
    assert locked.status_code == 429 and "忘记密码" in locked.get_data(as_text=True)
    client.post("/auth/forgot", data={"email": user.email})
    body = db.session.scalars(select(OutboundEmail.body)).one()
    link = re.search(r"https?://[^/\s]+(/auth/reset/\S+)", body).group(1)
    client.post(link, data={"password": "meadow-kettle-31", "confirm": "meadow-kettle-31"})
    assert client.post("/auth/login", data={"login": user.email, "password": "meadow-kettle-31"}
                       ).status_code == 302


@pytest.mark.concurrency
def test_the_workers_of_one_host_share_one_count(make, multiprocess_server):
    """gunicorn with 4 workers, no Redis: 20 wrong passwords for one account posted at the same
    instant. Each worker counting alone (memory://) let up to 4 × 5 through; the counters in the
    instance folder's SQLite file (the embedded default) let exactly 5 be checked."""
    user = make.user(Role.SOLVER)
    db.session.commit()
    email = user.email
    attackers = [Visitor(multiprocess_server.url) for _ in range(20)]
    tokens = [TOKEN.search(a.get("/auth/login").body) for a in attackers]
    answers = run_together([
        lambda a=a, t=t, n=n: a.request("POST", "/auth/login", {
            "login": email, "password": f"guess-{n}", "csrf_token": t.group(1) or t.group(2)})
        for n, (a, t) in enumerate(zip(attackers, tokens, strict=True))])
    assert not [a for a in answers if isinstance(a, Exception)], answers
    statuses = sorted(a.status for a in answers)
    assert statuses == [200] * 5 + [429] * 15, statuses
    assert all("账号或密码不正确" in a.body for a in answers if a.status == 200)
