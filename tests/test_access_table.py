"""Role x endpoint: who gets which status on every page of 发榜, the hall and confidential access.

Columns: visitor (signed out), issuer (the enterprise that posted), other enterprise, solver
(no grant), granted (a solver granted access, undertaking signed, invited to the 定向 榜),
reviewer, admin. 302 for a visitor means "sent to the login page".
"""

from datetime import timedelta

import pytest

from challenge.bidding import operations as bidding_ops
from challenge.extensions import db
from challenge.models import ExpertProfile
from challenge.permissions import grant_for
from challenge.posting import operations as ops
from challenge.states import ChallengeState, Confidentiality, Role
from challenge.timeutil import local_today
from challenge.workflow import perform

ROLES = ["visitor", "issuer", "other_enterprise", "solver", "granted", "reviewer", "admin"]


def row(visitor, issuer, other_enterprise, solver, granted, reviewer, admin):
    return dict(zip(ROLES, (visitor, issuer, other_enterprise, solver, granted, reviewer, admin),
                    strict=True))


ALL_200 = row(200, 200, 200, 200, 200, 200, 200)
ADMIN_ONLY = row(302, 403, 403, 403, 403, 403, 200)

TABLE = [
    # (method, url template, expected per role)
    ("GET", "/", ALL_200),
    ("GET", "/?state=all&q=熔喷&sort=bounty", ALL_200),
    ("GET", "/challenges/{open_public}", ALL_200),
    ("GET", "/challenges/{open_public}/body", ALL_200),
    ("GET", "/challenges/{open_desensitized}", ALL_200),
    ("GET", "/challenges/{open_desensitized}/body", row(403, 200, 403, 403, 200, 403, 200)),
    ("GET", "/challenges/{open_directed}", row(404, 200, 404, 404, 200, 404, 200)),
    ("GET", "/challenges/{open_directed}/body", row(403, 200, 403, 403, 200, 403, 200)),
    ("GET", "/challenges/{draft}", row(404, 200, 404, 404, 404, 404, 200)),
    ("GET", "/challenges/{draft}/body", row(403, 200, 403, 403, 403, 403, 200)),
    ("GET", "/challenges/{screening}", row(404, 200, 404, 404, 404, 404, 200)),
    ("GET", "/challenges/{withdrawn}", row(404, 200, 404, 404, 404, 404, 200)),
    ("GET", "/challenges/{open_desensitized}/access", row(302, 200, 403, 403, 403, 403, 200)),
    ("GET", "/challenges/{open_public}/access", row(302, 403, 403, 403, 403, 403, 403)),
    ("GET", "/challenges/{open_desensitized}/history", row(302, 200, 403, 403, 403, 403, 200)),
    ("GET", "/challenges/{open_desensitized}/request-access",
     row(302, 403, 403, 200, 403, 403, 403)),
    ("GET", "/challenges/{open_public}/request-access", row(302, 403, 403, 403, 403, 403, 403)),
    ("GET", "/challenges/{open_desensitized}/undertaking", row(302, 403, 403, 403, 403, 403, 403)),
    ("GET", "/my/challenges", row(302, 200, 200, 403, 403, 403, 403)),
    ("GET", "/challenges/new", row(302, 200, 200, 403, 403, 403, 403)),
    ("GET", "/challenges/{draft}/edit", row(302, 200, 403, 403, 403, 403, 403)),
    ("GET", "/challenges/{screening}/edit", row(302, 403, 403, 403, 403, 403, 200)),
    ("GET", "/challenges/{open_public}/edit", row(302, 403, 403, 403, 403, 403, 403)),
    ("GET", "/challenges/{draft}/withdraw", row(302, 200, 403, 403, 403, 403, 200)),
    ("GET", "/challenges/{withdrawn}/withdraw", row(302, 403, 403, 403, 403, 403, 403)),
    ("POST", "/challenges/{draft}/submit", row(302, 302, 403, 403, 403, 403, 403)),
    ("POST", "/challenges/{open_public}/submit", row(302, 403, 403, 403, 403, 403, 403)),
    ("POST", "/challenges/{open_desensitized}/invite", row(302, 302, 403, 403, 403, 403, 302)),
    ("POST", "/access/{pending_grant}/decide", row(302, 302, 403, 403, 403, 403, 302)),
    ("POST", "/access/{pending_grant}/revoke", row(302, 302, 403, 403, 403, 403, 302)),
    ("GET", "/admin/", ADMIN_ONLY),
    ("GET", "/admin/challenges", ADMIN_ONLY),
    ("GET", "/admin/challenges?state=all", ADMIN_ONLY),
    ("GET", "/admin/challenges/{screening}", ADMIN_ONLY),
    ("POST", "/admin/challenges/{screening}/publish", row(302, 403, 403, 403, 403, 403, 200)),
    ("POST", "/admin/challenges/{screening}/return", row(302, 403, 403, 403, 403, 403, 200)),
    ("POST", "/admin/challenges/{draft}/publish", row(302, 403, 403, 403, 403, 403, 403)),
    ("GET", "/admin/users", ADMIN_ONLY),
    ("GET", "/admin/panels", ADMIN_ONLY),
    ("GET", "/admin/panels/{screening}", ADMIN_ONLY),
    ("POST", "/admin/panels/propose", row(302, 403, 403, 403, 403, 403, 302)),
    ("POST", "/admin/panels/confirm", row(302, 403, 403, 403, 403, 403, 302)),
    ("GET", "/admin/users/new", ADMIN_ONLY),
    ("POST", "/admin/users/{solver_id}/active", row(302, 403, 403, 403, 403, 403, 302)),
    ("GET", "/admin/experts/", ADMIN_ONLY),
    ("GET", "/admin/experts/?status=inactive&source=import&q=熔喷&page=2", ADMIN_ONLY),
    ("GET", "/admin/experts/import", ADMIN_ONLY),
    ("GET", "/admin/experts/template.xlsx", ADMIN_ONLY),
    ("GET", "/admin/experts/template.csv", ADMIN_ONLY),
    ("GET", "/admin/experts/export.xlsx", ADMIN_ONLY),
    ("GET", "/admin/experts/export.csv?q=熔喷", ADMIN_ONLY),
    ("GET", "/admin/experts/{expert_id}/edit", ADMIN_ONLY),
    ("POST", "/admin/experts/{expert_id}/active", row(302, 403, 403, 403, 403, 403, 302)),
    ("POST", "/admin/experts/import", row(302, 403, 403, 403, 403, 403, 200)),
    ("GET", "/me/", row(302, 302, 302, 200, 200, 200, 302)),
    ("GET", "/me/notifications", row(302, 200, 200, 200, 200, 200, 200)),
    ("GET", "/me/profile", row(302, 403, 403, 200, 200, 200, 403)),
    ("GET", "/auth/password", row(302, 200, 200, 200, 200, 200, 200)),
    ("GET", "/auth/login", row(200, 302, 302, 302, 302, 302, 302)),
    ("GET", "/auth/register", row(200, 302, 302, 302, 302, 302, 302)),
    ("GET", "/challenges/{open_desensitized}/experts", row(302, 200, 403, 403, 403, 403, 200)),
    ("GET", "/challenges/{draft}/experts", row(302, 200, 403, 403, 403, 403, 200)),
    ("GET", "/challenges/similar?title=熔喷布", row(302, 200, 200, 403, 403, 403, 200)),
    ("POST", "/challenges/{open_public}/invite", row(302, 302, 403, 403, 403, 403, 302)),
    ("POST", "/challenges/{withdrawn}/invite", row(302, 403, 403, 403, 403, 403, 403)),
    ("POST", "/challenges/{draft}/invite", row(302, 403, 403, 403, 403, 403, 403)),
    # 答疑 (the table posts nothing, so an allowed asker gets the page back with 请填写问题内容)
    ("POST", "/challenges/{open_public}/questions", row(302, 403, 403, 200, 200, 403, 403)),
    ("POST", "/challenges/{open_desensitized}/questions", row(302, 403, 403, 200, 200, 403, 403)),
    ("POST", "/challenges/{open_directed}/questions", row(302, 403, 404, 404, 200, 404, 403)),
    ("POST", "/challenges/{draft}/questions", row(302, 403, 404, 404, 404, 404, 403)),
    ("POST", "/challenges/{withdrawn}/questions", row(302, 403, 404, 404, 404, 404, 403)),
    ("POST", "/questions/999999/answer", row(302, 404, 404, 404, 404, 404, 404)),
    # 评榜 decision and 公示 (no 榜 of this world has been decided yet)
    ("GET", "/results", ALL_200),
    ("GET", "/results?page=2", ALL_200),
    ("GET", "/results/{open_public}", row(404, 404, 404, 404, 404, 404, 404)),
    ("GET", "/results/{open_directed}", row(404, 404, 404, 404, 404, 404, 404)),
    ("GET", "/results/999999", row(404, 404, 404, 404, 404, 404, 404)),
    ("POST", "/results/{open_public}/objections", row(302, 404, 404, 404, 404, 404, 404)),
    ("GET", "/admin/challenges/{open_public}/decision", ADMIN_ONLY),
    ("GET", "/admin/challenges/{draft}/decision", ADMIN_ONLY),
    ("GET", "/admin/challenges/999999/decision", row(302, 403, 403, 403, 403, 403, 404)),
    ("POST", "/admin/challenges/{open_public}/decision", row(302, 403, 403, 403, 403, 403, 200)),
    ("POST", "/admin/objections/999999/answer", row(302, 403, 403, 403, 403, 403, 404)),
    ("GET", "/challenges/{open_public}/bid", row(302, 403, 403, 302, 200, 403, 403)),
    ("GET", "/proposals/{bid}", row(302, 403, 403, 200, 403, 403, 200)),
    ("GET", "/proposals/{bid}/edit", row(302, 403, 403, 200, 403, 403, 403)),
    ("POST", "/proposals/{bid}/withdraw", row(302, 403, 403, 200, 403, 403, 403)),
    ("POST", "/proposals/{bid}/submit", row(302, 403, 403, 302, 403, 403, 403)),
    ("GET", "/challenges/{open_public}/proposals", row(302, 403, 403, 403, 403, 403, 200)),
    ("POST", "/proposals/{bid}/eligibility", row(302, 403, 403, 403, 403, 403, 403)),
    ("GET", "/my/proposals", row(302, 403, 403, 200, 200, 403, 403)),
    ("GET", "/reviews", row(302, 403, 403, 403, 403, 200, 403)),
    ("GET", "/challenges/999999", row(404, 404, 404, 404, 404, 404, 404)),
]


