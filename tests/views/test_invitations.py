"""Invitations go out when the secretariat calls, edits or cancels a meeting, and when the
body's members change; what arrives is read from a real SMTP server on loopback."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
from sqlalchemy import select

from govern.models import Meeting
from govern.models.mail import OutgoingMail
from govern.services import memberships
from govern.services.mail import send_queued
from tests.conftest import make_body, make_meeting, make_person
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of

SOON = date.today() + timedelta(days=30)


def _arrived(app, session, smtp_server) -> list[tuple[str, str, str]]:
    start = len(smtp_server.envelopes)
    send_queued(session, app.config, commit=session.commit)
    return sorted(
        (
            m["To"].addresses[0].addr_spec,
            str(m["Subject"]).split(":")[0],
            next(
                p.get_param("method") for p in m.walk() if p.get_content_type() == "text/calendar"
            ),
        )
        for m in smtp_server.messages()[start:]
    )


def test_secretariat_calls_edits_cancels_and_members_change(app, client, session, smtp_server):

    body = make_body()
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    make_user(session, "Kari Medlem", "kari@example.no", body=body, role="medlem")
    meeting = make_meeting(body, SOON, status="planlagt", location="Oslo")
    nora = make_person("Nora Ny", email="nora@example.no")
    session.commit()
    login(client, "siri@example.no")

    response = client.post(
        f"/meetings/{meeting.id}/status", data={"status": "innkalt", "version": meeting.version}
    )
    page = text_of(client.get(response.location))
    assert "E-post med kalenderinvitasjon går til 1 person." in page
    assert _arrived(app, session, smtp_server) == [("kari@example.no", "Innkalling", "REQUEST")]

    response = client.post(
        "/bodies/fagradet/members",
        data={"person_id": str(nora.id), "role": "medlem", "starts_on": "", "deputy_for": "0"},
    )
    assert response.status_code == 302
    assert _arrived(app, session, smtp_server) == [("nora@example.no", "Innkalling", "REQUEST")]

    kari = next(m for m in body.memberships if m.person.email == "kari@example.no")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/bodies/fagradet/members/{kari.id}/end", data={f"end{kari.id}-ends_on": yesterday}
    )
    assert response.status_code == 302
    assert _arrived(app, session, smtp_server) == [("kari@example.no", "Trukket tilbake", "CANCEL")]

    meeting = session.scalar(select(Meeting))
    response = client.post(
        f"/meetings/{meeting.id}/status", data={"status": "avlyst", "version": meeting.version}
    )
    assert response.status_code == 302
    assert _arrived(app, session, smtp_server) == [("nora@example.no", "Avlyst", "CANCEL")]
    assert {m.status for m in session.scalars(select(OutgoingMail))} == {"sent"}


def _calendars(app, session, smtp_server, address: str) -> list:
    """The calendar parts that reached one address since the last call, parsed."""
    start = len(smtp_server.envelopes)
    send_queued(session, app.config, commit=session.commit)
    found = []
    for message in smtp_server.messages()[start:]:
        if message["To"].addresses[0].addr_spec != address:
            continue
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                found.append(icalendar.Calendar.from_ical(part.get_content()))
    return found


def test_edited_three_times_then_cancelled_keeps_uids_and_raises_sequence(
    app, client, session, smtp_server
):
    body = make_body()
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    make_user(session, "Kari Medlem", "kari@example.no", body=body, role="medlem")
    second = SOON + timedelta(days=1)
    meeting = make_meeting(body, SOON, second, status="planlagt", location="Oslo")
    session.commit()
    meeting_id, day_ids = meeting.id, [d.id for d in meeting.days]
    login(client, "siri@example.no")

    def current() -> Meeting:
        session.expire_all()
        return session.get(Meeting, meeting_id)

    client.post(
        f"/meetings/{meeting_id}/status", data={"status": "innkalt", "version": meeting.version}
    )
    received = _calendars(app, session, smtp_server, "kari@example.no")
    edits = [
        ("Lillehammer", "10:00", "16:00"),
        ("Lillehammer", "09:00", "16:00"),
        ("Teams; «møterom» 2, Bodø", "09:00", "15:30"),
    ]
    for location, start, end in edits:
        data = {
            "location": location,
            "version": str(current().version),
            "days-0-date": SOON.isoformat(),
            "days-0-start": start,
            "days-0-end": end,
            "days-0-day_id": str(day_ids[0]),
            "days-1-date": second.isoformat(),
            "days-1-start": "08:30",
            "days-1-end": "14:00",
            "days-1-day_id": str(day_ids[1]),
        }
        response = client.post(f"/meetings/{meeting_id}/edit", data=data)
        assert response.status_code == 302, text_of(response)
        received += _calendars(app, session, smtp_server, "kari@example.no")
    client.post(
        f"/meetings/{meeting_id}/status", data={"status": "avlyst", "version": current().version}
    )
    received += _calendars(app, session, smtp_server, "kari@example.no")

    methods = [str(cal["METHOD"]) for cal in received]
    assert methods == ["REQUEST"] * 4 + ["CANCEL"]
    uids = {d.uid for d in current().days}
    sequences = []
    for cal in received:
        events = cal.walk("VEVENT")
        assert {str(e["UID"]) for e in events} == uids
        [sequence] = {int(e["SEQUENCE"]) for e in events}
        sequences.append(sequence)
    assert sequences[:4] == [0, 1, 2, 3] and sequences[4] > 3
    last_request = received[3].walk("VEVENT")[0]
    assert str(last_request["LOCATION"]) == "Teams; «møterom» 2, Bodø"
    assert last_request["DTSTART"].dt.strftime("%H:%M") == "09:00"
    assert {str(e["STATUS"]) for e in received[4].walk("VEVENT")} == {"CANCELLED"}


def test_edit_page_shows_what_was_sent_and_what_was_not(app, client, session, smtp_server):
    body = make_body()
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    make_user(session, "Kari Medlem", "kari@example.no", body=body, role="medlem")
    make_user(session, "Bo Borte", "bo@example.no", body=body, role="medlem")
    memberships.add_membership(
        session, body, make_person("Per Uten E-post"), memberships.MembershipInput("medlem")
    )
    meeting = make_meeting(body, SOON, status="planlagt", location="Oslo")
    session.commit()
    smtp_server.refused.add("bo@example.no")
    login(client, "siri@example.no")

    response = client.post(
        f"/meetings/{meeting.id}/status", data={"status": "innkalt", "version": meeting.version}
    )
    page = text_of(client.get(response.location))
    assert "E-post med kalenderinvitasjon går til 2 personer." in page
    assert "Disse har ingen e-postadresse og får ikke invitasjonen: Per Uten E-post." in page
    assert "Sendt: 0 · I kø: 2 · Feilet: 0" in page

    _arrived(app, session, smtp_server)
    page = text_of(client.get(f"/meetings/{meeting.id}/edit"))
    assert "E-post og kalenderinvitasjoner" in page
    assert "Sendt: 1 · I kø: 0 · Feilet: 1" in page
    assert "1 melding kunne ikke sendes." in page
    assert "Bo Borte bo@example.no Innkalling: " in page
    assert "Kunne ikke sendes. E-posttjeneren avviste adressen." in page
    assert "Ingen e-postadresse, får ingen invitasjon: Per Uten E-post." in page
    row = session.scalar(select(OutgoingMail).where(OutgoingMail.to_address == "bo@example.no"))
    assert row.status == "failed" and row.attempts == 1 and row.meeting_id == meeting.id
