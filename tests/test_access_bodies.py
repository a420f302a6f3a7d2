"""The access table for the 专业机构 role (issue 15 item 4), beside tests/test_access_table.py
and on its world: a body account nobody appointed, and one the bureau appointed for screening
opinions to the 待审核, the 脱敏 and the 定向 榜 (never to the others). A body sees what it is
appointed to, confidential body included, and nothing else a member of the public would not;
the new pages for every role. 302 for a visitor means "sent to the login page"."""

import pytest

from challenge.bodies import operations as body_ops
from challenge.extensions import db
from challenge.models import Challenge
from challenge.states import BodyPurpose, Role
from tests.test_access_table import world  # noqa: F401  (the fixture, shared)

ROLES = ["visitor", "issuer", "solver", "reviewer", "admin", "body", "appointed"]


def row(visitor, issuer, solver, reviewer, admin, body, appointed):
    return dict(zip(ROLES, (visitor, issuer, solver, reviewer, admin, body, appointed), strict=True))


def bodies(body, appointed):
    """Rows of the main table, for the two body columns only."""
    return {"body": body, "appointed": appointed}


# What the main table's pages answer a body (unappointed, appointed).
BODY_ROWS = [
    ("GET", "/", bodies(200, 200)),
    ("GET", "/challenges/{open_public}", bodies(200, 200)),
    ("GET", "/challenges/{open_public}/body", bodies(200, 200)),
    ("GET", "/challenges/{open_desensitized}", bodies(200, 200)),
    ("GET", "/challenges/{open_desensitized}/body", bodies(403, 200)),
    ("GET", "/challenges/{open_directed}", bodies(404, 200)),
    ("GET", "/challenges/{open_directed}/body", bodies(403, 200)),
    ("GET", "/challenges/{draft}", bodies(404, 404)),
    ("GET", "/challenges/{draft}/body", bodies(403, 403)),
    ("GET", "/challenges/{screening}", bodies(404, 200)),
    ("GET", "/challenges/{withdrawn}", bodies(404, 404)),
    ("GET", "/challenges/{open_desensitized}/access", bodies(403, 403)),
    ("GET", "/challenges/{open_desensitized}/history", bodies(403, 403)),
    ("GET", "/challenges/{open_desensitized}/request-access", bodies(403, 403)),
    ("GET", "/my/challenges", bodies(403, 403)),
    ("GET", "/challenges/new", bodies(403, 403)),
    ("GET", "/challenges/{screening}/edit", bodies(403, 403)),
    ("POST", "/admin/challenges/{screening}/publish", bodies(403, 403)),
    ("GET", "/admin/", bodies(403, 403)),
    ("GET", "/admin/challenges/{screening}", bodies(403, 403)),
    ("GET", "/admin/users", bodies(403, 403)),
    ("GET", "/admin/experts/", bodies(403, 403)),
    ("GET", "/me/", bodies(302, 302)),
    ("GET", "/me/notifications", bodies(200, 200)),
    ("GET", "/me/profile", bodies(403, 403)),
    ("GET", "/auth/password", bodies(200, 200)),
    ("GET", "/challenges/{open_desensitized}/experts", bodies(403, 403)),
    ("GET", "/results", bodies(200, 200)),
    ("GET", "/challenges/{open_public}/bid", bodies(403, 403)),
    ("GET", "/proposals/{bid}", bodies(403, 403)),
    ("GET", "/challenges/{open_public}/proposals", bodies(403, 403)),
    ("GET", "/my/proposals", bodies(403, 403)),
    ("GET", "/reviews", bodies(403, 403)),
]

# The 专业机构 pages, for every role.
NEW_ROWS = [
    ("GET", "/body/", row(302, 403, 403, 403, 403, 200, 200)),
    ("GET", "/body/challenges/{open_directed}", row(302, 403, 403, 403, 403, 403, 200)),
    ("GET", "/body/challenges/{open_public}", row(302, 403, 403, 403, 403, 403, 403)),
    ("GET", "/challenges/{screening}/findings/new/screening", row(302, 403, 403, 403, 200, 403, 200)),
    ("GET", "/challenges/{open_directed}/findings/new/screening",
     row(302, 403, 403, 403, 200, 403, 200)),
    # appointed for screening, not acceptance; and an open 榜 is no stage for acceptance anyway
    ("GET", "/challenges/{open_directed}/findings/new/acceptance",
     row(302, 403, 403, 403, 403, 403, 403)),
    ("GET", "/challenges/{open_public}/findings/new/nonsense", row(302, 403, 403, 403, 404, 404, 404)),
    ("GET", "/admin/challenges/{open_public}/bodies", row(302, 403, 403, 403, 200, 403, 403)),
    ("GET", "/admin/challenges/{draft}/bodies", row(302, 403, 403, 403, 403, 403, 403)),
    ("POST", "/admin/challenges/{open_public}/bodies", row(302, 403, 403, 403, 422, 403, 403)),
    ("POST", "/admin/appointments/999999/end", row(302, 403, 403, 403, 404, 403, 403)),
    ("GET", "/findings/999999", row(302, 404, 404, 404, 404, 404, 404)),
    ("POST", "/findings/999999/adopt", row(302, 403, 403, 403, 404, 403, 403)),
    ("POST", "/findings/999999/override", row(302, 403, 403, 403, 404, 403, 403)),
    ("GET", "/findings/files/999999", row(302, 404, 404, 404, 404, 404, 404)),
]

CASES = ([(m, u, r, e[r]) for m, u, e in BODY_ROWS for r in ("body", "appointed")]
         + [(m, u, r, e[r]) for m, u, e in NEW_ROWS for r in ROLES])


@pytest.fixture
def body_world(world, make):  # noqa: F811
    ids, accounts = world
    admin = accounts["admin"]
    appointed = make.user(Role.BODY, name="受托机构")
    for name in ("screening", "open_desensitized", "open_directed"):
        body_ops.appoint(db.session.get(Challenge, ids[name]), admin, appointed.id,
                         BodyPurpose.SCREENING)
    accounts = dict(accounts, body=make.user(Role.BODY, name="未受托机构"), appointed=appointed)
    db.session.commit()
    return ids, accounts


@pytest.mark.parametrize("method,url,role,expected", CASES,
                         ids=[f"{m} {u} as {r}" for m, u, r, _ in CASES])
def test_body_role_endpoint_table(client, auth, body_world, method, url, role, expected):
    ids, accounts = body_world
    if role != "visitor":
        assert auth.login(accounts[role]).status_code == 302
    response = client.open(url.format(**ids), method=method)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if role == "visitor" and expected == 302:
        assert "/auth/login" in response.headers["Location"]
