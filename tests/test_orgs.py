"""Organisations: verified by the bureau, membership granted by the org admin (invitation or
approved join request), members removed and the admin role handed over, all audited; an
unverified organisation drafts but cannot submit; an account without one breaks no page."""

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from challenge import permissions as can
from challenge.extensions import db
from challenge.models import (
    AccessLog,
    AuditEvent,
    Contract,
    ExpertProfile,
    JoinRequest,
    Notification,
    Organization,
    OrgInvitation,
    OutboundEmail,
    Proposal,
    User,
)
from challenge.orgs import operations as org_ops
from challenge.posting import operations as posting_ops
from challenge.states import (
    ChallengeState,
    Confidentiality,
    JoinState,
    OrgState,
    OrgType,
    ProposalState,
    Role,
)
from challenge.timeutil import utcnow
from challenge.workflow import allowed, perform
from tests.conftest import USE_POSTGRES, _config, isolated_app
from tests.factories import credit_code
from tests.test_access_table import TABLE, world  # noqa: F401 - the table's world, as a fixture
from tests.test_auth import mailed_link
from tests.test_bidding import PDF, bid_form, open_board

# -- permissions: role x state -----------------------------------------------------------------

ACTORS = ["org_admin", "member", "outsider", "outsider_admin", "bureau", "visitor"]


def _row(*values):
    return dict(zip(ACTORS, values, strict=True))


# (permission, organisation state) -> expected per actor
ORG_TABLE = {
    ("can_manage_members", OrgState.PENDING): _row(True, False, False, False, False, False),
    ("can_manage_members", OrgState.VERIFIED): _row(True, False, False, False, False, False),
    ("can_manage_members", OrgState.RETURNED): _row(True, False, False, False, False, False),
    ("can_upload_licence", OrgState.PENDING): _row(True, False, False, False, False, False),
    ("can_upload_licence", OrgState.VERIFIED): _row(False, False, False, False, False, False),
    ("can_upload_licence", OrgState.RETURNED): _row(True, False, False, False, False, False),
    ("can_resubmit_org", OrgState.PENDING): _row(False, False, False, False, False, False),
    ("can_resubmit_org", OrgState.VERIFIED): _row(False, False, False, False, False, False),
    ("can_resubmit_org", OrgState.RETURNED): _row(True, False, False, False, False, False),
    ("can_verify_org", OrgState.PENDING): _row(False, False, False, False, True, False),
    ("can_verify_org", OrgState.VERIFIED): _row(False, False, False, False, False, False),
    ("can_verify_org", OrgState.RETURNED): _row(False, False, False, False, False, False),
    ("can_view_licence", OrgState.PENDING): _row(False, False, False, False, True, False),
    ("can_view_licence", OrgState.VERIFIED): _row(False, False, False, False, True, False),
    ("can_view_licence", OrgState.RETURNED): _row(False, False, False, False, True, False),
}
# The door: (action, organisation state) -> who may
DOOR_TABLE = {
    ("verify", OrgState.PENDING): _row(False, False, False, False, True, False),
    ("verify", OrgState.RETURNED): _row(False, False, False, False, False, False),
    ("return", OrgState.PENDING): _row(False, False, False, False, True, False),
    ("return", OrgState.VERIFIED): _row(False, False, False, False, False, False),
    ("resubmit", OrgState.RETURNED): _row(True, False, False, False, False, False),
    ("resubmit", OrgState.PENDING): _row(False, False, False, False, False, False),
}
# Member-level permissions, on the member "member" -> expected per actor
MEMBER_TABLE = {
    "can_remove_member": _row(True, False, False, False, False, False),
    "can_hand_over": _row(True, False, False, False, False, False),
}
# A pending join request to the organisation: approve / refuse
JOIN_TABLE = {
    "can_decide_join": _row(True, False, False, False, True, False),
    "approve": _row(True, False, False, False, True, False),
    "refuse": _row(True, False, False, False, True, False),
}


class Visitor:
    is_authenticated = False
    active = False
    role = None
    org_admin = False
    organization_id = None


@pytest.fixture
def cast(app, make):
    """One organisation (with its licence) and one account per actor of the tables."""
    def build(state: OrgState):
        org = make.org(type=OrgType.UNIVERSITY, state=state)
        org.licence_stored, org.licence_name = "x.pdf", "执照.pdf"
        other = make.org(type=OrgType.UNIVERSITY)
        actors = {
            "org_admin": make.user(Role.SOLVER, org=org, org_admin=True),
            "member": make.user(Role.SOLVER, org=org),
            "outsider": make.user(Role.SOLVER, org=other),
            "outsider_admin": make.user(Role.SOLVER, org=other, org_admin=True),
            "bureau": make.user(Role.ADMIN),
            "visitor": Visitor(),
        }
        db.session.commit()
        return org, actors
    return build


