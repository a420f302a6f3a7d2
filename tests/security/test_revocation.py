"""Revocation replayed over HTTP against a live server: a stolen remember-me cookie (and a stolen
session cookie) stop working when the victim logs out, changes or resets the password
elsewhere. Before the per-user session token, the one-year remember-me cookie survived all three."""

import re

from sqlalchemy import select

from challenge.extensions import db
from challenge.models import OutboundEmail
from challenge.states import Role
from tests.factories import PASSWORD

from .account_client import Visitor

NEW_PASSWORD = "harbour-lantern-52"


def victim_with_stolen_cookies(live_server, make):
    user = make.user(Role.SOLVER)
    db.session.commit()
    victim = Visitor(live_server)
    assert victim.login(user.email, PASSWORD, remember=True).status == 302
    assert "remember_token" in victim.cookies and "session" in victim.cookies
    # The attacker copied the remember-me cookie alone, and separately the session cookie.
    remembered = Visitor(live_server, {"remember_token": victim.cookies["remember_token"]})
    session = Visitor(live_server, {"session": victim.cookies["session"]})
    assert remembered.signed_in() and session.signed_in()  # both work while nothing happened
    return user, victim, remembered, session


def test_password_change_ends_stolen_cookies_but_not_the_changing_session(live_server, make):
    user, victim, remembered, session = victim_with_stolen_cookies(live_server, make)
    answer = victim.post("/auth/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                            "confirm": NEW_PASSWORD})
    assert answer.status == 302
    assert not Visitor(live_server, {"remember_token": remembered.cookies["remember_token"]}
                       ).signed_in()
    assert not session.signed_in()
    assert victim.signed_in()  # the session that changed the password continues
    # ...and its own remember-me cookie was renewed, not left pointing at the old token.
    assert Visitor(live_server, {"remember_token": victim.cookies["remember_token"]}).signed_in()


def test_logout_ends_every_session_and_remember_cookie(live_server, make):
    user, victim, remembered, session = victim_with_stolen_cookies(live_server, make)
    other_device = Visitor(live_server)
    assert other_device.login(user.email, PASSWORD).status == 302
    assert victim.post("/auth/logout", {}, token_from="/me/").status == 302
    assert not remembered.signed_in()
    assert not session.signed_in()
    assert not other_device.signed_in()
    assert not victim.signed_in()


def test_password_reset_ends_every_session_and_remember_cookie(live_server, make):
    user, victim, remembered, session = victim_with_stolen_cookies(live_server, make)
    stranger = Visitor(live_server)
    assert stranger.post("/auth/forgot", {"email": user.email}).status == 302
    body = db.session.scalars(select(OutboundEmail.body).where(
        OutboundEmail.to_address == user.email)).one()
    link = re.search(r"https?://[^/\s]+(/auth/reset/\S+)", body).group(1)
    assert stranger.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status == 302
    assert not remembered.signed_in()
    assert not session.signed_in()
    assert not victim.signed_in()
    # The link worked once: a second use is refused and the password stays as reset.
    assert stranger.get(link).status == 400
    assert Visitor(live_server).login(user.email, NEW_PASSWORD).status == 302
