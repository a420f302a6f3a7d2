"""Which language a request gets: ?lang= (the switch) > the account's saved setting > the
switch's cookie > Accept-Language > Chinese; <html lang> follows."""

import re

from challenge.extensions import db
from challenge.models import User
from challenge.states import Role

ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_chinese_by_default_and_accept_language_when_nothing_was_chosen(client):
    assert html_lang(client.get("/")) == "zh-CN"
    assert html_lang(client.get("/", headers=ENGLISH)) == "en"
    assert html_lang(client.get("/", headers={"Accept-Language": "fr-FR, de;q=0.8"})) == "zh-CN"
    page = client.get("/auth/login", headers=ENGLISH).get_data(as_text=True)
    assert "Sign in" in page and "登录" not in page


def test_a_shared_cache_keeps_the_languages_apart(client):
    """The public pages may be kept by a shared cache: they vary on what picks the language."""
    response = client.get("/", headers=ENGLISH)
    assert response.headers["Cache-Control"] == "no-cache"  # public, revalidated
    assert {"Cookie", "Accept-Language"} <= set(response.vary)


def test_the_switch_sets_a_cookie_that_beats_accept_language(client):
    response = client.get("/?lang=en", headers=CHINESE)
    assert html_lang(response) == "en"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert html_lang(client.get("/results", headers=CHINESE)) == "en"  # the cookie
    assert html_lang(client.get("/?lang=zh", headers=ENGLISH)) == "zh-CN"
    assert html_lang(client.get("/", headers=ENGLISH)) == "zh-CN"


def test_the_switch_links_keep_the_page_and_its_query(client):
    page = client.get("/?sort=bounty").get_data(as_text=True)
    assert 'href="/?sort=bounty&amp;lang=en"' in page
    assert 'href="/?sort=bounty&amp;lang=zh"' in page


def test_the_saved_setting_beats_cookie_and_accept_language(client, auth, make):
    user = make.user(Role.SOLVER, name="Li Lei")
    user.locale = "en"
    db.session.commit()
    client.set_cookie("lang", "zh")
    auth.login(user)
    assert html_lang(client.get("/me/", headers=CHINESE)) == "en"
    auth.logout()
    assert html_lang(client.get("/", headers=CHINESE)) == "zh-CN"  # signed out: the cookie


def test_the_switch_saves_the_setting_of_a_signed_in_user(client, auth, make):
    user = make.user(Role.SOLVER, name="Li Lei")
    db.session.commit()
    auth.login(user)
    assert html_lang(client.get("/me/?lang=en")) == "en"
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    client.delete_cookie("lang")
    assert html_lang(client.get("/me/", headers=CHINESE)) == "en"


def test_the_account_page_saves_the_language(client, auth, make):
    user = make.user(Role.REVIEWER, name="Han Meimei")
    db.session.commit()
    auth.login(user)
    page = client.get("/auth/security").get_data(as_text=True)
    assert 'name="language-locale"' in page and "English" in page
    response = client.post("/auth/language", data={"language-locale": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    assert html_lang(client.get("/auth/security", headers=CHINESE)) == "en"
    client.post("/auth/language", data={"language-locale": "fr"})  # not offered: nothing saved
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