@pytest.mark.parametrize("permission,state", list(ORG_TABLE))
def test_organisation_permissions_by_role_and_state(cast, permission, state):
    org, actors = cast(state)
    got = {name: getattr(can, permission)(actor, org) for name, actor in actors.items()}
    assert got == ORG_TABLE[(permission, state)]


@pytest.mark.parametrize("action,state", list(DOOR_TABLE))
def test_organisation_transitions_by_role_and_state(cast, action, state):
    org, actors = cast(state)
    got = {name: allowed(org, action, actor) for name, actor in actors.items()}
    assert got == DOOR_TABLE[(action, state)]


@pytest.mark.parametrize("permission", list(MEMBER_TABLE))
def test_member_permissions_by_role(cast, permission):
    org, actors = cast(OrgState.VERIFIED)
    got = {name: getattr(can, permission)(actor, actors["member"]) for name, actor in actors.items()}
    assert got == MEMBER_TABLE[permission]
    # Nobody removes or demotes themselves, nor a bureau account.
    assert not getattr(can, permission)(actors["org_admin"], actors["org_admin"])


@pytest.mark.parametrize("check", list(JOIN_TABLE))
def test_join_request_decisions_by_role(cast, make, check):
    org, actors = cast(OrgState.VERIFIED)
    newcomer = make.user(Role.SOLVER, no_org=True)
    req = org_ops.request_join(newcomer, org)
    db.session.commit()
    if check == "can_decide_join":
        got = {name: can.can_decide_join(actor, req) for name, actor in actors.items()}
    else:
        got = {name: allowed(req, check, actor) for name, actor in actors.items()}
    assert got == JOIN_TABLE[check]
    perform(req, "refuse", actors["bureau"], reason="测试")
    assert not any(can.can_decide_join(actor, req) for actor in actors.values())


# -- the bureau verifies --------------------------------------------------------------------

def registration(**overrides) -> dict:
    data = {"role": "enterprise", "name": "蒋总", "email": "jiang@qm.cn", "phone": "",
            "password": "long-enough-1", "confirm": "long-enough-1", "accept_terms": "y", "org_choice": "new",
            "org_name": "启明智能装备有限公司", "org_type": "enterprise", "region": "示范市经开区",
            "credit_code": credit_code(4242)}
    data.update(overrides)
    return data


def test_registration_creates_a_pending_organisation_with_its_licence(client, people):
    response = client.post("/auth/register", data=registration(
        licence=(io.BytesIO(PDF), "营业执照.pdf")), content_type="multipart/form-data")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "jiang@qm.cn"))
    org = user.organization
    assert org.state is OrgState.PENDING and user.org_admin and org.licence_name == "营业执照.pdf"
    assert org.credit_code == credit_code(4242)
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "organization")).all()
    assert actions == ["register_org", "upload_licence"]
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == people["admin"].id, Notification.message.contains("待认证"))) == 1


@pytest.mark.parametrize("overrides,message", [
    ({"credit_code": ""}, "新登记的单位须填写统一社会信用代码"),
    ({"credit_code": "91320500000000777X"}, "校验位不正确"),
    ({"region": ""}, "请输入所在地区"),
    ({"org_choice": "join"}, "没有找到该单位"),
    ({"licence": (io.BytesIO(b"MZ\x90"), "licence.exe")}, "只接受"),
])
def test_registration_of_an_organisation_explains_each_problem(client, overrides, message):
    response = client.post("/auth/register", data=registration(**overrides),
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert "启明智能装备有限公司" in html
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Organization.id))) == 0


def test_credit_code_is_unique(client, make):
    make.org(name="已登记单位")
    taken = db.session.scalar(select(Organization.credit_code))
    db.session.commit()
    html = client.post("/auth/register", data=registration(credit_code=taken)).get_data(as_text=True)
    assert "已被其他单位使用" in html


def confirm_address(client, email: str) -> None:
    """The registrant follows the confirmation link mailed to it (tests/test_auth.py)."""
    assert client.get(mailed_link(email, "/auth/confirm/")).status_code == 302


@pytest.fixture
def pending(client, people):
    """A registered organisation awaiting verification; its registrant is signed in."""
    client.post("/auth/register", data=registration(licence=(io.BytesIO(PDF), "营业执照.pdf")),
                content_type="multipart/form-data")
    confirm_address(client, "jiang@qm.cn")
    return db.session.scalar(select(User).where(User.email == "jiang@qm.cn"))


