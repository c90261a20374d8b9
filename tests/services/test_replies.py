"""Calendar replies (iTIP REPLY) read from an mbox or a Maildir by `flask svar-inn`."""

import mailbox
from datetime import date
from email.message import EmailMessage

import icalendar
from sqlalchemy import select

from govern.exports.calendar import stand_in_uid
from govern.models.answers import MeetingAnswer
from govern.services import memberships, replies
from govern.services.replies import mbox_messages, record_replies
from govern.services.stand_ins import MailSettings
from tests.conftest import make_body, make_meeting, make_person

SETTINGS = MailSettings("https://govern.test", "sekretariat@govern.test", "test-secret")
TODAY = date(2027, 4, 1)


def _reply(uids_partstats, address, stamp="20270401T100000Z") -> EmailMessage:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Test//Kalender//NO")
    cal.add("version", "2.0")
    cal.add("method", "REPLY")
    for uid, partstat in uids_partstats:
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("dtstamp", icalendar.vDatetime.from_ical(stamp))
        attendee = icalendar.vCalAddress(f"mailto:{address}")
        attendee.params["PARTSTAT"] = partstat
        event.add("attendee", attendee)
        cal.add_component(event)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = address, "siri@example.no", "Godtatt"
    message.set_content("Svar")
    message.add_alternative(cal.to_ical(), maintype="text", subtype="calendar",
                            params={"method": "REPLY"})  # fmt: skip
    return message


def _world(session):
    body = make_body()
    kari, ola = (make_person(n, email=e) for n, e in (("Kari", "kari@example.no"),
                                                      ("Ola", "Ola@Example.no")))  # fmt: skip
    for person in (kari, ola):
        memberships.add_membership(session, body, person, memberships.MembershipInput("medlem"))
    meeting = make_meeting(body, date(2027, 4, 29), date(2027, 4, 30))
    return meeting, kari, ola


def _answers(session):
    return sorted(
        (a.person.name, a.day.date.day, a.answer, a.source)
        for a in session.scalars(select(MeetingAnswer))
    )


def test_replies_from_an_mbox_and_a_maildir(app, session, tmp_path):
    meeting, kari, ola = _world(session)
    day1, day2 = meeting.days
    box = mailbox.mbox(tmp_path / "svar.mbox")
    box.add(_reply([(day1.uid, "ACCEPTED"), (day2.uid, "DECLINED")], "kari@example.no"))
    box.add(_reply([("ukjent@elsewhere", "ACCEPTED")], "kari@example.no"))
    box.flush()
    box.close()
    count = record_replies(session, mbox_messages(tmp_path / "svar.mbox"), SETTINGS, TODAY)
    assert (count.recorded, count.unknown) == (2, 1)
    folder = mailbox.Maildir(tmp_path / "Maildir")
    # A vara's stand-in event maps to its day; the address is matched without case.
    folder.add(_reply([(stand_in_uid(day2.uid, kari.id), "TENTATIVE")], "ola@example.no"))
    folder.close()
    count = record_replies(session, mbox_messages(tmp_path / "Maildir"), SETTINGS, TODAY)
    assert (count.recorded, count.unknown) == (1, 0)
    assert _answers(session) == [
        ("Kari", 29, "ACCEPTED", "kalender"),
        # A member's DECLINED is a forfall for that day, as «Jeg kommer ikke» is.
        ("Kari", 30, "DECLINED", "forfall"),
        ("Ola", 30, "TENTATIVE", "kalender"),
    ]


def test_svar_inn_command(app, session, tmp_path):
    meeting, _kari, _ola = _world(session)
    session.commit()
    box = mailbox.mbox(tmp_path / "svar.mbox")
    box.add(_reply([(meeting.days[0].uid, "ACCEPTED")], "kari@example.no"))
    box.close()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["svar-inn", "--fil", str(tmp_path / "svar.mbox")])
    assert result.exit_code == 0, result.output
    assert "Svar registrert: 1, ukjente: 0" in result.output
    result = runner.invoke(args=["svar-inn"])
    assert result.exit_code != 0 and "Oppgi enten --fil" in result.output
    assert _answers(session) == [("Kari", 29, "ACCEPTED", "kalender")]


def test_replies_from_an_imap_folder_read_without_marking_them_seen(app, session, monkeypatch):
    meeting, _kari, _ola = _world(session)
    raw = _reply([(meeting.days[1].uid, "DECLINED")], "kari@example.no").as_bytes()
    calls = []

    class FakeImap:
        def __init__(self, host, port):
            calls.append(("connect", host, port))

        def login(self, user, password):
            calls.append(("login", user, password))

        def select(self, folder, readonly=False):
            calls.append(("select", folder, readonly))

        def search(self, charset, criterion):
            return "OK", [b"1"]

        def fetch(self, number, what):
            calls.append(("fetch", what))
            return "OK", [(b"1 (BODY[] {%d}" % len(raw), raw), b")"]

        def logout(self):
            calls.append(("logout",))

    monkeypatch.setattr(replies.imaplib, "IMAP4_SSL", FakeImap)
    count = record_replies(
        session, replies.imap_messages("imap.test", "sek", "hemmelig"), SETTINGS, TODAY
    )
    assert (count.recorded, count.unknown) == (1, 0)
    assert ("select", "INBOX", True) in calls and ("fetch", "(BODY.PEEK[])") in calls
    assert calls[-1] == ("logout",)
    assert _answers(session) == [("Kari", 30, "DECLINED", "forfall")]
