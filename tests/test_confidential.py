"""The confidential body: request → grant/refuse → undertaking → logged views."""

import pytest
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.models import AccessGrant, AccessLog, AuditEvent, Notification
from challenge.posting import operations as ops
from challenge.states import AccessState, ChallengeState, Confidentiality


@pytest.fixture
def secret(make, people):
    return make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                          confidentiality=Confidentiality.DESENSITIZED,
                          detail="保密：驻极工艺电压 28kV，现有效率 95.1%")


def logs(challenge) -> int:
    return db.session.scalar(select(func.count(AccessLog.id)).where(
        AccessLog.challenge_id == challenge.id))


def test_full_grant_flow(client, auth, people, secret):
    solver, issuer = people["solver"], people["issuer"]
    auth.login(solver)
    assert client.get(f"/challenges/{secret.id}/body").status_code == 403
    html = client.post(f"/challenges/{secret.id}/request-access", data={"note": ""}).get_data(
        as_text=True)
    assert "请简要说明" in html
    client.post(f"/challenges/{secret.id}/request-access", data={"note": "课题组做驻极十年"})
    grant = db.session.scalars(select(AccessGrant)).one()
    assert grant.state is AccessState.REQUESTED
    assert client.get(f"/challenges/{secret.id}/body").status_code == 403
    assert client.get(f"/challenges/{secret.id}/request-access").status_code == 403  # once only
    auth.logout()

    auth.login(issuer)
    notes = db.session.scalars(select(Notification.message).where(
        Notification.user_id == issuer.id)).all()
    assert any("申请查阅" in n for n in notes)
    page = client.get(f"/challenges/{secret.id}/access").get_data(as_text=True)
    assert "课题组做驻极十年" in page
    client.post(f"/access/{grant.id}/decide", data={"decision": "grant"})
    auth.logout()

    auth.login(solver)
    response = client.get(f"/challenges/{secret.id}/body")
    assert response.status_code == 302 and "/undertaking" in response.headers["Location"]
    html = client.post(f"/challenges/{secret.id}/undertaking", data={}).get_data(as_text=True)
    assert "请勾选同意保密承诺" in html
    client.post(f"/challenges/{secret.id}/undertaking", data={"agree": "yes"})
    body = client.get(f"/challenges/{secret.id}/body")
    assert body.status_code == 200 and "驻极工艺电压 28kV" in body.get_data(as_text=True)
    assert body.headers["Cache-Control"] == "no-store"
    client.get(f"/challenges/{secret.id}/body")
    assert logs(secret) == 2
    auth.logout()

    auth.login(issuer)
    page = client.get(f"/challenges/{secret.id}/access").get_data(as_text=True)
    assert page.count(solver.name) >= 3  # request row + two log rows
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "access_grant").order_by(AuditEvent.id)).all()
    assert actions == ["request", "grant", "accept_undertaking"]


def test_refused_solver_gets_403_and_sees_reason(client, auth, people, secret):
    grant = ops.request_access(secret, people["solver"], "想看看")
    db.session.commit()
    auth.login(people["issuer"])
    html = client.post(f"/access/{grant.id}/decide", data={"decision": "refuse"},
                       follow_redirects=True).get_data(as_text=True)
    assert "拒绝时请填写理由" in html
    client.post(f"/access/{grant.id}/decide", data={"decision": "refuse", "reason": "方向不符"})
    auth.logout()
    auth.login(people["solver"])
    assert client.get(f"/challenges/{secret.id}/body").status_code == 403
    assert client.get(f"/challenges/{secret.id}/undertaking").status_code == 403
    assert "方向不符" in client.get(f"/challenges/{secret.id}").get_data(as_text=True)
    assert logs(secret) == 0


def test_revoked_grant_closes_the_body_again(client, auth, people, secret):
    grant = ops.request_access(secret, people["solver"], "申请")
    from challenge.workflow import perform

    perform(grant, "grant", people["issuer"])
    ops.accept_undertaking(grant, people["solver"])
    db.session.commit()
    auth.login(people["issuer"])
    client.post(f"/access/{grant.id}/revoke", data={"reason": "合作终止"})
    auth.logout()
    auth.login(people["solver"])
    assert client.get(f"/challenges/{secret.id}/body").status_code == 403


def test_other_enterprise_cannot_answer_requests(client, auth, people, secret):
    grant = ops.request_access(secret, people["solver"], "申请")
    db.session.commit()
    auth.login(people["other_enterprise"])
    assert client.post(f"/access/{grant.id}/decide", data={"decision": "grant"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(AccessGrant, grant.id).state is AccessState.REQUESTED


def test_invitation_to_directed_grants_access_after_undertaking(client, auth, people, make):
    directed = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                              confidentiality=Confidentiality.DIRECTED, title="定向榜")
    auth.login(people["issuer"])
    html = client.post(f"/challenges/{directed.id}/invite", data={"email": "nobody@x.cn"},
                       follow_redirects=True).get_data(as_text=True)
    assert "没有找到该邮箱对应的揭榜方账号" in html
    client.post(f"/challenges/{directed.id}/invite", data={"email": people["solver"].email})
    auth.logout()
    auth.login(people["solver"])
    assert client.get(f"/challenges/{directed.id}").status_code == 200
    assert "/undertaking" in client.get(f"/challenges/{directed.id}/body").headers["Location"]
    client.post(f"/challenges/{directed.id}/undertaking", data={"agree": "yes"})
    assert client.get(f"/challenges/{directed.id}/body").status_code == 200
    auth.logout()
    auth.login(people["other_solver"])
    assert client.get(f"/challenges/{directed.id}").status_code == 404


def test_issuer_and_admin_views_are_logged_too(client, auth, people, secret):
    for user in (people["issuer"], people["admin"]):
        auth.login(user)
        assert client.get(f"/challenges/{secret.id}/body").status_code == 200
        auth.logout()
    viewers = db.session.scalars(select(AccessLog.user_id).where(
        AccessLog.challenge_id == secret.id).order_by(AccessLog.id)).all()
    assert viewers == [people["issuer"].id, people["admin"].id]


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, auth, people, secret):
    ops.request_access(secret, people["solver"], "申请")
    db.session.commit()
    note = db.session.scalars(select(Notification).where(
        Notification.user_id == people["issuer"].id,
        Notification.message.contains("申请查阅"))).one()
    auth.login(people["solver"])
    assert client.post(f"/me/notifications/{note.id}").status_code == 403
    auth.logout()
    auth.login(people["issuer"])
    client.post("/me/notifications/read")
    note.read_at = None
    db.session.commit()
    assert 'data-testid="unread">1<' in client.get("/me/notifications").get_data(as_text=True)
    response = client.post(f"/me/notifications/{note.id}")
    assert response.headers["Location"] == f"/challenges/{secret.id}/access"
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is not None
    assert 'data-testid="unread"' not in client.get("/me/notifications").get_data(as_text=True)
