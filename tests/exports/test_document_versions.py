"""The public and the internal version of the Word documents and the meeting pack (issue 17):
an exempt case, a closed item and an exempt Vedlegg held back from those who may not see them,
each document saying which version it is, and the secretariat downloading both."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import icalendar
import pytest
from docx import Document
from sqlalchemy import select

from govern.exports.versions import INTERNAL_LABEL, PUBLIC_LABEL
from govern.models import Meeting
from govern.models.meetings import Attachment
from govern.models.memos import Memo
from tests.exports.test_documents import treatment
from tests.services.test_exchange import approve_demo_january
from tests.views.test_openness import OTHER, OWNER, log_in, readers  # noqa: F401 (fixture)
from tests.views.test_pages import meeting_id

BASIS = "Offl. § 23 første ledd"
HELD = f"Unntatt offentlighet, {BASIS}"
PUBLIC_TITLE = "Tildeling av kontrakt for nasjonal helseanalyseplattform"
#: The procurement case's internal texts, with words found nowhere else in the demo, so that
#: any of them in a public document is a leak.
SECRET = {
    "title": "Tildeling av kontrakt for nasjonal helseanalyseplattform til Zyntrix Analytica",
    "summary": "Zyntrix Analytica slo Quorvel Datahus med Brennvoll-prisen 48,6.",
    "proposed_decision": "Zyntrix Analytica Brennvollrammen.",
    "decision": "Zyntrix Analytica, Quorvel Datahus varsles Kvistad-brev.",
    "memo": "Quorvel Datahus sin Brennvoll-pris med Kvistad-tillegget.",
    "input": "Zyntrix-referanser fra Kvistadprosjektet.",
}


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) >= 4}


#: Every word of the internal texts that the public title does not have.
HIDDEN = set().union(*(words(t) for t in SECRET.values())) - words(PUBLIC_TITLE)


def all_text(doc) -> str:
    """Every paragraph of the document: body, tables (nested too) and page header."""
    parts = [p.text for p in doc.sections[0].header.paragraphs]

    def walk(container):
        for p in container.paragraphs:
            parts.append(p.text)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(doc)
    return "\n".join(parts)


def docx_text(content: bytes) -> str:
    return all_text(Document(BytesIO(content)))


def fetched(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return docx_text(response.data)


def assert_public(text: str) -> None:
    assert PUBLIC_LABEL in text and INTERNAL_LABEL not in text
    assert words(text) & HIDDEN == set(), "an exempt word reached the public version"
    assert PUBLIC_TITLE in text and HELD in text


def assert_internal(text: str, *keys: str) -> None:
    assert INTERNAL_LABEL in text and PUBLIC_LABEL not in text
    for key in keys:
        assert SECRET[key] in text, key


@pytest.fixture
def secret(session, readers):  # noqa: F811
    """The demo's exempt procurement case (17/26 in Fagrådet 2/26) with distinctive texts, a
    memo, an innspill and a vedtak in approved minutes; returns the treatment."""
    from govern.models.cases import TreatmentInput

    t = treatment(session, "17/26")
    t.case.title = SECRET["title"]
    t.summary = SECRET["summary"]
    t.proposed_decision = SECRET["proposed_decision"]
    t.decision = SECRET["decision"]
    t.inputs.append(TreatmentInput(text=SECRET["input"], position=0))
    t.memo = Memo(purpose=SECRET["memo"])
    t.meeting.minutes_status = "godkjent"
    session.commit()
    return t


@pytest.mark.parametrize("who", [None, OTHER])
def test_the_public_innkalling_referat_and_toppnotat_hold_the_exempt_case_back(
    client, session, secret, who
):
    if who:
        log_in(client, who)
    base = f"/meetings/{secret.meeting_id}"
    assert_public(fetched(client.get(f"{base}/innkalling.docx")))
    assert_public(fetched(client.get(f"{base}/referat.docx")))
    assert_public(fetched(client.get(f"/treatments/{secret.id}/toppnotat.docx")))
    response = client.get(f"{base}/innkalling.docx")
    assert "offentlig versjon" in response.headers["Content-Disposition"].replace("%20", " ")


@pytest.mark.parametrize("who", ["medlem@example.no", OWNER, "sekretariat@example.no"])
def test_members_and_the_case_owner_get_the_internal_version(client, session, secret, who):
    log_in(client, who)
    base = f"/meetings/{secret.meeting_id}"
    toppnotat = fetched(client.get(f"/treatments/{secret.id}/toppnotat.docx"))
    assert_internal(toppnotat, "title", "proposed_decision", "memo")
    if who == OWNER:
        return  # the owner of one case is not given the other cases' held-back content
    innkalling = fetched(client.get(f"{base}/innkalling.docx"))
    assert_internal(innkalling, "title", "summary", "proposed_decision")
    assert_internal(fetched(client.get(f"{base}/referat.docx")), "title", "decision", "input")


def test_the_secretariat_downloads_both_versions_explicitly(client, session, secret):
    base = f"/meetings/{secret.meeting_id}"
    log_in(client, "sekretariat@example.no")
    for url in (f"{base}/innkalling.docx", f"{base}/referat.docx"):
        assert_public(fetched(client.get(url + "?versjon=offentlig")))
        assert_internal(fetched(client.get(url + "?versjon=intern")), "title")
    url = f"/treatments/{secret.id}/toppnotat.docx"
    assert_public(fetched(client.get(url + "?versjon=offentlig")))
    assert_internal(fetched(client.get(url + "?versjon=intern")), "memo")
    assert client.get(f"{base}/innkalling.docx?versjon=hemmelig").status_code == 404
    # Nobody else gets the internal version by asking for it.
    log_in(client, OTHER)
    assert client.get(f"{base}/innkalling.docx?versjon=intern").status_code == 403
    assert client.get(url + "?versjon=intern").status_code == 403


def test_the_public_meeting_pack_has_public_versions_only(client, session, secret):
    url = f"/meetings/{secret.meeting_id}/sakspapirer.zip"

    def pack() -> dict[str, str]:
        response = client.get(url)
        assert response.status_code == 200
        with zipfile.ZipFile(BytesIO(response.data)) as archive:
            return {
                name: docx_text(archive.read(name)) if name.endswith(".docx") else ""
                for name in archive.namelist()
            }

    public = pack()
    assert any(name.startswith("Innkalling og dagsorden") for name in public)
    assert words(" ".join(public)) & HIDDEN == set()
    assert not any(name.startswith("Toppnotat 17-26") for name in public)
    for name, text in public.items():
        if name.endswith(".docx"):
            assert PUBLIC_LABEL in text, name
            assert words(text) & HIDDEN == set(), name
    log_in(client, "medlem@example.no")
    internal = pack()
    toppnotat = [n for n in internal if n.startswith("Toppnotat 17-26")]
    assert toppnotat and SECRET["memo"] in internal[toppnotat[0]]
    assert all(INTERNAL_LABEL in t for n, t in internal.items() if n.endswith(".docx"))


def test_another_cases_history_table_shows_the_public_title_to_the_public(client, session, secret):
    later = treatment(session, "18/26")  # after 17/26 on the same day
    later.case.follows = secret.case  # continues the exempt case: 17/26 is in its history
    session.commit()
    url = f"/treatments/{later.id}/toppnotat.docx"
    public = fetched(client.get(url))
    assert PUBLIC_TITLE in public and words(public) & HIDDEN == set()
    log_in(client, "medlem@example.no")
    internal = fetched(client.get(url))
    assert SECRET["title"] in internal and SECRET["decision"] in internal


@pytest.mark.usefixtures("readers")
def test_a_closed_item_is_held_back_in_the_public_referat(client, session):
    approve_demo_january(session)
    url = f"/meetings/{meeting_id(session, 'fagradet', '1/26')}/referat.docx"
    closed = "helhetlig forvaltning av metadata for sentrale kodeverk"
    public = fetched(client.get(url))
    assert "Forvaltning av metadata for kodeverk" in public  # the title stays public
    assert "Lukket behandling, Offl. § 15 første ledd" in public
    assert closed not in public and PUBLIC_LABEL in public
    assert "Fagrådet drøftet saken." in public  # the open items keep their minutes
    log_in(client, "medlem@example.no")
    internal = fetched(client.get(url))
    assert closed in internal and INTERNAL_LABEL in internal


@pytest.mark.usefixtures("readers")
def test_an_exempt_vedlegg_is_neither_named_nor_packed_for_the_public(client, session):
    attachment = session.scalar(select(Attachment).where(Attachment.exempt_basis.is_not(None)))
    meeting = session.get(Meeting, attachment.meeting_id)
    # Give it a file, so the pack would carry it.
    attachment.filename = "risiko.pdf"
    session.commit()
    base = f"/meetings/{meeting.id}"
    hidden = "Risikovurdering av kildebruk"
    innkalling = fetched(client.get(f"{base}/innkalling.docx"))
    assert hidden not in innkalling
    assert "Vedlegg 3A: Unntatt offentlighet, Offl. § 14" in innkalling
    response = client.get(f"{base}/sakspapirer.zip")
    names = zipfile.ZipFile(BytesIO(response.data)).namelist()
    assert not any("3A" in n or "Risikovurdering" in n for n in names)
    log_in(client, "medlem@example.no")
    assert hidden in fetched(client.get(f"{base}/innkalling.docx"))


@pytest.mark.usefixtures("readers")
def test_a_members_only_bodys_documents_are_not_for_the_public(client, session):
    meeting = session.scalar(select(Meeting).where(Meeting.body.has(slug="endringsrad-medikasjon")))
    base = f"/meetings/{meeting.id}"
    urls = [f"{base}/innkalling.docx", f"{base}/referat.docx", f"{base}/sakspapirer.zip"]
    urls += [
        f"/treatments/{i.treatment_id}/toppnotat.docx" for i in meeting.items if i.treatment_id
    ]
    for who in (None, "medlem@example.no"):
        if who:
            log_in(client, who)
        for url in urls:
            assert client.get(url).status_code in (403, 404), (who, url)


# -- what carries the documents: e-mail, the secretariat's pages, members-only bodies -------


def test_the_invitation_e_mail_links_to_the_meeting_and_holds_no_case_text(session, secret):
    from govern.models.mail import OutgoingMail
    from govern.services.invitations import sync_invitations

    meeting = secret.meeting
    meeting.status = "innkalt"
    queued = sync_invitations(session, meeting, "https://govern.test")
    assert queued
    for mail in session.scalars(select(OutgoingMail)):
        assert f"https://govern.test/meetings/{meeting.id}" in mail.body
        assert words(mail.subject + " " + mail.body) & HIDDEN == set()
        assert PUBLIC_TITLE not in mail.body  # no agenda in the message at all
        # The invitation's calendar part travels by e-mail too: the public version.
        event_text = " ".join(
            str(event.get("description", ""))
            for event in icalendar.Calendar.from_ical(mail.calendar).walk("VEVENT")
        )
        assert PUBLIC_TITLE in event_text
        assert words(event_text) & HIDDEN == set()


def test_the_secretariat_sees_which_version_it_sends_and_what_is_held_back(client, session, secret):
    from tests.views.test_pages import text_of

    log_in(client, "sekretariat@example.no")
    for url in (f"/meetings/{secret.meeting_id}", f"/meetings/{secret.meeting_id}/edit"):
        page = text_of(client.get(url))
        assert "Offentlig og intern versjon" in page, url
        assert f"17/26 {SECRET['title']}: {HELD}" in page
        assert f"offentlig tittel: «{PUBLIC_TITLE}»" in page
        html = client.get(url).get_data(as_text=True)
        assert "innkalling.docx?versjon=offentlig" in html
        assert "innkalling.docx?versjon=intern" in html
    # Members and visitors do not get the secretariat's block.
    log_in(client, "medlem@example.no")
    assert "Offentlig og intern versjon" not in text_of(
        client.get(f"/meetings/{secret.meeting_id}")
    )


@pytest.mark.usefixtures("readers")
def test_members_only_prioritisation_and_change_documents_are_not_for_the_public(client, session):
    from govern.models.priorities import PrioritisationRound

    rounds = session.scalars(select(PrioritisationRound)).all()
    assert rounds and all(r.body.slug == "nuit" for r in rounds)
    rounds[0].body.members_only = True  # NUIT's rounds, as if NUIT were members-only
    session.commit()
    assert client.get(f"/prioriteringer/{rounds[0].id}/resultat.docx").status_code == 404
    log_in(client, OTHER)  # a member of NUIT
    assert client.get(f"/prioriteringer/{rounds[0].id}/resultat.docx").status_code == 200
    client.post("/logout")
    urls = [f"/prioriteringer/{r.id}/resultat.docx" for r in rounds]
    urls += ["/bodies/endringsrad-medikasjon/endringsonsker.csv"]
    for who in (None, "medlem@example.no"):
        if who:
            log_in(client, who)
        for url in urls:
            assert client.get(url).status_code in (302, 403, 404), (who, url)  # 302: log in