@pytest.fixture
def world(make, people):
    """Seven accounts and one 榜 in each situation the table speaks of."""
    issuer, admin = people["issuer"], people["admin"]
    granted = make.user(Role.SOLVER, name="已授权揭榜人")
    c = {
        "draft": make.challenge(issuer),
        "screening": make.challenge(issuer, ChallengeState.SCREENING, admin=admin),
        "withdrawn": make.challenge(issuer, ChallengeState.WITHDRAWN, admin=admin),
        "open_public": make.challenge(issuer, ChallengeState.OPEN, admin=admin),
        "open_desensitized": make.challenge(issuer, ChallengeState.OPEN, admin=admin,
                                            confidentiality=Confidentiality.DESENSITIZED),
        "open_directed": make.challenge(issuer, ChallengeState.OPEN, admin=admin,
                                        confidentiality=Confidentiality.DIRECTED),
    }
    grant = ops.request_access(c["open_desensitized"], granted, "团队有熔喷驻极基础")
    perform(grant, "grant", issuer)
    ops.accept_undertaking(grant, granted)
    ops.invite_solver(c["open_directed"], issuer, granted)
    directed_grant = grant_for(granted, c["open_directed"])
    ops.accept_undertaking(directed_grant, granted)
    pending = ops.request_access(c["open_desensitized"], people["other_solver"], "申请")
    expert = ExpertProfile(name="库中专家", organization_name="示范市研究院", source="import",
                           fields="新材料", keywords="熔喷,驻极")
    db.session.add(expert)
    db.session.commit()
    ids = {name: ch.id for name, ch in c.items()}
    ids.update(pending_grant=pending.id, solver_id=people["solver"].id)
    ids["expert_id"] = expert.id
    bid = bidding_ops.start_proposal(c["open_public"], people["solver"], {
        "title": "方案", "technical_approach": "路线", "requested_fen": 1_000_000,
        "commitment": True, "partners": [], "members": [{"name": "李", "title": "", "role": ""}],
        "responses": {i.id: ("99.99", "检测") for i in c["open_public"].indicators},
        "budget": [], "milestones": [{"title": "验收", "due_on": local_today() + timedelta(days=99),
                                      "deliverable": "", "share_bp": 10_000}]})
    perform(bid, "submit", people["solver"])
    db.session.commit()
    ids["bid"] = bid.id
    accounts = dict(people, granted=granted)
    return ids, accounts


CASES = [(method, url, role, expected[role]) for method, url, expected in TABLE for role in ROLES]


@pytest.mark.parametrize("method,url,role,expected", CASES,
                         ids=[f"{m} {u} as {r}" for m, u, r, _ in CASES])
def test_role_endpoint_table(client, auth, world, method, url, role, expected):
    ids, accounts = world
    if role != "visitor":
        assert auth.login(accounts[role]).status_code == 302
    response = client.open(url.format(**ids), method=method)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if role == "visitor" and expected == 302:
        assert "/auth/login" in response.headers["Location"]
