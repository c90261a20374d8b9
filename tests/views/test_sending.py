"""«Send innkalling» from the meeting page: a confirmation page shows the recipients, the
message and the documents, and warns about what looks wrong; only the confirmation sends.
What arrives is read from a real SMTP server on loopback."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from govern.models import Meeting
from govern.services.mail import send_queued
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.views.test_body_admin import between, login, make_user
from tests.views.test_pages import text_of

SOON = date.today() + timedelta(days=30)


def _setup(session, day=SOON, location="Oslo"):
    body = make_body()
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    make_user(session, "Kari Medlem", "kari@example.no", body=body, role="medlem")
    nils = make_person("Nils Uten Adresse")
    from govern.services import memberships
    from govern.services.memberships import MembershipInput

    memberships.add_membership(session, body, nils, MembershipInput("vara", date(2020, 1, 1)))
    meeting = make_meeting(body, day, status="planlagt", location=location)
    session.commit()
    return meeting


def test_the_meeting_page_leads_to_a_confirmation_that_sends_nothing_until_confirmed(
    app, client, session, smtp_server
):
    meeting = _setup(session)
    ready = add_case(meeting, "Klar sak", proposed_decision="Fagrådet slutter seg til.")
    session.commit()
    login(client, "siri@example.no")
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "Send innkalling …" in page

    confirm = client.get(f"/meetings/{meeting.id}/send-innkalling")
    assert confirm.status_code == 200
    page = text_of(confirm)
    recipients = between(page, "Mottakere (1)", "E-posten")
    assert "Kari Medlem" in recipients and "kari@example.no" in recipients
    assert "Siri Sekretær" not in recipients  # the secretariat organises, is not invited
    assert "Uten e-postadresse, får ikke innkallingen: Nils Uten Adresse" in recipients
    message = between(page, "E-posten", "Dokumenter")
    assert f"Emne: Innkalling: Møte i Fagrådet {meeting.number}" in message
    assert "Du er innkalt til Møte i Fagrådet" in message and "Sted: Oslo" in message
    documents = between(page, "Dokumenter", "Send innkalling til 1 person")
    assert f"Innkalling og dagsorden – Fagrådet {meeting.number}" in documents
    assert f"Toppnotat {ready.treatment.number} Klar sak" in documents
    assert "Se over før du sender" not in page
    # Looking sends nothing and changes nothing.
    send_queued(session, app.config, commit=session.commit)
    assert smtp_server.messages() == []
    assert session.scalar(select(Meeting.status)) == "planlagt"

    response = client.post(
        f"/meetings/{meeting.id}/status",
        data={"status": "innkalt", "version": meeting.version, "back": "meeting"},
    )
    assert response.location.endswith(f"/meetings/{meeting.id}")
    page = text_of(client.get(response.location))
    assert "har nå status «innkalt». E-post med kalenderinvitasjon går til 1 person." in page
    assert "Send innkalling …" not in page and "Merk som gjennomført" in page
    send_queued(session, app.config, commit=session.commit)
    [mail] = smtp_server.messages()
    assert mail["To"].addresses[0].addr_spec == "kari@example.no"
    assert str(mail["Subject"]).startswith("Innkalling: Møte i Fagrådet")
    # Once sent, the confirmation page says so and offers no sending.
    again = text_of(client.get(f"/meetings/{meeting.id}/send-innkalling"))
    assert "Innkallingen til møte" in again and "er allerede sendt (status innkalt)" in again
    assert "Send innkalling til" not in again.split("allerede sendt")[1]


def test_the_confirmation_warns_about_past_dates_no_place_proposals_and_public_titles(
    client, session
):
    meeting = _setup(session, day=date.today() - timedelta(days=3), location="")
    bare = add_case(meeting, "Uten forslag")
    secret = add_case(meeting, "Hemmelig sak", proposed_decision="Vedtas.")
    add_case(meeting, "Eventuelt", sakstype="Eventuelt")
    secret.treatment.case.exempt_basis = "Offl. § 14"
    session.commit()
    login(client, "siri@example.no")
    page = text_of(client.get(f"/meetings/{meeting.id}/send-innkalling"))
    warnings = between(page, "Se over før du sender:", "Mottakere")
    assert "Møtedatoen har passert" in warnings
    assert "Møtet har ikke noe sted." in warnings
    assert f"Saker uten forslag til vedtak: {bare.treatment.number} Uten forslag." in warnings
    assert f"offentlig tittel: sak {secret.treatment.number}." in warnings
    assert "Send likevel til 1 person" in page


def test_members_may_not_see_the_confirmation_page(client, session):
    meeting = _setup(session)
    login(client, "kari@example.no")
    assert client.get(f"/meetings/{meeting.id}/send-innkalling").status_code == 403
