"""The outgoing mail queue: rows are queued with the change that caused them (a transactional
outbox) and sent after the commit by `flask --app govern send-mail`."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.models.base import utcnow
from govern.models.mail import OutgoingMail
from govern.text_rules import one_line

#: Minutes to wait before the n-th retry; the last step repeats.
BACKOFF_MINUTES = (1, 5, 15, 60, 240, 720)
SECURITY_MODES = ("none", "starttls", "ssl")
#: Connecting or logging in failed: socket errors, and smtplib's (also OSErrors).
CONNECTION_ERRORS = (OSError,)


class MailServerUnreachable(Exception):
    """No message could be sent because the SMTP server could not be reached."""

    def __init__(self, reason: str, failed: int) -> None:
        super().__init__(reason)
        self.reason, self.failed = reason, failed


class SendResult(NamedTuple):
    sent: int
    failed: int


def queue_mail(
    session: Session,
    to_address: str,
    to_name: str,
    subject: str,
    body: str,
    calendar: str | bytes | None = None,
    method: str | None = None,
    *,
    meeting_id: int | None = None,
) -> OutgoingMail:
    """Queue a message; it is sent after the caller commits (never before)."""
    if isinstance(calendar, bytes):
        calendar = calendar.decode("utf-8")
    mail = OutgoingMail(
        to_address=to_address,
        to_name=to_name or "",
        subject=subject,
        body=body,
        calendar=calendar,
        calendar_method=method if calendar else None,
        status="queued",
        attempts=0,
        send_after=utcnow(),
        meeting_id=meeting_id,
    )
    session.add(mail)
    session.flush()
    return mail


def build_message(mail: OutgoingMail, config: Mapping) -> EmailMessage:
    """The message as sent: text/plain, plus an iTIP text/calendar alternative when there is one."""
    message = EmailMessage(policy=SMTP)
    sender = config["MAIL_FROM"]
    domain = sender.rpartition("@")[2] or "govern"
    message["From"] = Address(
        display_name=config.get("MAIL_FROM_NAME") or "govern", addr_spec=sender
    )
    # Names and titles saved before single-line fields refused line breaks may still have
    # them; a header cannot, so they are folded here rather than failing the mail for good.
    address = "".join(one_line(mail.to_address).split())
    message["To"] = Address(display_name=one_line(mail.to_name), addr_spec=address)
    message["Subject"] = one_line(mail.subject)
    message["Date"] = format_datetime(mail.created_at or utcnow())
    # Stable per queue row, so a message sent again after a crash can be recognised.
    message["Message-ID"] = f"<govern-mail-{mail.id}@{domain}>"
    message.set_content(mail.body, charset="utf-8")
    if mail.calendar:
        message.add_alternative(
            mail.calendar,
            subtype="calendar",
            charset="utf-8",
            cte="base64",
            params={"method": mail.calendar_method or "REQUEST"},
        )
    return message


def connect(config: Mapping) -> smtplib.SMTP:
    """An SMTP connection as configured (none, starttls or ssl; login when a user is set)."""
    security = (config.get("MAIL_SECURITY") or "none").lower()
    if security not in SECURITY_MODES:
        raise ValueError(f"MAIL_SECURITY must be one of {SECURITY_MODES}, not {security!r}")
    host, port, timeout = config["MAIL_HOST"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            # Environment values are read as JSON: a numeric password arrives as a number.
            password = config.get("MAIL_PASSWORD")
            smtp.login(str(config["MAIL_USERNAME"]), "" if password is None else str(password))
    except BaseException:
        smtp.close()
        raise
    return smtp


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def _record_failure(mail: OutgoingMail, error: BaseException, now: datetime, limit: int) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    if mail.attempts >= limit or _refused_for_good(error):
        mail.status = "failed"
    else:
        mail.send_after = now + _retry_delay(mail.attempts)


def _refused_for_good(error: BaseException) -> bool:
    """The server refused the recipient with a permanent (5xx) reply: retrying cannot help."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused) or not error.recipients:
        return False
    return all(code >= 500 for code, _ in error.recipients.values())


def _claim(session: Session, mail_id: int, now: datetime) -> OutgoingMail | None:
    """The row, locked (PostgreSQL) so two runs never send it both; None if taken meanwhile."""
    return session.scalar(
        select(OutgoingMail)
        .where(
            OutgoingMail.id == mail_id,
            OutgoingMail.status == "queued",
            OutgoingMail.send_after <= now,
        )
        .with_for_update(skip_locked=True)
    )


def send_queued(
    session: Session,
    config: Mapping,
    now: datetime | None = None,
    limit: int = 100,
    *,
    commit: Callable[[], None],
) -> SendResult:
    """Send queued messages that are due; returns (sent, failed).

    The caller owns the transaction and passes `commit`: it is called once the due messages
    are chosen and after each message's outcome, so a message sent is never sent twice.

    Raises MailServerUnreachable (after recording the failed attempts) when the server could
    not be reached and nothing was sent.
    """
    now = now or utcnow()
    max_attempts = int(config.get("MAIL_MAX_ATTEMPTS") or 8)
    ids = session.scalars(
        select(OutgoingMail.id)
        .where(OutgoingMail.status == "queued", OutgoingMail.send_after <= now)
        .order_by(OutgoingMail.send_after, OutgoingMail.id)
        .limit(limit)
    ).all()
    commit()
    sent = failed = 0
    smtp: smtplib.SMTP | None = None
    unreachable: BaseException | None = None
    try:
        for mail_id in ids:
            mail = _claim(session, mail_id, now)
            if mail is None:
                commit()
                continue
            try:
                message = build_message(mail, config)
            except ValueError as error:
                # A malformed address or header never gets better: give up at once.
                mail.status, mail.attempts = "failed", mail.attempts + 1
                mail.last_error = f"{type(error).__name__}: {error}"[:2000]
                failed += 1
                commit()
                continue
            try:
                if unreachable is not None:
                    raise unreachable
                if smtp is None:
                    try:
                        smtp = connect(config)
                    except CONNECTION_ERRORS as error:
                        unreachable = error
                        raise
                smtp.send_message(message)
            except (smtplib.SMTPException, OSError) as error:
                if smtp is not None and _connection_lost(error):
                    _close(smtp)
                    smtp = None
                _record_failure(mail, error, now, max_attempts)
                failed += 1
            else:
                mail.status = "sent"
                mail.sent_at = utcnow()
                mail.last_error = None
                sent += 1
            commit()
    finally:
        if smtp is not None:
            _close(smtp)
    if unreachable is not None and sent == 0:
        raise MailServerUnreachable(str(unreachable), failed) from unreachable
    return SendResult(sent, failed)


def _connection_lost(error: BaseException) -> bool:
    """A dropped connection or socket error (smtplib's own errors are OSErrors too)."""
    return isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(
        error, smtplib.SMTPException
    )


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
