"""E-mail reminders of the annual cycle's deadlines: sent in their window, once, to the right
people, in Norwegian, through the same queue as the invitations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from govern.models.cycles import DeadlineMark
from govern.models.mail import OutgoingMail
from govern.services import cycles, meeting_status
from govern.services.mail import send_queued
from govern.services.memberships import MembershipInput, add_membership
from govern.services.reminders import due_reminders, send_reminders
from tests.conftest import make_body, make_meeting, make_person

BASE = "https://govern.example.no"
#: Meeting 1/26 is on 29 April; cases are due four weeks before, on 1 April.
MEETING_DAY = date(2026, 4, 29)
DEADLINE = date(2026, 4, 1)


@pytest.fixture
def fagradet(session):
    body = make_body()
    people = {
        "siv": make_person("Siv Ingebrigtsen", email="siv@example.no"),
        "jon": make_person("Jon Gupta", email="jon@example.no"),
        "uten": make_person("Ola Uten-Epost"),
        "gammel": make_person("Gunn Gammel", email="gunn@example.no"),
        "kari": make_person("Kari Frist", email="kari@example.no"),
    }
    add_membership(session, body, people["siv"], MembershipInput("sekretariat"))
    add_membership(session, body, people["jon"], MembershipInput("medlem"))
    add_membership(session, body, people["uten"], MembershipInput("medlem"))
    ended = MembershipInput("medlem", date(2020, 1, 1), date(2025, 12, 31))
    add_membership(session, body, people["gammel"], ended)
    meeting = make_meeting(body, MEETING_DAY)
    cycle = cycles.create_cycle(session, cycles.CycleInput("Fagrådets årshjul"), body=body)
    entry = cycles.add_entry(
        session,
        cycle,
        cycles.EntryInput(
            title="Innmelding av saker",
            when_kind="meeting",
            offset_days=-28,
            meeting_anchor="each",
            responsible="Sakseierne",
            recipient="Sekretariatet",
            description="Saker meldes inn med utkast til toppnotat.",
            reminder_days=7,
            reminder_role="sekretariat",
            reminder_person_id=people["kari"].id,
        ),
    )
    session.commit()
    return {"body": body, "meeting": meeting, "entry": entry, **people}


def _queued(session) -> list[OutgoingMail]:
    return list(session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_a_reminder_is_queued_once_in_its_window(session, fagradet):
    assert send_reminders(session, date(2026, 3, 24), BASE) == 0  # eight days before
    assert send_reminders(session, date(2026, 3, 25), BASE) == 2  # seven days before
    session.commit()
    assert sorted(m.to_address for m in _queued(session)) == ["kari@example.no", "siv@example.no"]
    mark = session.scalar(select(DeadlineMark))
    meeting = fagradet["meeting"]
    assert (mark.occurrence, mark.done_at) == (f"m{meeting.id}", None)
    assert mark.reminded_at is not None
    # Later runs, on the next day or on the deadline itself, send nothing more.
    assert send_reminders(session, date(2026, 3, 26), BASE) == 0
    assert send_reminders(session, DEADLINE, BASE) == 0
    assert len(_queued(session)) == 2


def test_no_reminder_after_the_deadline(session, fagradet):
    assert due_reminders(session, date(2026, 4, 2)) == []
    [due] = due_reminders(session, DEADLINE)
    assert (due.starts_on, due.title) == (DEADLINE, "Innmelding av saker – møte 1/26")


def test_no_reminder_when_done(session, fagradet):
    meeting = fagradet["meeting"]
    cycles.mark_done(session, fagradet["entry"], f"m{meeting.id}", fagradet["siv"])
    session.commit()
    assert send_reminders(session, date(2026, 3, 28), BASE) == 0
    assert _queued(session) == []


def test_no_reminder_for_a_cancelled_meeting(session, fagradet):
    meeting = fagradet["meeting"]
    meeting_status.change_status(session, meeting, "avlyst", meeting.version)
    session.commit()
    assert due_reminders(session, date(2026, 3, 28)) == []
    assert send_reminders(session, date(2026, 3, 28), BASE) == 0


def test_recipients_are_the_role_today_and_the_named_person(session, fagradet):
    entry = fagradet["entry"]
    data = cycles.EntryInput(
        title=entry.title,
        when_kind="meeting",
        offset_days=-28,
        meeting_anchor="each",
        reminder_days=7,
        reminder_role="medlem",
        reminder_person_id=fagradet["jon"].id,  # also a member: one e-mail, not two
    )
    cycles.update_entry(session, entry, data, entry.version)
    session.commit()
    assert send_reminders(session, date(2026, 3, 28), BASE) == 1
    [mail] = _queued(session)
    # Not the member without an address, not the one whose membership has ended.
    assert (mail.to_address, mail.to_name) == ("jon@example.no", "Jon Gupta")
    assert "fordi du er medlem i Fagrådet" in mail.body


def test_reminder_arrives_by_smtp_in_norwegian(app, session, fagradet, smtp_server):
    assert send_reminders(session, date(2026, 3, 27), BASE) == 2
    session.commit()
    assert send_queued(session, app.config, commit=session.commit) == (2, 0)
    by_address = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages()}
    message = by_address["siv@example.no"]
    assert message["Subject"] == "Påminnelse: Innmelding av saker – møte 1/26 – 1. april 2026"
    text = message.get_content()
    assert text.startswith("Hei Siv Ingebrigtsen,")
    assert "en frist i årshjulet Fagrådets årshjul (Fagrådet)" in text
    assert "Frist: Innmelding av saker – møte 1/26" in text
    assert "Dato: 1. april 2026 (4 uker før møte 1/26) – om 5 dager" in text
    assert "Ansvarlig: Sakseierne" in text
    assert "Til: Sekretariatet" in text
    assert "Saker meldes inn med utkast til toppnotat." in text
    assert f"Se årshjulet: {BASE}/bodies/fagradet/arshjul?year=2026" in text
    assert "fordi du er i sekretariatet for Fagrådet" in text
    assert (
        "fordi du er satt opp til å få påminnelser" in by_address["kari@example.no"].get_content()
    )


def test_shared_fuzzy_deadline_keeps_its_period(session):
    person = make_person("Kari Frist", email="kari@example.no")
    cycle = cycles.create_cycle(session, cycles.CycleInput("Nasjonal planlegging", "nasjonal"))
    cycles.add_entry(
        session,
        cycle,
        cycles.EntryInput(
            title="Veikart behandles",
            when_kind="period",
            period_unit="quarter",
            period_start=3,
            reminder_days=14,
            reminder_person_id=person.id,
        ),
    )
    session.commit()
    assert send_reminders(session, date(2026, 6, 16), BASE) == 0
    assert send_reminders(session, date(2026, 6, 17), BASE) == 1
    [mail] = _queued(session)
    assert mail.subject == "Påminnelse: Veikart behandles – 3. kvartal 2026"
    assert "Periode: 3. kvartal 2026 – om 14 dager" in mail.body
    assert f"{BASE}/arshjul/nasjonal?year=2026" in mail.body


def test_remind_command(app, session, fagradet):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["remind", "--today", "2026-03-28"])
    assert result.exit_code == 0, result.output
    assert "Påminnelser lagt i kø: 2" in result.output
    result = runner.invoke(args=["remind", "--today", "2026-03-28"])
    assert "Påminnelser lagt i kø: 0" in result.output
    result = runner.invoke(args=["remind", "--today", "2026-02-31"])
    assert result.exit_code != 0
    assert "«2026-02-31» er ikke en gyldig dato" in result.output
    assert len(_queued(session)) == 2
