"""Habilitet on the pages: the member declares inhabilitet in the demo's procurement case,
the secretariat decides it, the referat says so; where Fagrådet withholds an inhabil
member's papers, every channel (pages, documents, search, the API, calendars) agrees."""

from __future__ import annotations

import io

import docx
from sqlalchemy import select

from govern.models import AuditEntry, Body, Recusal, Treatment
from tests.views.test_openness import FULL, HELD, PUBLIC, log_in, procurement
from tests.views.test_openness_channels import ics_text
from tests.views.test_pages import meeting_id, text_of

MEMBER = "medlem@example.no"
SECRETARIAT = "sekretariat@example.no"
BASIS = "fvl. § 6 første ledd bokstav e"
SENTENCE = f"Jon Gupta fratrådte under behandlingen av saken (inhabil, {BASIS})."


def docx_text(response) -> str:
    """Every paragraph of the document, in tables too."""
    assert response.status_code == 200, response.status_code
    document = docx.Document(io.BytesIO(response.data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return "\n".join(texts)


def declare_and_decide(client, session) -> Treatment:
    t = procurement(session)
    log_in(client, MEMBER)
    page = client.get(f"/treatments/{t.id}/habilitet")
    assert page.status_code == 200 and "Meld meg inhabil" in text_of(page)
    sent = client.post(
        f"/treatments/{t.id}/habilitet",
        data={"basis": BASIS, "reason": "Styremedlem hos leverandøren"},
    )
    assert sent.status_code == 302
    assert "Sekretariatet har ikke avgjort det ennå" in text_of(client.get(sent.location))
    log_in(client, SECRETARIAT)
    page = text_of(client.get(f"/treatments/{t.id}/habilitet"))
    assert (
        "Jon Gupta" in page
        and "Styremedlem hos leverandøren" in page
        and "Meldt, ikke avgjort" in page
    )
    recusal = session.scalar(select(Recusal))
    decided = client.post(
        f"/recusals/{recusal.id}/avgjor", data={"decision": "inhabil", "note": "Ok"}
    )
    assert decided.status_code == 302
    session.expire_all()
    assert session.get(Recusal, recusal.id).status == "inhabil"
    return procurement(session)


def test_member_declares_secretariat_decides_and_the_referat_says_so(
    client, session, demo_with_accounts
):
    t = declare_and_decide(client, session)
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"recusal.declare", "recusal.decide"} <= actions
    april = meeting_id(session, "fagradet", "2/26")
    text = docx_text(client.get(f"/meetings/{april}/referat.docx?versjon=intern"))
    assert SENTENCE in text
    # The public referat says it too (who left and on what ground, not the member's reason).
    public = docx_text(client.get(f"/meetings/{april}/referat.docx?versjon=offentlig"))
    assert SENTENCE in public and "Styremedlem" not in public
    # Fagrådet lets an inhabil member keep reading the papers unless it chooses otherwise.
    log_in(client, MEMBER)
    assert FULL in text_of(client.get(f"/meetings/{april}"))
    assert "Du er registrert som inhabil" in text_of(client.get(f"/treatments/{t.id}/habilitet"))


def test_bad_input_gets_a_norwegian_message_and_changes_nothing(
    client, session, demo_with_accounts
):
    t = procurement(session)
    log_in(client, MEMBER)
    refused = client.post(f"/treatments/{t.id}/habilitet", data={"basis": "§ 99", "reason": "x"})
    assert refused.status_code == 400
    assert "Velg grunnlaget for inhabiliteten" in text_of(
        refused
    ) or "Ikke et gyldig valg" in text_of(refused)
    assert session.scalars(select(Recusal)).all() == []
    # A visitor may not declare anything; nor may a member record for others.
    client.post("/logout")
    assert client.post(f"/treatments/{t.id}/habilitet", data={"basis": BASIS}).status_code == 302
    log_in(client, MEMBER)
    recorded = client.post(f"/treatments/{t.id}/habilitet/registrer", data={"basis": BASIS})
    assert recorded.status_code == 403
    log_in(client, SECRETARIAT)
    nobody = client.post(
        f"/treatments/{t.id}/habilitet/registrer", data={"person_id": "0", "basis": BASIS}
    )
    assert nobody.status_code == 400 and "Velg medlemmet som er inhabilt" in text_of(nobody)
    assert session.scalars(select(Recusal)).all() == []


def test_where_the_body_withholds_papers_every_channel_agrees(client, session, demo_with_accounts):
    t = declare_and_decide(client, session)
    april = meeting_id(session, "fagradet", "2/26")
    # Filled as a member who is not recused: a kept page must not reach the recused member.
    session.scalar(select(Body).where(Body.slug == "fagradet")).recusal_withholds = True
    session.commit()
    log_in(client, SECRETARIAT)
    assert FULL in text_of(client.get(f"/meetings/{april}"))
    log_in(client, MEMBER)
    page = text_of(client.get(f"/meetings/{april}"))
    assert PUBLIC in page and FULL not in page and HELD in page
    innkalling = docx_text(client.get(f"/meetings/{april}/innkalling.docx"))
    assert FULL not in innkalling and PUBLIC in innkalling
    intern = client.get(f"/meetings/{april}/innkalling.docx?versjon=intern")
    assert intern.status_code == 403 or FULL not in docx_text(intern)
    toppnotat = client.get(f"/treatments/{t.id}/toppnotat.docx")
    assert FULL not in docx_text(toppnotat)
    found = client.get("/sok", query_string={"q": "Nordic"}).get_data(as_text=True)
    assert "17/26" not in found
    api = client.get(f"/api/v1/treatments/{t.id}").get_data(as_text=True)
    assert FULL not in api
    assert FULL not in ics_text(client.get(f"/meetings/{april}.ics"))
    client.post("/profile/feed-token")
    person = session.scalar(select(Recusal)).person
    session.refresh(person)
    client.post("/logout")
    assert FULL not in ics_text(client.get(f"/feeds/{person.feed_token}.ics"))


def test_the_attendance_page_shows_the_quorum_rule_and_the_count(
    client, session, demo_with_accounts
):
    body = session.scalar(select(Body).where(Body.slug == "fagradet"))
    body.quorum_rule = "over_half"
    session.commit()
    january = meeting_id(session, "fagradet", "1/26")
    log_in(client, SECRETARIAT)
    page = text_of(client.get(f"/meetings/{january}/attendance"))
    assert "Beslutningsdyktighet" in page
    assert "Rådet var beslutningsdyktig (" in page and "krav: mer enn halvparten" in page
    # A body without a rule shows nothing of it.
    body.quorum_rule = ""
    session.commit()
    assert "Beslutningsdyktighet" not in text_of(client.get(f"/meetings/{january}/attendance"))