def test_bureau_verifies_and_the_org_admin_is_told(client, auth, people, pending):
    org = pending.organization
    auth.logout()
    assert client.get(f"/admin/organizations/{org.id}/licence").status_code == 302  # to login
    auth.login(pending, "long-enough-1")
    assert client.get(f"/admin/organizations/{org.id}/licence").status_code == 403
    assert client.get("/admin/organizations").status_code == 403
    auth.logout()
    auth.login(people["admin"])
    assert org.name in client.get("/admin/organizations").get_data(as_text=True)
    download = client.get(f"/admin/organizations/{org.id}/licence")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()
    assert client.post(f"/admin/organizations/{org.id}/verify").status_code == 302
    db.session.expire_all()
    assert org.state is OrgState.VERIFIED and org.verified_by_id == people["admin"].id
    assert org.verified_at is not None
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == pending.id, Notification.message.contains("已通过科技局认证"))) == 1
    assert db.session.scalar(select(func.count(OutboundEmail.id)).where(
        OutboundEmail.to_address == "jiang@qm.cn",
        OutboundEmail.body.not_like("%/auth/confirm/%"))) == 1  # besides the address check
    assert client.post(f"/admin/organizations/{org.id}/verify").status_code == 403  # once


def test_bureau_returns_with_a_reason_and_the_org_admin_resubmits(client, auth, people, pending):
    org = pending.organization
    auth.logout()
    auth.login(people["admin"])
    html = client.post(f"/admin/organizations/{org.id}/return",
                       data={"ret-reason": ""}).get_data(as_text=True)
    assert "请填写理由" in html
    client.post(f"/admin/organizations/{org.id}/return", data={"ret-reason": "执照模糊，请重新上传"})
    db.session.expire_all()
    assert org.state is OrgState.RETURNED and org.return_reason == "执照模糊，请重新上传"
    auth.logout()
    auth.login(pending, "long-enough-1")
    page = client.get("/org").get_data(as_text=True)
    assert "执照模糊，请重新上传" in page and "重新提交认证" in page
    client.post("/org/licence", data={"licence": (io.BytesIO(PDF), "清晰执照.pdf")},
                content_type="multipart/form-data")
    client.post("/org/resubmit")
    db.session.expire_all()
    assert org.state is OrgState.PENDING and org.licence_name == "清晰执照.pdf"
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "organization", AuditEvent.object_id == org.id)
        .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["register_org", "upload_licence", "return",
                                          "upload_licence", "resubmit"]
    assert events[2].reason == "执照模糊，请重新上传"


def test_no_verification_without_a_licence(client, auth, people):
    client.post("/auth/register", data=registration())
    org = db.session.scalar(select(Organization).where(Organization.name == "启明智能装备有限公司"))
    auth.logout()
    auth.login(people["admin"])
    html = client.post(f"/admin/organizations/{org.id}/verify", follow_redirects=True
                       ).get_data(as_text=True)
    assert "尚未上传营业执照" in html
    db.session.expire_all()
    assert org.state is OrgState.PENDING


# -- unverified organisations draft but cannot submit --------------------------------------------

