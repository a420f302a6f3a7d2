"""Each reader gets their language: money, dates and numbers formatted for the page's locale;
notices and e-mails in the recipient's saved language whoever caused them; exports (at once or
in the background) with headers in the language of the page that asked."""

import csv
import io
from datetime import UTC, datetime

from flask import render_template_string
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from challenge.auth.email_links import send_reset
from challenge.extensions import db
from challenge.models import ExportJob, Notification, OutboundEmail
from challenge.money import format_money
from challenge.states import ChallengeState, Role

WHEN = datetime(2026, 12, 4, 12, 30, tzinfo=UTC)  # 20:30 in Beijing
PAGE = ("{{ fen|money }}|{{ when|localtime }}|{{ when|localdate }}|{{ n|number }}|"
        "{{ fen|money_figure }}{{ money_unit() }}")


def render(app, lang: str) -> list[str]:
    with app.test_request_context(f"/?lang={lang}"):
        app.preprocess_request()  # the request's hooks: its language is chosen
        return render_template_string(PAGE, fen=12_500_000, when=WHEN, n=1234567).split("|")


def test_money_dates_and_numbers_in_each_locale(app):
    assert render(app, "zh") == ["12.50 万元", "2026-12-04 20:30", "2026-12-04", "1,234,567",
                                 "12.50万元"]
    assert render(app, "en") == ["CNY 125,000", "4 Dec 2026, 20:30", "4 Dec 2026", "1,234,567",
                                 "CNY 125,000"]
    assert format_money(12_345, "en") == "CNY 123.45"  # cents only when there are any
    assert format_money(None, "en") == "—"


def test_the_hall_shows_the_bounty_in_the_reader_s_money(client, make, people):
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                   bounty_fen=300_000_000)
    chinese = client.get("/?lang=zh").get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "300.00" in chinese and "万元" in chinese
    assert "CNY 3,000,000" in english and "万元" not in english


def messages_to(user) -> tuple[list[str], list[OutboundEmail]]:
    notices = db.session.scalars(select(Notification.message).where(
        Notification.user_id == user.id).order_by(Notification.id)).all()
    mails = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.to_address == user.email).order_by(OutboundEmail.id)).all()
    return notices, mails


def test_notices_and_mails_in_the_recipient_s_language_whoever_acts(make, people):
    issuer = people["issuer"]
    issuer.locale = "en"
    colleague = make.user(Role.ENTERPRISE, org=issuer.organization)  # never chose: Chinese
    db.session.commit()
    with force_locale("en"):  # the bureau works in English; the colleague still reads Chinese
        make.challenge(issuer, ChallengeState.FAILED, admin=people["admin"], title="Filter")
    notices, mails = messages_to(issuer)
    assert 'Your challenge "Filter" has been published and is open for bids.' in notices
    assert mails and all(m.subject == "Open Challenge platform notice: Filter" for m in mails)
    assert any("has failed" in m.body for m in mails)
    notices, mails = messages_to(colleague)
    assert "您的榜「Filter」已发布，开始揭榜。" in notices
    assert mails and all(m.subject == "揭榜挂帅平台通知：Filter" for m in mails)
    admin_notices, _ = messages_to(people["admin"])
    assert "新榜待审核：Filter" in admin_notices  # the admin chose nothing: Chinese


def test_a_password_mail_follows_the_saved_language(app, make):
    reader = make.user(Role.SOLVER, name="Lin")
    reader.locale = "en"
    db.session.commit()
    with app.test_request_context("/?lang=zh"):  # asked from a Chinese page
        assert send_reset(reader)
    db.session.commit()
    mail = db.session.scalars(select(OutboundEmail)).one()
    assert mail.subject == "Reset password"
    assert "Lin" in mail.body and "您好" not in mail.body


def test_registering_in_english_keeps_english_for_the_account(client):
    from challenge.models import User
    from tests.test_auth import registration

    assert '<html lang="en">' in client.get("/auth/register?lang=en").get_data(as_text=True)
    response = client.post("/auth/register", data=registration(name="Ada", org_name="Ada Labs",
                                                               region="Xiamen"))
    assert response.status_code == 302
    user = db.session.scalars(select(User)).one()
    assert user.locale == "en"
    mail = db.session.scalars(select(OutboundEmail)).one()
    assert mail.subject == "Please confirm your registered email address"
    assert "Ada" in mail.body and "您好" not in mail.body


def header_row_of(response) -> list:
    assert response.status_code == 200
    return [c for c in next(load_workbook(io.BytesIO(response.data)).worksheets[0]
                            .iter_rows(max_row=1, values_only=True))]


def test_an_export_asked_in_english_has_english_headers(client, auth, make, people):
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"], title="Pump")
    auth.login(people["admin"])
    english = header_row_of(client.get("/admin/exports/challenges.xlsx?lang=en"))
    assert "Challenge title" in english and "Bounty (CNY 10k)" in english
    assert not any("榜" in str(h) for h in english)
    chinese = header_row_of(client.get("/admin/exports/challenges.xlsx?lang=zh"))
    assert "榜单名称" in chinese


def test_a_background_export_is_written_in_the_language_it_was_asked_in(client, auth, people,
                                                                        make):
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"], title="Pump")
    auth.login(people["admin"])
    client.get("/admin/exports/?lang=en")
    client.post("/admin/exports/challenges.csv/background").close()  # runs after the response
    job = db.session.scalars(select(ExportJob)).one()
    db.session.refresh(job)
    assert job.locale == "en" and job.state == "done", job.error
    with client.get(f"/admin/exports/jobs/{job.id}/download") as download:
        rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"), newline="")))
    assert "Challenge title" in rows[0] and "Pump" in rows[1]


def test_a_template_s_punctuation_follows_the_page_and_user_content_keeps_its_own(app):
    source = "{{ title }}（{{ _('状态') }}：{{ ['a', 'b']|join('、') }}）"
    pages = {}
    for lang in ("zh", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            app.preprocess_request()
            pages[lang] = render_template_string(source, title="熔喷布：第二期")
    assert pages["zh"] == "熔喷布：第二期（状态：a、b）"
    assert pages["en"] == "熔喷布：第二期 (Status: a, b)"
