"""No 500 from any input (issue 11, item 6): one row per root cause the fuzzing found, each a
request that made the server fail (or, for control characters, took them in) before the
mechanism that now answers it: the page parser, the money parser, the day reader, the id
converter, the request boundary (NUL and other control characters), the number readers that
replaced `str.isdigit()`, and forms whose text boxes read as empty when missing."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from challenge.extensions import db
from challenge.inputs import MAX_ID, MAX_PAGE, page_number, parse_decimal, parse_id, parse_int, percent_bp
from challenge.models import ExpertProfile, Proposal
from challenge.money import MAX_FEN, MoneyError, parse_wan
from challenge.states import OrgType, Role
from challenge.timeutil import DayError, parse_day
from tests.test_bidding import bid_form, open_board
from tests.test_scoring import panel  # noqa: F401  (a fixture)

HUGE = "99999999999999999999"

# (role, method, url, form, expected status, text the page must show)
TABLE = [
    # 1 the money parser: a bound beyond any column, a Decimal exponent that overflowed
    ("visitor", "GET", "/?min=1e309", None, 200, "金额超出合理范围"),
    ("visitor", "GET", "/?max=9e999999", None, 200, "金额超出合理范围"),
    ("issuer", "POST", "/challenges/new", {"bounty": "9e999999"}, 200, "金额超出合理范围"),
    # 2 the page parser, for every paginated list
    ("visitor", "GET", f"/?page={HUGE}", None, 200, ""),
    ("visitor", "GET", f"/results?page={HUGE}", None, 200, ""),
    ("visitor", "GET", f"/results/closed?page={HUGE}", None, 200, ""),
    ("admin", "GET", f"/admin/challenges?page={HUGE}", None, 200, ""),
    ("admin", "GET", f"/admin/audit/?page={HUGE}", None, 200, ""),
    ("solver", "GET", f"/me/notifications?page={HUGE}", None, 200, ""),
    # 3 the day reader: a day whose bounds (or the day after) are not dates
    ("visitor", "GET", "/statistics?period=custom&end=9999-12-31", None, 200, "日期超出范围"),
    ("visitor", "GET", "/statistics?period=custom&start=0001-01-01", None, 200, "日期超出范围"),
    ("admin", "GET", "/admin/statistics?period=custom&end=9999-12-31", None, 200, "日期超出范围"),
    ("admin", "GET", "/admin/audit/?start=0001-01-01", None, 200, "日期超出范围"),
    # 4 the id converter: an <int:...> beyond any row id
    ("visitor", "GET", f"/challenges/{HUGE}", None, 404, ""),
    ("visitor", "GET", f"/organizations/{2**63}", None, 404, ""),
    # 5 the request boundary: NUL (PostgreSQL refuses it) and control characters (xlsx does)
    ("visitor", "GET", "/?q=%00", None, 400, "无法保存"),
    ("visitor", "POST", "/auth/login", {"login": "a\x00b", "password": "x"}, 400, "无法保存"),
    ("issuer", "POST", "/challenges/new", {"title": "熔喷\x01布", "save": "1"}, 400, "无法保存"),
    # 6 ids and numbers read with str.isdigit() ('²' passes it, int() refuses it) or int/float
    ("admin", "GET", "/admin/audit/?type=challenge&id=²", None, 200, "对象编号应为正整数"),
    ("admin", "GET", "/admin/audit/?actor=²", None, 200, ""),
    ("admin", "GET", "/admin/statistics/records?figure=reviews:²", None, 404, ""),
    ("admin", "GET", f"/admin/statistics/records?figure=reviews:{HUGE}", None, 404, ""),
    ("admin", "GET", f"/my/contracts?challenge={HUGE}", None, 200, ""),
    ("admin", "POST", "/admin/panels/confirm", {"challenge": "²"}, 302, ""),
    ("admin", "POST", "/admin/panels/propose", {"challenge": HUGE}, 302, ""),
    ("admin", "GET", "/admin/exports/challenges.csv?challenge=²", None, 400, ""),
    ("admin", "POST", "/admin/experts/{expert}/edit", {"works-0-title": "论文", "works-0-year": "²²²²"},
     200, "年份应为四位数字"),
    ("reviewer0", "POST", "/reviews/proposals/{bid}", {"score-approach": "²", "save": "1"}, 200,
     "请输入 0 到 30 的整数"),
    ("admin", "POST", "/admin/panels/{board}", {"reviewer": "{spare}", "score": "nan"}, 302, ""),
    # 7 percentages read as Decimal where a signalling NaN raised
    ("solver", "POST", "/challenges/{open}/bid",
     {"milestones-0-title": "小试", "milestones-0-share": "sNaN"}, 200, "百分数"),
    # 8 a form without one of its text boxes (a stale page): the box reads as empty
    ("drafter", "POST", "/proposals/{draft}/edit", "bid without members-0-title", 302, ""),
]


@pytest.fixture
def places(client, auth, make, people, panel):  # noqa: F811
    """Ids the table's URLs name and the accounts it signs in as."""
    board, bids, reviewers = panel
    board.reviewers_required = 5
    spare = make.user(Role.REVIEWER, org=make.org(type=OrgType.UNIVERSITY))
    open_ = open_board(make, people)
    bidder = make.user(Role.SOLVER, org=make.org(type=OrgType.INSTITUTE))
    expert = ExpertProfile(name="库中专家", organization_name="示范市研究院", source="import")
    db.session.add(expert)
    db.session.commit()
    auth.login(bidder)
    client.post(f"/challenges/{open_.id}/bid", data=bid_form(open_, submit=None))
    auth.logout()
    draft = db.session.scalars(select(Proposal).where(Proposal.team_lead_id == bidder.id)).one()
    ids = {"board": board.id, "bid": bids[0].id, "spare": spare.id, "open": open_.id,
           "draft": draft.id, "expert": expert.id}
    accounts = dict(people, reviewer0=reviewers[0], solver=people["solver"], drafter=bidder)
    return ids, accounts, open_