def test_a_pending_enterprise_drafts_but_cannot_submit_a_challenge(client, auth, people, make):
    org = make.org(state=OrgState.PENDING)
    boss = make.user(Role.ENTERPRISE, org=org, org_admin=True)
    draft = make.challenge(boss)
    auth.login(boss)
    page = client.get(f"/challenges/{draft.id}").get_data(as_text=True)
    assert 'data-testid="submit-gate"' in page and "待科技局认证" in page
    html = client.post(f"/challenges/{draft.id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "尚未通过科技局认证" in html
    db.session.expire_all()
    assert draft.state is ChallengeState.DRAFT
    org.state, org.verified_at = OrgState.VERIFIED, utcnow()
    db.session.commit()
    client.post(f"/challenges/{draft.id}/submit")
    db.session.expire_all()
    assert draft.state is ChallengeState.SCREENING


def test_a_pending_solver_organisation_drafts_but_cannot_submit_a_bid(client, auth, people, make):
    board = open_board(make, people)
    org = make.org(type=OrgType.UNIVERSITY, state=OrgState.RETURNED)
    li = make.user(Role.SOLVER, org=org, org_admin=True)
    db.session.commit()
    auth.login(li)
    response = client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    proposal = db.session.scalars(select(Proposal)).one()
    assert response.status_code == 302 and proposal.state is ProposalState.DRAFT
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "尚未通过科技局认证" in page and 'data-testid="submit-gate"' in page
    client.post(f"/proposals/{proposal.id}/submit")
    db.session.expire_all()
    assert proposal.state is ProposalState.DRAFT
    org.state, org.verified_at = OrgState.VERIFIED, utcnow()
    db.session.commit()
    client.post(f"/proposals/{proposal.id}/submit")
    db.session.expire_all()
    assert proposal.state is ProposalState.SUBMITTED


# -- invitations ----------------------------------------------------------------------------

@pytest.fixture
def org_admin(make, auth):
    org = make.org(name="东州大学", type=OrgType.UNIVERSITY)
    admin = make.user(Role.SOLVER, org=org, org_admin=True, name="马老师")
    db.session.commit()
    auth.login(admin)
    return admin


def invite_link(client, email: str) -> str:
    client.post("/org/invitations", data={"email": email})
    mail = db.session.scalars(select(OutboundEmail).where(OutboundEmail.to_address == email)
                              .order_by(OutboundEmail.id.desc())).first()
    assert mail is not None and "东州大学" in mail.body
    return re.search(r"https?://\S+/org/invitations/accept/\S+", mail.body).group(0)


def register_with(client, link: str, email: str, **overrides):
    token = link.rsplit("/", 1)[-1]
    form = client.get(f"/auth/register?invite={token}").get_data(as_text=True)
    assert "您受邀加入「东州大学」" in form and email in form
    data = {"role": "solver", "name": "新同事", "email": overrides.pop("email_typed", email),
            "phone": "", "password": "long-enough-1", "confirm": "long-enough-1",
            "accept_terms": "y", "invite": token}
    data.update(overrides)
    return client.post("/auth/register", data=data)


def test_an_invitation_admits_once(client, auth, org_admin):
    link = invite_link(client, "colleague@dzu.edu.cn")
    auth.logout()
    assert register_with(client, link, "colleague@dzu.edu.cn").status_code == 302
    colleague = db.session.scalar(select(User).where(User.email == "colleague@dzu.edu.cn"))
    assert colleague.organization_id == org_admin.organization_id and not colleague.org_admin
    invitation = db.session.scalar(select(OrgInvitation))
    assert invitation.accepted_by_id == colleague.id and invitation.accepted_at is not None
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "organization")).all()
    assert actions == ["invite_member", "accept_invitation"]
    auth.logout()
    # The same link again: refused, and nobody else gets in with it.
    path = "/" + link.split("/", 3)[3]
    response = client.get(path)
    assert response.status_code == 410 and "已被使用" in response.get_data(as_text=True)
    html = register_with_expected_refusal(client, path.rsplit("/", 1)[-1])
    assert "已被使用" in html
    assert db.session.scalar(select(func.count(User.id)).where(
        User.organization_id == org_admin.organization_id)) == 2


def register_with_expected_refusal(client, token: str) -> str:
    return client.get(f"/auth/register?invite={token}").get_data(as_text=True)


def test_an_invitation_expires_and_cannot_be_forged(client, auth, org_admin):
    link = invite_link(client, "late@dzu.edu.cn")
    token = link.rsplit("/", 1)[-1]
    invitation = db.session.scalar(select(OrgInvitation))
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    auth.logout()
    assert "已过期" in client.get(f"/org/invitations/accept/{token}").get_data(as_text=True)
    response = register_with_refused_post(client, token, "late@dzu.edu.cn")
    assert db.session.scalar(select(User.organization_id).where(
        User.email == "late@dzu.edu.cn")) is None, response
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert "邀请链接无效" in client.get(f"/org/invitations/accept/{forged}").get_data(as_text=True)


def register_with_refused_post(client, token: str, email: str) -> int:
    """Posting the registration with a dead token keeps the typed data and admits nobody."""
    response = client.post("/auth/register", data={
        "role": "solver", "name": "迟到", "email": email, "phone": "", "password": "long-enough-1",
        "confirm": "long-enough-1", "invite": token, "accept_terms": "y"})
    return response.status_code


def test_an_invitation_is_for_its_address_only(client, auth, org_admin, make):
    link = invite_link(client, "right@dzu.edu.cn")
    token = link.rsplit("/", 1)[-1]
    auth.logout()
    html = register_with(client, link, "right@dzu.edu.cn", email_typed="wrong@dzu.edu.cn"
                         ).get_data(as_text=True)
    assert "邀请发给 right@dzu.edu.cn" in html
    stranger = make.user(Role.SOLVER, no_org=True, email="stranger@x.cn")
    db.session.commit()
    auth.login(stranger)
    html = client.post(f"/org/invitations/accept/{token}").get_data(as_text=True)
    assert "请用该邮箱的账号接受" in html
    db.session.expire_all()
    assert stranger.organization_id is None


