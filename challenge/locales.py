"""The interface language: Chinese (the source strings) or English (translations/en).

A request's language is, in order: `?lang=zh|en` on the URL (the footer's switch; it also sets a
cookie and, for a signed-in user, saves the choice on the account), the signed-in user's saved
setting (`User.locale`), the cookie the switch set, the browser's Accept-Language, Chinese.
Mail and notices go out in the recipient's language (`for_user`), whoever caused them."""

from contextlib import contextmanager

from flask import Flask, g, has_request_context, request
from flask_babel import force_locale, get_locale, refresh
from flask_login import current_user

from .extensions import db

LOCALES = ("zh", "en")
DEFAULT = "zh"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def _asked() -> str | None:
    lang = request.args.get("lang")
    return lang if lang in LOCALES else None


def _signed_in_choice() -> str | None:
    if current_user and current_user.is_authenticated:
        return current_user.locale if current_user.locale in LOCALES else None
    return None


def select_locale() -> str:
    """Flask-Babel's locale selector (see the module's notes for the order)."""
    if not has_request_context():
        return DEFAULT
    return (_asked() or _signed_in_choice() or
            (request.cookies.get(COOKIE) if request.cookies.get(COOKIE) in LOCALES else None) or
            request.accept_languages.best_match(LOCALES) or DEFAULT)


def current() -> str:
    """The language of this request (or of the enclosing `for_user`): "zh" or "en"."""
    return get_locale().language if get_locale() else DEFAULT


def html_lang() -> str:
    return HTML_LANG.get(current(), HTML_LANG[DEFAULT])


def user_locale(user) -> str:
    """The language to write to *user* in (mail, stored notices): their saved setting, else Chinese."""
    chosen = getattr(user, "locale", None)
    return chosen if chosen in LOCALES else DEFAULT


@contextmanager
def for_user(user):
    """Render strings (gettext, lazy strings, templates) in *user*'s language inside the block."""
    with force_locale(user_locale(user)):
        yield


def save_choice(user, locale: str) -> None:
    """Keep *locale* as *user*'s setting (the account page's language form, and the switch)."""
    if locale in LOCALES and user.locale != locale:
        user.locale = locale
        db.session.commit()


def _remember_switch() -> None:
    refresh()  # choose anew: an app context kept across requests (tests) keeps Babel's choice
    lang = _asked()
    if lang:
        g.locale_switched = lang
        if current_user.is_authenticated:
            save_choice(current_user, lang)


def _cookie_and_vary(response):
    lang = g.pop("locale_switched", None)
    if lang and request.cookies.get(COOKIE) != lang:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            secure=request.is_secure, httponly=True)
    if request.endpoint != "static":  # the page's words depend on these
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    app.before_request(_remember_switch)
    app.after_request(_cookie_and_vary)
    app.jinja_env.globals.update(html_lang=html_lang, current_locale=current)
