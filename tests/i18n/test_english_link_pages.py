"""The pages the English walk cannot reach by crawling, because they need a token from an e-mail or a
step in the middle of signing in: confirming an address, resetting a password, the second factor,
the unconfirmed account's page, the confidentiality undertaking and an organisation's invitation.
Each one is opened in English with what it needs (and, for the tokens, with a broken one too), and
must hold no Chinese outside what is marked as Chinese on purpose."""

import pytest

from challenge.auth import tokens
from challenge.extensions import db
from challenge.orgs import operations as org_ops
from challenge.posting import operations as posting_ops
from challenge.states import ChallengeState, Confidentiality, Role
from challenge.workflow import perform
from tests import factories
from tests.factories import PASSWORD

from .test_english_walk import _cjk_snippets, values


def english(role: Role, org, name: str, **kw):
    user = factories.make_user(role, org=org, name=name, **kw)
    user.locale = "en"
    return user


def read(client, url: str, expected=(200,)) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code in expected, (url, response.status_code)
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html, url
    assert not _cjk_snippets(html), (url, _cjk_snippets(html))
    return html


@pytest.fixture
def world(app):
    org = factories.make_org
    issuer_org = org("Fujian Textile Co.", region="Xiamen")
    people = {
        "issuer": english(Role.ENTERPRISE, issuer_org, "Chen Jing", org_admin=True),
        "solver": english(Role.SOLVER, org("Fuzhou University", region="Fuzhou"), "Lin Tao"),
        "admin": english(Role.ADMIN, org("Demo City Bureau", region="Demo City"), "Admin Liu"),
    }
    redacted = factories.make_challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                                        confidentiality=Confidentiality.DESENSITIZED,
                                        **values(title="Redacted need"))
    grant = posting_ops.request_access(redacted, people["solver"], "Our team works on electrets")
    perform(grant, "grant", people["issuer"])
    db.session.commit()
    return people, redacted


def test_the_mailed_links_read_in_english(client, world):
    people, _ = world
    solver = people["solver"]
    assert 'type="password"' in read(client, f"/auth/reset/{tokens.reset_token(solver)}?lang=en")
    read(client, "/auth/reset/not-a-token?lang=en", expected=(200, 400, 404, 410))
    solver.email_confirmed_at = None
    db.session.commit()
    read(client, f"/auth/confirm/{tokens.confirm_token(solver)}?lang=en")
    read(client, "/auth/confirm/not-a-token?lang=en", expected=(200, 400, 404, 410))


def test_an_unconfirmed_account_and_the_second_factor_read_in_english(client, auth, world):
    people, _ = world
    solver = people["solver"]
    solver.email_confirmed_at = None
    db.session.commit()
    auth.login(solver)
    html = read(client, "/auth/unconfirmed?lang=en")
    assert "confirm" in html.lower()
    auth.logout()
    response = client.post("/auth/login?lang=en",
                           data={"login": people["admin"].email, "password": PASSWORD})
    assert "/auth/two-factor" in response.headers["Location"]
    assert 'name="code"' in read(client, "/auth/two-factor?lang=en")


def test_the_undertaking_and_an_invitation_read_in_english(client, auth, world):
    people, redacted = world
    auth.login(people["solver"])
    assert "Redacted need" in read(client, f"/challenges/{redacted.id}/undertaking?lang=en")
    auth.logout()
    invitation = org_ops.invite(people["issuer"].organization, people["issuer"],
                                "new.colleague@example.cn")
    db.session.commit()
    assert "Fujian Textile Co." in read(
        client, f"/org/invitations/accept/{org_ops.invitation_token(invitation)}?lang=en")
    read(client, "/org/invitations/accept/not-a-token?lang=en", expected=(410,))