def test_a_signed_in_invitee_accepts_and_a_revoked_invitation_is_dead(client, auth, org_admin,
                                                                      make):
    invitee = make.user(Role.SOLVER, no_org=True, email="solo@x.cn")
    db.session.commit()
    token = invite_link(client, "solo@x.cn").rsplit("/", 1)[-1]
    revoked_token = invite_link(client, "other@x.cn").rsplit("/", 1)[-1]
    revoked = db.session.scalar(select(OrgInvitation).where(OrgInvitation.email == "other@x.cn"))
    client.post(f"/org/invitations/{revoked.id}/revoke")
    auth.logout()
    assert "已被撤销" in client.get(f"/org/invitations/accept/{revoked_token}").get_data(as_text=True)
    auth.login(invitee)
    client.post(f"/org/invitations/accept/{token}")
    db.session.expire_all()
    assert invitee.organization_id == org_admin.organization_id


# -- join requests, removal, hand-over --------------------------------------------------------

@pytest.fixture
def applicant(client, auth, make, org_admin):
    """Someone who registered asking to join 东州大学; the org admin is signed in again after.
    (One client per test: Flask-Login keeps the user in the app context the tests share.)"""
    auth.logout()
    client.post("/auth/register", data={
        "role": "solver", "name": "方晓东", "email": "fang@x.cn", "phone": "",
        "password": "long-enough-1", "confirm": "long-enough-1", "accept_terms": "y", "org_choice": "join",
        "org_name": "东州大学", "org_type": "university", "region": "", "credit_code": "",
        "join_note": "材料学院讲师"})
    confirm_address(client, "fang@x.cn")
    user = db.session.scalar(select(User).where(User.email == "fang@x.cn"))
    assert user.organization_id is None
    page = client.get("/org").get_data(as_text=True)
    assert "待单位管理员审核" in page and 'data-testid="org-gate"' in page
    auth.logout()
    auth.login(org_admin)
    return user


def test_the_org_admin_approves_a_join_request(client, auth, org_admin, applicant):
    user = applicant
    assert "方晓东" in client.get("/org").get_data(as_text=True)
    req = db.session.scalar(select(JoinRequest))
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == org_admin.id)) == 1
    client.post(f"/org/join-requests/{req.id}/decide", data={"decision": "approve"})
    db.session.expire_all()
    assert req.state is JoinState.APPROVED and req.decided_by_id == org_admin.id
    assert user.organization_id == org_admin.organization_id
    auth.logout()
    auth.login(user, "long-enough-1")
    assert "已获同意" in client.get("/me/notifications").get_data(as_text=True)


def test_refusing_needs_a_reason(client, org_admin, applicant):
    req = db.session.scalar(select(JoinRequest))
    html = client.post(f"/org/join-requests/{req.id}/decide", data={"decision": "refuse"},
                       follow_redirects=True).get_data(as_text=True)
    assert "需要填写理由" in html
    client.post(f"/org/join-requests/{req.id}/decide", data={"decision": "refuse", "reason": "非本单位"})
    db.session.expire_all()
    assert req.state is JoinState.REFUSED and req.decision_note == "非本单位"
    assert applicant.organization_id is None


def test_the_bureau_can_answer_a_join_request(client, auth, people, org_admin, applicant):
    req = db.session.scalar(select(JoinRequest))
    auth.logout()
    auth.login(people["admin"])
    assert "方晓东" in client.get("/admin/join-requests").get_data(as_text=True)
    client.post(f"/org/join-requests/{req.id}/decide", data={"decision": "approve"})
    db.session.expire_all()
    assert applicant.organization_id == org_admin.organization_id


def test_an_outsider_cannot_answer_a_join_request(client, auth, make, org_admin, applicant):
    req = db.session.scalar(select(JoinRequest))
    other_admin = make.user(Role.SOLVER, org_admin=True)
    db.session.commit()
    auth.logout()
    auth.login(other_admin)
    assert client.post(f"/org/join-requests/{req.id}/decide",
                       data={"decision": "approve"}).status_code == 403
    db.session.expire_all()
    assert req.state is JoinState.PENDING


def test_a_removed_member_loses_the_organisation_at_once(client, auth, people, org_admin, make):
    member = make.user(Role.SOLVER, org=org_admin.organization, name="离职者")
    board = open_board(make, people)
    profile = ExpertProfile(user_id=member.id, name=member.name, source="self",
                            organization_id=member.organization_id, organization_name="东州大学")
    db.session.add(profile)
    db.session.commit()
    auth.logout()
    auth.login(member)
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board, submit=None, save="1"))
    proposal_id = re.search(r"/proposals/(\d+)", client.get("/my/proposals").get_data(
        as_text=True)).group(1)
    assert client.get(f"/proposals/{proposal_id}").status_code == 200
    auth.logout()
    auth.login(org_admin)
    client.post(f"/org/members/{member.id}/remove")
    auth.logout()
    auth.login(member)
    assert client.get(f"/proposals/{proposal_id}").status_code == 403
    db.session.expire_all()
    assert member.organization_id is None
    assert (profile.organization_id, profile.organization_name) == (None, "")  # matching follows
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "remove_member"))
    assert event.actor_id == org_admin.id and event.changes["member"] == [member.id, None]


