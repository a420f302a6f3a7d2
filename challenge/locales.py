"""The interface language: Chinese (the source strings) or English (translations/en).

A request's language is, in order: `?lang=zh|en` on the URL (the footer's switch; it also sets a
cookie and, for a signed-in user, saves the choice on the account), the signed-in user's saved
setting (`User.locale`), the cookie the switch set, the browser's Accept-Language, Chinese.
Mail and notices go out in the recipient's language (`for_user`), whoever caused them."""

import re
from contextlib import contextmanager

from flask import Flask, g, has_app_context, has_request_context, request
from flask_babel import force_locale, get_locale, get_translations, refresh
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2.ext import Extension

from .extensions import db
from .money import format_money

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


def english_locale() -> bool:
    """The page is in English: a 榜 shows its English face where it has one (hall/_face.html)."""
    return current() == "en"


def html_lang() -> str:
    return HTML_LANG.get(current(), HTML_LANG[DEFAULT])


def money(fen) -> str:
    """An amount as this page's (or `for_user`'s) reader reads it: "12.50 万元" / "CNY 125,000"."""
    return format_money(fen, current())


def user_locale(user) -> str:
    """The language to write to *user* in (mail, stored notices): their saved setting, else Chinese."""
    chosen = getattr(user, "locale", None)
    return chosen if chosen in LOCALES else DEFAULT


@contextmanager
def for_user(user):
    """Render strings (gettext, lazy strings, templates) in *user*'s language inside the block."""
    with force_locale(user_locale(user)):
        yield


def in_language_of(user, text) -> str:
    """*text* as *user* reads it: a lazy string (`_l`, `later`) is rendered in their language;
    a plain string is already final."""
    if text is None or isinstance(text, str):
        return text
    with for_user(user):
        return str(text)


def later(message, values: dict) -> LazyString:
    """*message* (a lazy string with %(name)s places) filled with *values* when it is read, so
    in the language of whoever reads it (`in_language_of`)."""
    return LazyString(lambda: str(message) % values)


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


_CJK = re.compile(r"[\u3400-\u9fff]")


def for_reader(terms: list[str]) -> list[str]:
    """The matcher's reasons for this page: in English, a link to a Chinese synonym of the
    platform's vocabulary ("melt-blown≈熔喷布") shows its English side only."""
    if current() != "en":
        return terms
    shown: list[str] = []
    for term in terms:
        kept = "≈".join(part for part in term.split("≈") if not _CJK.search(part)) or term
        if kept not in shown:
            shown.append(kept)
    return shown


# Chinese punctuation a template writes between its translated strings ("{{ _('状态') }}：…"),
# as English sets it. User content passes through variables and is never touched.
PUNCTUATION = {"：": ": ", "（": " (", "）": ")", "、": ", ", "，": ", ", "；": "; ", "。": ". ",
               "「": "“", "」": "”", "《": "“", "》": "”"}
_TAGS = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)
_MARKS = re.compile("[" + "".join(PUNCTUATION) + "]")
_QUOTED_MARK = re.compile("(['\"])([" + "".join(PUNCTUATION) + "])\\1")


def punctuation(mark: str) -> str:
    return PUNCTUATION.get(mark, mark) if current() == "en" else mark


class TemplatePunctuation(Extension):
    """Rewrites each Chinese punctuation mark in a template's own text (outside {{ }}, {% %} and
    {# #}), and each mark written alone as a literal inside them ('、'), as a call of
    `punctuation('：')` when the template is compiled: the page's language then chooses the
    mark, and no template needs editing for it."""

    def preprocess(self, source, name, filename=None):
        parts = _TAGS.split(source)
        for i, part in enumerate(parts):
            if i % 2 == 0:  # the template's own text
                parts[i] = _MARKS.sub(lambda m: "{{ punctuation('" + m.group() + "') }}", part)
            elif not part.startswith("{#"):  # a mark as a literal: {{ '、' if not loop.last }}
                parts[i] = _QUOTED_MARK.sub(lambda m: "punctuation('" + m.group(2) + "')", part)
        return "".join(parts)


def translations():
    """Flask-Babel's translations for the current locale, looked up once per locale and request.

    Its own lookup (get_domain → get_translations → get_locale → str(locale), each through the
    context proxies) costs some 7 µs a string, and a page translates dozens. The answer is kept
    beside Babel's own locale in its per-request namespace and used while that same locale object
    is current: `force_locale` (mail in the recipient's language) and `refresh` (the language
    switch) replace or drop it, and then Babel is asked again."""
    if not has_app_context():
        return get_translations()
    babel_ns = g.get("_flask_babel")
    if babel_ns is not None:
        kept = babel_ns.__dict__.get("kept_translations")
        if kept is not None and kept[0] is babel_ns.__dict__.get("babel_locale"):
            return kept[1]
    found = get_translations()
    babel_ns = g.get("_flask_babel")
    locale = babel_ns.__dict__.get("babel_locale") if babel_ns is not None else None
    if locale is not None:
        babel_ns.kept_translations = (locale, found)
    return found


def init_app(app: Flask) -> None:
    app.before_request(_remember_switch)
    app.after_request(_cookie_and_vary)
    app.jinja_env.add_extension(TemplatePunctuation)
    # Flask-Babel's template callables, on the kept translations (`translations`).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(html_lang=html_lang, current_locale=current,
                                 english_locale=english_locale, punctuation=punctuation)
