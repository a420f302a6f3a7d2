"""The e-mail outbox: `queue_email` writes a row in the same transaction as the change it
reports; `deliver_pending` (run by `flask send-mail`) sends the rows over SMTP."""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import func, select

from .extensions import db
from .models import OutboundEmail, User
from .security import absolute
from .timeutil import utcnow

MAX_ATTEMPTS = 5  # a row that failed this often is left for a person to look at
BATCH = 500


def queue_email(user: User, subject: str, body: str, link: str = "") -> OutboundEmail | None:
    """One outbox row for a user with an address; the link (a path on this site) is made
    absolute on the configured BASE_URL, never on the request's Host header."""
    if user is None or not (user.email or "").strip():
        return None
    if link:
        body = f"{body}\n\n{absolute(link)}"
    email = OutboundEmail(to_address=user.email.strip(), subject=str(subject)[:200], body=body)
    db.session.add(email)
    return email


def pending_query():
    return (select(OutboundEmail)
            .where(OutboundEmail.sent_at.is_(None), OutboundEmail.attempts < MAX_ATTEMPTS)
            .order_by(OutboundEmail.id))


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
    """Send unsent rows over one SMTP connection; each row is committed as it goes, so a crash
    never sends a message twice on the next run."""
    rows = db.session.scalars(pending_query().limit(limit)).all()
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