def test_handing_over_the_admin_role(client, auth, org_admin, make):
    member = make.user(Role.SOLVER, org=org_admin.organization)
    db.session.commit()
    assert client.post(f"/org/members/{org_admin.id}/hand-over").status_code == 403  # oneself
    client.post(f"/org/members/{member.id}/hand-over")
    db.session.expire_all()
    assert member.org_admin and not org_admin.org_admin
    assert client.post("/org/invitations", data={"email": "x@y.cn"}).status_code == 403
    assert "移出" not in client.get("/org").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.changes).where(
        AuditEvent.action == "hand_over_admin")) == {"org_admin": [org_admin.id, member.id]}


# -- the body of a confidential 榜 on the bid pages ----------------------------------------------

def test_bid_pages_show_a_confidential_body_only_with_access_and_log_it(client, auth, people,
                                                                       make):
    secret = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                            confidentiality=Confidentiality.DESENSITIZED, indicators=[
                                {"name": "驻极衰减率", "target": "≤5", "unit": "%", "method": "老化"},
                                {"name": "呼吸阻力", "target": "≤80", "unit": "Pa", "method": "85L"}])
    lead = people["solver"]
    colleague = make.user(Role.SOLVER, org=lead.organization, name="同事")
    grant = posting_ops.request_access(secret, lead, "申请")
    perform(grant, "grant", people["issuer"])
    posting_ops.accept_undertaking(grant, lead)
    db.session.commit()
    auth.login(lead)
    assert "驻极衰减率" in client.get(f"/challenges/{secret.id}/bid").get_data(as_text=True)
    client.post(f"/challenges/{secret.id}/bid", data=bid_form(secret, submit=None, save="1"))
    proposal_id = re.search(r"/proposals/(\d+)", client.get("/my/proposals").get_data(
        as_text=True)).group(1)
    assert "驻极衰减率" in client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    logged = db.session.scalar(select(func.count(AccessLog.id)).where(
        AccessLog.user_id == lead.id))
    assert logged == 2  # the form and the bid page
    auth.logout()
    auth.login(colleague)  # same organisation, no grant, no undertaking
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "驻极衰减率" not in page and "≤5" not in page and 'data-testid="indicators-hidden"' in page
    edit = client.get(f"/proposals/{proposal_id}/edit")
    assert edit.status_code == 403 and "驻极衰减率" not in edit.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AccessLog.id)).where(
        AccessLog.user_id == colleague.id)) == 0


# -- an account without an organisation ----------------------------------------------------------

def test_every_page_works_for_accounts_without_an_organisation(
        client, auth, make, people, world):  # noqa: F811 - world is the access table's fixture
    """Each GET of the access table, as a solver and an enterprise whose join request waits."""
    ids, _accounts = world
    org = make.org(type=OrgType.UNIVERSITY)
    waiting = []
    for role in (Role.SOLVER, Role.ENTERPRISE):
        user = make.user(role, no_org=True)
        org_ops.request_join(user, org if role is Role.SOLVER else make.org())
        waiting.append(user)
    db.session.commit()
    paths = [url.format(**ids) for method, url, _ in TABLE if method == "GET"]
    paths += ["/org", "/my/contracts", "/challenges/new", "/statistics", "/results"]
    for user in waiting:
        auth.login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code < 500, (user.role, path)
        assert "待单位管理员审核" in client.get("/org").get_data(as_text=True)
        auth.logout()


# -- migration 0010 on existing data -----------------------------------------------------------

@pytest.mark.skipif(USE_POSTGRES, reason="a private SQLite database walks the migrations")
def test_migration_verifies_existing_organisations_and_names_their_admins(tmp_path):
    app = isolated_app(_config(f"sqlite:///{tmp_path / 'old.sqlite'}"))
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO organizations (id, name, type, region, created_at) VALUES "
                "(1, '东州大学', 'university', '', '2026-01-01'),"
                " (2, '某所', 'institute', '', '2026-01-01')"))
            for uid, role, org in ((1, "reviewer", 1), (2, "solver", 1), (3, "solver", 1),
                                   (4, "reviewer", 2)):
                conn.execute(sa.text(
                    "INSERT INTO users (id, email, name, password_hash, role, organization_id, "
                    "active, created_at) VALUES (:id, :email, 'n', 'h', :role, :org, 1, '2026-01-01')"),
                    {"id": uid, "email": f"u{uid}@x.cn", "role": role, "org": org})
        upgrade()
        states = db.session.execute(sa.text("SELECT id, state FROM organizations ORDER BY id")).all()
        assert [tuple(r) for r in states] == [(1, "verified"), (2, "verified")]
        admins = db.session.scalars(sa.text("SELECT id FROM users WHERE org_admin")).all()
        assert admins == [2]  # the earliest solver of 东州大学; reviewers administer nothing
        downgrade(revision="0009")
        upgrade()
        db.session.remove()
        db.engine.dispose()