@pytest.mark.parametrize("role,method,url,form,expected,shown", TABLE,
                         ids=[f"{m} {u} {f if isinstance(f, str) else ''} as {r}"
                              for r, m, u, f, _, _ in TABLE])
def test_input_that_broke_the_server_is_answered(client, auth, places, role, method, url, form,
                                                 expected, shown):
    ids, accounts, open_ = places
    if form == "bid without members-0-title":
        form = {k: v for k, v in bid_form(open_, submit=None).items()
                                 if k != "members-0-title"}
    if role != "visitor":
        assert auth.login(accounts[role]).status_code == 302
    if form:
        form = {k: v.format(**ids) for k, v in form.items()}
    response = client.open(url.format(**ids), method=method, data=form)
    assert response.status_code == expected
    assert shown in response.get_data(as_text=True)


def test_a_missing_text_box_is_saved_as_empty(client, auth, places):
    ids, accounts, open_ = places
    auth.login(accounts["drafter"])
    form = {k: v for k, v in bid_form(open_, submit=None).items() if k != "members-0-title"}
    assert client.post(f"/proposals/{ids['draft']}/edit", data=form).status_code == 302
    draft = db.session.get(Proposal, ids["draft"])
    db.session.refresh(draft)
    assert draft.members[0]["title"] == "" and draft.members[0]["name"] == "李教授"


# -- the parsers themselves ---------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("1", 1), (" 42 ", 42), ("+7", 7), ("²", None), ("١", None), ("1.0", None), ("", None),
    (None, None), ("0x10", None), ("1_000", None), ("9" * 31, None)])
def test_parse_int_takes_ascii_digits_only(text, expected):
    assert parse_int(text) == expected


def test_parse_id_is_a_row_id():
    assert parse_id("1") == 1 and parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id("0") is None and parse_id(str(MAX_ID + 1)) is None and parse_id("-3") is None


@pytest.mark.parametrize("text,expected", [
    (None, 1), ("", 1), ("abc", 1), ("0", 1), ("-2", 1), ("²", 1), ("3", 3), (HUGE, MAX_PAGE),
    ("9" * 5000, 1)])
def test_page_number_is_clamped(text, expected):
    assert page_number(text) == expected


@pytest.mark.parametrize("text", ["nan", "sNaN", "inf", "-Infinity", "1e309", "101", "-1", "x"])
def test_parse_decimal_refuses_what_is_not_a_number_in_range(text):
    assert parse_decimal(text, 0, 100) is None


@pytest.mark.parametrize("text,expected", [("30", 3000), ("33.33%", 3333), ("", None),
                                           ("100", 10_000), ("0", 0)])
def test_percent_bp(text, expected):
    assert percent_bp(text) == expected


@pytest.mark.parametrize("text", ["33.333", "101", "-1", "sNaN", "9e999999", "abc"])
def test_percent_bp_refuses(text):
    with pytest.raises(ValueError):
        percent_bp(text)


@pytest.mark.parametrize("text,expected", [
    ("1", 1_000_000), ("0.000001", 1), ("1,000,000", MAX_FEN), ("1.5000000000", 1_500_000),
    ("0", 0)])
def test_parse_wan_is_exact_integer_fen(text, expected):
    assert parse_wan(text) == expected


@pytest.mark.parametrize("text", ["1e309", "9e999999", "-9e999999", "inf", "nan", "sNaN",
                                  "1000000.000001", "-1", "0.0000001", "9" * 41, "abc", ""])
def test_parse_wan_refuses_with_a_message(text):
    with pytest.raises(MoneyError) as refused:
        parse_wan(text)
    assert str(refused.value)


def test_parse_wan_never_rounds_a_long_fraction_away():
    with pytest.raises(MoneyError):
        parse_wan("999999." + "9" * 30)
    assert parse_wan(Decimal("0.01")) == 10_000


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_parse_day_refuses_days_out_of_range(text):
    with pytest.raises(DayError) as refused:
        parse_day(text)
    assert refused.value.out_of_range


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "２０２６-01-01", "20261231", "",
                                  "+10000-01-01"])
def test_parse_day_refuses_what_is_not_a_day(text):
    with pytest.raises(DayError) as refused:
        parse_day(text)
    assert not refused.value.out_of_range


def test_every_form_reads_a_missing_text_box_as_empty(app):
    """The guard for forms added later: each is built on AppForm (or SubForm for rows)."""
    from flask_wtf import FlaskForm
    from wtforms import Form

    from challenge.forms_common import AppForm, SubForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in {*subclasses(FlaskForm), *subclasses(Form)}
            if c.__module__.startswith("challenge.")]
    assert ours
    stray = sorted(c.__qualname__ for c in ours if not issubclass(c, (AppForm, SubForm)))
    assert not stray, f"build these on forms_common.AppForm / SubForm: {stray}"
