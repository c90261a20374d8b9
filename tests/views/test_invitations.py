"""Invitations go out when the secretariat calls, edits or cancels a meeting, and when the
body's members change; what arrives is read from a real SMTP server on loopback."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from govern.models import Meeting
from govern.models.mail import OutgoingMail
from govern.services.mail import send_queued
from tests.conftest import make_body, make_meeting, make_person
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of

SOON = date.today() + timedelta(days=30)


def _arrived(app, session, smtp_server) -> list[tuple[str, str, str]]:
    start = len(smtp_server.envelopes)
    send_queued(session, app.config)
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