def test_acceptance_of_a_confidential_board_needs_body_access_and_is_logged(client, auth, people,
                                                                            make):
    lead = people["solver"]
    colleague = make.user(Role.SOLVER, org=lead.organization, name="同事")
    board = make.challenge(people["issuer"], ChallengeState.CONTRACTED, admin=people["admin"],
                           solver=lead, confidentiality=Confidentiality.DESENSITIZED, indicators=[
                               {"name": "驻极衰减率", "target": "≤5", "unit": "%", "method": "老化"}])
    grant = posting_ops.request_access(board, lead, "揭榜时的授权")
    perform(grant, "grant", people["issuer"])
    posting_ops.accept_undertaking(grant, lead)
    db.session.commit()
    contract_id = db.session.scalar(select(Contract.id).where(Contract.challenge_id == board.id))
    auth.login(colleague)
    page = client.get(f"/contracts/{contract_id}/acceptance")
    assert page.status_code == 403 and "驻极衰减率" not in page.get_data(as_text=True)
    auth.logout()
    for user in (lead, people["issuer"], people["admin"]):
        auth.login(user)
        assert "驻极衰减率" in client.get(f"/contracts/{contract_id}/acceptance").get_data(
            as_text=True)
        auth.logout()
    assert db.session.scalar(select(func.count(AccessLog.id)).where(
        AccessLog.challenge_id == board.id)) == 3


def test_an_organisation_the_bureau_registers_is_verified(client, auth, people):
    auth.login(people["admin"])
    client.post("/admin/users/new", data={
        "role": "enterprise", "name": "钱经理", "email": "qian@newco.cn", "password": "initial-pass-1",
        "org_name": "新设科技有限公司", "org_type": "enterprise", "region": "示范市"})
    org = db.session.scalar(select(Organization).where(Organization.name == "新设科技有限公司"))
    assert org.state is OrgState.VERIFIED and org.verified_by_id == people["admin"].id


