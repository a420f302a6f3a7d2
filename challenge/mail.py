"""The e-mail outbox: `queue_email` writes a row in the same transaction as the change it
reports; `deliver_pending` (the outbox job, or `flask send-mail`) sends the rows over SMTP.

Several senders may run at once (two nodes, a worker and the command line): each first claims a
batch of rows in one committed UPDATE, and only the sender whose claim token landed on a row
sends it. On PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED, so senders never wait
for each other; on SQLite the UPDATE runs under the database's write lock (BEGIN IMMEDIATE), so
the second sender's UPDATE sees the first one's claims and passes those rows by. A claim left
by a sender that died is taken over after CLAIM_EXPIRES."""

import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import and_, func, or_, select, update

from .extensions import db
from .locales import for_user
from .models import OutboundEmail, User
from .security import absolute
from .timeutil import utcnow

MAX_ATTEMPTS = 5  # a row that failed this often is left for a person to look at
BATCH = 500
CLAIM_BATCH = 50  # rows claimed at a time: a slow SMTP server never holds many
CLAIM_EXPIRES = timedelta(minutes=15)  # a claim this old belongs to a sender that died


def queue_email(user: User, subject, body, link: str = "") -> OutboundEmail | None:
    """One outbox row for a user with an address; the link (a path on this site) is made
    absolute on the configured BASE_URL, never on the request's Host header. Subject and body
    given as lazy strings are written in the user's language (User.locale)."""
    if user is None or not (user.email or "").strip():
        return None
    with for_user(user):  # lazy strings (`_l`, notices.later) in the recipient's language
        subject, body = str(subject), str(body)
    if link:
        body = f"{body}\n\n{absolute(link)}"
    email = OutboundEmail(to_address=user.email.strip(), subject=str(subject)[:200], body=body)
    db.session.add(email)
    return email


def pending_query():
    return (select(OutboundEmail)
            .where(OutboundEmail.sent_at.is_(None), OutboundEmail.attempts < MAX_ATTEMPTS)
            .order_by(OutboundEmail.id))


def _claimable(now):
    return and_(OutboundEmail.sent_at.is_(None), OutboundEmail.attempts < MAX_ATTEMPTS,
                or_(OutboundEmail.claimed_at.is_(None),
                    OutboundEmail.claimed_at < now - CLAIM_EXPIRES))


def claim(token: str, limit: int) -> list[OutboundEmail]:
    """Take up to *limit* unclaimed unsent rows for the sender *token* and commit the claim;
    returns the rows this sender now owns (none that another sender holds)."""
    now = utcnow()
    session = db.session
    session.commit()  # the claim is a transaction of its own
    connection = session.connection()
    picked = select(OutboundEmail.id).where(_claimable(now)).order_by(OutboundEmail.id).limit(limit)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # one writer: claims are taken in turn
    else:
        picked = picked.with_for_update(skip_locked=True)  # rows being claimed are passed by
    ids = list(session.scalars(picked))
    if ids:
        session.execute(update(OutboundEmail).where(OutboundEmail.id.in_(ids))
                        .values(claimed_at=now, claimed_by=token)
                        .execution_options(synchronize_session=False))
    session.commit()
    return list(session.scalars(select(OutboundEmail).where(
        OutboundEmail.claimed_by == token, OutboundEmail.claimed_at == now,
        OutboundEmail.sent_at.is_(None)).order_by(OutboundEmail.id)))


def release(token: str) -> None:
    """Give back this sender's claims on rows it did not send (they wait for the next run)."""
    db.session.execute(update(OutboundEmail)
                       .where(OutboundEmail.claimed_by == token, OutboundEmail.sent_at.is_(None))
                       .values(claimed_at=None, claimed_by="")
                       .execution_options(synchronize_session=False))
    db.session.commit()


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(pending_query().subquery())) or 0


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    error: str = ""  # the connection itself failed


def _message(row: OutboundEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message.set_content(row.body)
    return message


def _fail(row: OutboundEmail, error: Exception) -> None:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:1000]


def deliver_pending(config, limit: int = BATCH) -> Delivery:
    """Claim and send unsent rows, a batch at a time, until *limit* rows were tried or none is
    left; a row that failed is tried again on the next run, not in this one."""
    token = uuid.uuid4().hex
    report = Delivery()
    try:
        while report.sent + report.failed < limit:
            rows = claim(token, min(CLAIM_BATCH, limit - report.sent - report.failed))
            if not rows:
                break
            part = _deliver(config, rows)
            report.sent += part.sent
            report.failed += part.failed
            if part.error:
                report.error = part.error
                break
    finally:
        db.session.rollback()
        release(token)
    return report


def _deliver(config, rows: list[OutboundEmail]) -> Delivery:
    """Send claimed rows over one SMTP connection; each row is committed as it goes, so a crash
    never sends a message twice on the next run."""
    report = Delivery()
    if not rows:
        return report
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30)
    except (OSError, smtplib.SMTPException) as exc:
        for row in rows:
            _fail(row, exc)
        db.session.commit()
        return Delivery(failed=len(rows), error=str(exc) or type(exc).__name__)
    handled: set[int] = set()
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for row in rows:
            handled.add(row.id)
            try:
                smtp.send_message(_message(row, config["MAIL_SENDER"]))
            except smtplib.SMTPServerDisconnected as exc:
                _fail(row, exc)
                report.failed += 1
                report.error = str(exc)
                break
            except (smtplib.SMTPException, ValueError) as exc:  # this recipient or message only
                _fail(row, exc)
                report.failed += 1
            else:
                row.attempts += 1
                row.sent_at = utcnow()
                row.last_error = ""
                report.sent += 1
            db.session.commit()
    except (OSError, smtplib.SMTPException) as exc:  # TLS or login refused
        for row in rows:
            if row.id not in handled:
                _fail(row, exc)
                report.failed += 1
        report.error = str(exc) or type(exc).__name__
    finally:
        db.session.commit()
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return report
