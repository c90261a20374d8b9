"""Deadline reminders are written in the body's document language, whatever the language
of the process that sends them."""

from __future__ import annotations

from datetime import date

from govern.i18n import use_language
from govern.services import cycles
from govern.services.mail import send_queued
from govern.services.memberships import MembershipInput, add_membership
from govern.services.reminders import send_reminders
from tests.conftest import make_body, make_meeting, make_person

BASE = "https://govern.example.no"


def _nynorsk_body(session):
    body = make_body(document_language="nn")
    siv = make_person("Siv Ingebrigtsen", email="siv@example.no")
    add_membership(session, body, siv, MembershipInput("sekretariat"))
    make_meeting(body, date(2026, 4, 29))
    cycle = cycles.create_cycle(session, cycles.CycleInput("Fagrådets årshjul"), body=body)
    cycles.add_entry(
        session,
        cycle,
        cycles.EntryInput(
            title="Innmelding av saker",
            when_kind="meeting",
            offset_days=-28,
            meeting_anchor="each",
            responsible="Sakseigarane",
            reminder_days=7,
            reminder_role="sekretariat",
        ),
    )
    session.commit()
    return body


def test_a_nynorsk_bodys_reminder_is_in_nynorsk_even_when_sent_in_english(
    app, session, smtp_server
):
    _nynorsk_body(session)
    with use_language("en"):
        assert send_reminders(session, date(2026, 3, 27), BASE) == 1
    session.commit()
    assert send_queued(session, app.config, commit=session.commit) == (1, 0)
    (message,) = smtp_server.messages()
    assert message["Subject"] == "Påminning: Innmelding av saker – møte 1/26 – 1. april 2026"
    text = message.get_content()
    assert "Dette er ei påminning om ein frist i årshjulet Fagrådets årshjul (Fagrådet):" in text
    assert "Dato: 1. april 2026 (4 veker før møte 1/26) – om 5 dagar" in text
    assert "Ansvarleg: Sakseigarane" in text
    assert "Sjå årshjulet:" in text
    assert "fordi du er i sekretariatet for Fagrådet" in text
    for bokmal in ("påminnelse om", "uker før", "om 5 dager", "Se årshjulet"):
        assert bokmal not in text