def test_the_demo_shows_the_flow(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for email in ("orgadmin@demo.cn", "applicant@demo.cn", "solver2@demo.cn"):
        assert email in result.output
    states = dict(db.session.execute(select(Organization.name, Organization.state)).all())
    assert states.pop("启明智能装备有限公司") is OrgState.PENDING
    assert set(states.values()) == {OrgState.VERIFIED}
    pending_org = db.session.scalar(select(Organization).where(Organization.state == OrgState.PENDING))
    assert pending_org.has_licence
    assert db.session.scalar(select(User).where(User.email == "orgadmin@demo.cn")).org_admin
    [req] = db.session.scalars(select(JoinRequest)).all()
    assert req.state is JoinState.PENDING and req.organization.name == "东州大学"
    assert req.user.organization_id is None
    admins = db.session.scalars(select(User.email).where(User.org_admin.is_(True))).all()
    assert "solver2@demo.cn" in admins and not any(e.startswith("reviewer") for e in admins)


# -- who gets which answer from each organisation page -------------------------------------------

WHO = ["visitor", "org_admin", "member", "outsider", "bureau"]


def _by(*codes):
    return dict(zip(WHO, codes, strict=True))


HTTP_TABLE = [
    ("GET", "/org", _by(302, 200, 200, 200, 403)),
    ("POST", "/org/invitations", _by(302, 302, 403, 302, 403)),  # the outsider: into its own
    ("POST", "/org/invitations/{invitation}/revoke", _by(302, 302, 403, 403, 403)),
    ("POST", "/org/members/{member}/remove", _by(302, 302, 403, 403, 403)),
    ("POST", "/org/members/{member}/hand-over", _by(302, 302, 403, 403, 403)),
    ("POST", "/org/join-requests/{join}/decide", _by(302, 302, 403, 403, 302)),
    ("POST", "/org/licence", _by(302, 403, 403, 403, 403)),  # the organisation is verified
    ("POST", "/org/resubmit", _by(302, 403, 403, 403, 403)),
    ("POST", "/org/register", _by(302, 403, 403, 403, 403)),  # each already has one
    ("GET", "/admin/organizations", _by(302, 403, 403, 403, 200)),
    ("GET", "/admin/organizations/{pending}", _by(302, 403, 403, 403, 200)),
    ("GET", "/admin/organizations/{pending}/licence", _by(302, 403, 403, 403, 200)),
    ("POST", "/admin/organizations/{pending}/verify", _by(302, 403, 403, 403, 302)),
    ("POST", "/admin/organizations/{pending}/return", _by(302, 403, 403, 403, 200)),
    ("POST", "/admin/organizations/{org}/verify", _by(302, 403, 403, 403, 403)),  # done
    ("GET", "/admin/join-requests", _by(302, 403, 403, 403, 200)),
]
HTTP_CASES = [(m, u, who, e[who]) for m, u, e in HTTP_TABLE for who in WHO]


@pytest.mark.parametrize("method,url,who,expected", HTTP_CASES,
                         ids=[f"{m} {u} as {w}" for m, u, w, _ in HTTP_CASES])
def test_organisation_pages_by_role(app, client, auth, make, method, url, who, expected):
    org = make.org(type=OrgType.UNIVERSITY)
    accounts = {"org_admin": make.user(Role.SOLVER, org=org, org_admin=True),
                "member": make.user(Role.SOLVER, org=org),
                "outsider": make.user(Role.SOLVER, org_admin=True),  # of another organisation
                "bureau": make.user(Role.ADMIN)}
    pending = make.org(type=OrgType.UNIVERSITY, state=OrgState.PENDING)
    stored = org_ops.store_upload(FileStorage(io.BytesIO(PDF), "执照.pdf"), org_ops.LICENCE_AREA)
    pending.licence_stored, pending.licence_name = stored.stored_name, "执照.pdf"
    pending.licence_type = stored.content_type
    newcomer = make.user(Role.SOLVER, no_org=True)
    join = org_ops.request_join(newcomer, org)
    invitation = OrgInvitation(organization_id=org.id, email="x@y.cn", nonce="n" * 32,
                               invited_by_id=accounts["org_admin"].id,
                               expires_at=utcnow() + timedelta(days=1))
    db.session.add(invitation)
    db.session.commit()
    ids = {"org": org.id, "pending": pending.id, "member": accounts["member"].id,
           "join": join.id, "invitation": invitation.id}
    if who != "visitor":
        auth.login(accounts[who])
    data = {"email": "new@y.cn", "decision": "approve"} if method == "POST" else None
    response = client.open(url.format(**ids), method=method, data=data)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    response.close()


def test_after_a_refusal_the_account_registers_its_own_organisation(client, auth, org_admin,
                                                                    applicant):
    req = db.session.scalar(select(JoinRequest))
    client.post(f"/org/join-requests/{req.id}/decide", data={"decision": "refuse", "reason": "不认识"})
    auth.logout()
    auth.login(applicant, "long-enough-1")
    page = client.get("/org").get_data(as_text=True)
    assert "未获同意" in page and "不认识" in page and 'name="org_choice"' in page
    html = client.post("/org/register", data={"org_choice": "new", "org_name": "东州大学"}
                       ).get_data(as_text=True)
    assert "该单位已登记" in html
    client.post("/org/register", data={
        "org_choice": "new", "org_name": "方氏技术服务中心", "org_type": "other", "region": "示范市",
        "credit_code": credit_code(5151)})
    db.session.expire_all()
    assert applicant.organization.name == "方氏技术服务中心" and applicant.org_admin
    assert applicant.organization.state is OrgState.PENDING


def test_the_org_admin_corrects_details_before_verification(client, auth, make):
    org = make.org(type=OrgType.UNIVERSITY, state=OrgState.RETURNED)
    boss = make.user(Role.SOLVER, org=org, org_admin=True)
    member = make.user(Role.SOLVER, org=org)
    taken = make.org(name="已登记大学")
    db.session.commit()
    auth.login(member)
    assert client.post("/org/details", data={"name": "改名", "region": "x",
                                             "credit_code": credit_code(6161)}).status_code == 403
    auth.logout()
    auth.login(boss)
    html = client.post("/org/details", data={"name": "已登记大学", "region": "示范市",
                                             "credit_code": taken.credit_code}).get_data(as_text=True)
    assert "该名称已被其他单位登记" in html and "已被其他单位使用" in html
    client.post("/org/details", data={"name": "更正后的大学", "region": "示范市",
                                      "credit_code": credit_code(6161)})
    db.session.expire_all()
    assert (org.name, org.credit_code) == ("更正后的大学", credit_code(6161))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "edit",
                                                       AuditEvent.object_type == "organization"))
    assert event.changes["credit_code"][1] == credit_code(6161)
    org.state, org.verified_at = OrgState.VERIFIED, utcnow()
    db.session.commit()
    assert client.post("/org/details", data={"name": "再改", "region": "x",
                                             "credit_code": credit_code(6161)}).status_code == 403
