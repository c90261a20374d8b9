from datetime import timedelta

import icalendar
import pytest

from govern.models.base import utcnow
from govern.services.mail import MailServerUnreachable, queue_mail, send_queued

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//govern//test//NO\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:dag-1@govern\r\nDTSTAMP:20260401T080000Z\r\n"
    "DTSTART:20260429T080000Z\r\nSUMMARY:Møte i Fagrådet 2/26\r\nSEQUENCE:0\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _queue(session, **kw):
    args = {
        "to_address": "kari@example.no",
        "to_name": "Kari Nordmann-Ødegård",
        "subject": "Innkalling: Møte i Fagrådet 2/26",
        "body": "Hei Kari,\n\nDu er innkalt til møte på Lillehammer.\n",
    }
    mail = queue_mail(session, **(args | kw))
    session.commit()
    return mail


def test_queued_mail_arrives_once_with_norwegian_text(app, session, smtp_server):
    mail = _queue(session)
    assert send_queued(session, app.config, commit=session.commit) == (1, 0)
    assert send_queued(session, app.config, commit=session.commit) == (0, 0)
    [message] = smtp_server.messages()
    assert message["Subject"] == "Innkalling: Møte i Fagrådet 2/26"
    assert message["To"].addresses[0].display_name == "Kari Nordmann-Ødegård"
    assert message["From"].addresses[0].display_name == "govern"
    assert message["From"].addresses[0].addr_spec == "sekretariat@govern.test"
    assert message.get_content_type() == "text/plain"
    assert "på Lillehammer" in message.get_content()
    session.refresh(mail)
    assert mail.status == "sent" and mail.sent_at is not None and mail.attempts == 0


def test_calendar_part_is_an_itip_alternative(app, session, smtp_server):
    _queue(session, calendar=ICS.encode(), method="REQUEST")
    send_queued(session, app.config, commit=session.commit)
    [message] = smtp_server.messages()
    assert message.get_content_type() == "multipart/alternative"
    plain, calendar = message.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    parsed = icalendar.Calendar.from_ical(calendar.get_content())
    [event] = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Møte i Fagrådet 2/26"
    assert str(event["UID"]) == "dag-1@govern"


def test_smtp_down_loses_nothing_and_retries_later(app, session, smtp_server):
    first, second = _queue(session), _queue(session, to_address="ola@example.no")
    smtp_server.stop()
    with pytest.raises(MailServerUnreachable) as raised:
        send_queued(session, app.config, commit=session.commit)
    assert raised.value.failed == 2
    for mail in (first, second):
        session.refresh(mail)
        assert (mail.status, mail.attempts) == ("queued", 1)
        assert mail.last_error and mail.send_after > utcnow()

    smtp_server.start()
    # Not due yet: the retry waits (1 minute after the first failure).
    assert send_queued(session, app.config, commit=session.commit) == (0, 0)
    later = utcnow() + timedelta(minutes=2)
    assert send_queued(session, app.config, now=later, commit=session.commit) == (2, 0)
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages()) == [
        "kari@example.no",
        "ola@example.no",
    ]
    assert send_queued(session, app.config, now=later, commit=session.commit) == (0, 0)
    assert len(smtp_server.envelopes) == 2


def test_backoff_grows_and_gives_up_after_max_attempts(app, session, smtp_server):
    mail = _queue(session)
    smtp_server.stop()
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    now, waits = utcnow(), []
    for _ in range(3):
        with pytest.raises(MailServerUnreachable):
            send_queued(session, app.config, now=now, commit=session.commit)
        session.refresh(mail)
        waits.append(mail.send_after - now)
        now = mail.send_after
    assert waits[:2] == [timedelta(minutes=1), timedelta(minutes=5)]
    assert (mail.status, mail.attempts) == ("failed", 3)
    smtp_server.start()
    assert send_queued(session, app.config, now=now + timedelta(days=1), commit=session.commit) == (
        0,
        0,
    )


def test_refused_recipient_fails_alone(app, session, smtp_server):
    bad = _queue(session, to_address="ikke en adresse")
    _queue(session, to_address="ola@example.no")
    assert send_queued(session, app.config, commit=session.commit) == (1, 1)
    session.refresh(bad)
    assert bad.status == "failed" and "domain" in bad.last_error


def test_send_mail_command(app, session, smtp_server):
    _queue(session)
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Sendt: 1, feilet: 0" in result.output
    smtp_server.stop()
    _queue(session)
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code != 0
    assert "Fikk ikke kontakt med e-posttjeneren" in result.output


def test_recipient_refused_for_now_is_retried_refused_for_good_is_not(app, session, smtp_server):
    """A 4xx reply to RCPT (say, greylisting) is worth another try; 5xx is final (RFC 5321)."""

    async def refuse(server, session_, envelope, address, rcpt_options):
        if address.startswith("nei@"):
            return "550 Ingen slik mottaker"
        if address.startswith("senere@"):
            return "451 Prøv igjen senere"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = refuse
    refused = _queue(session, to_address="nei@example.no")
    later = _queue(session, to_address="senere@example.no")
    _queue(session, to_address="ola@example.no")
    assert send_queued(session, app.config, commit=session.commit) == (1, 2)
    session.refresh(refused)
    session.refresh(later)
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert "550" in refused.last_error
    assert (later.status, later.attempts) == ("queued", 1)
    assert "451" in later.last_error
    assert len(smtp_server.envelopes) == 1


def test_line_breaks_saved_in_old_names_and_titles_do_not_stop_the_mail(app, session, smtp_server):
    mail = _queue(
        session,
        to_name="Kari\r\nNordmann\x0b",
        subject="Innkalling: Møte i\nFagrådet\r\nBcc: alle@example.no",
    )
    assert send_queued(session, app.config, commit=session.commit) == (1, 0)
    [message] = smtp_server.messages()
    assert message["Subject"] == "Innkalling: Møte i Fagrådet Bcc: alle@example.no"
    assert message["To"].addresses[0].display_name == "Kari Nordmann"
    assert message["Bcc"] is None
    session.refresh(mail)
    assert mail.status == "sent"
