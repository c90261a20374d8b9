"""The Word documents of the demo's Fagrådet meetings, read back with python-docx."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm
from sqlalchemy import select

from govern.models import Attachment, Meeting, Memo, MemoSection, Treatment
from govern.services.accounts import create_account
from tests.conftest import make_person
from tests.services.test_exchange import approve_demo_january
from tests.views.test_pages import meeting_id


def treatment(session, number: str, slug: str = "fagradet") -> Treatment:
    seq, yy = number.split("/")
    return session.scalar(
        select(Treatment)
        .join(Treatment.body)
        .where(Treatment.seq == int(seq), Treatment.year == 2000 + int(yy))
        .where(Treatment.body.has(slug=slug))
    )


def mark_generated_vedlegg(session, number: str = "2/26") -> None:
    """Make the meeting's "Toppnotat …" and "Referat …" Vedlegg stand for documents govern builds."""
    mid = meeting_id(session, "fagradet", number)
    for a in session.scalars(select(Attachment).where(Attachment.meeting_id == mid)):
        if a.title.startswith("Toppnotat"):
            a.source = "toppnotat"
        elif a.title.startswith("Referat"):
            a.source = "referat"
    session.commit()


def docx_of(response) -> Document:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("wordprocessingml.document")
    return Document(BytesIO(response.data))


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def facts(table) -> dict[str, object]:
    """The header table as {label: text, or [names] for a two-column list}."""
    out = {}
    for row in table.rows:
        label, value = row.cells
        if value.tables:
            inner = value.tables[0]
            left = [r.cells[0].text for r in inner.rows]
            right = [r.cells[1].text for r in inner.rows if r.cells[1].text]
            out[label.text] = left + right
        else:
            out[label.text] = value.text
    return out


def login(client, session, email="sek@example.no", role="sekretariat"):
    from govern.models import Body
    from govern.services.memberships import MembershipInput, add_membership

    person = make_person("Sara Sekretær")
    body = session.scalar(select(Body).where(Body.slug == "fagradet"))
    add_membership(session, body, person, MembershipInput(role, date(2020, 1, 1)))
    create_account(session, person, email, password="hemmelig-passord-1")
    session.commit()
    client.post("/login", data={"email": email, "password": "hemmelig-passord-1"})


# -- innkalling ------------------------------------------------------------------------------


def test_innkalling_header_table_and_members_in_two_columns(client, session, demo):
    doc = docx_of(
        client.get(f"/meetings/{meeting_id(session, 'fagradet', '2/26')}/innkalling.docx")
    )
    assert doc.paragraphs[0].text == "Møte i Fagrådet 2/26"
    assert doc.paragraphs[0].style.name == "Heading 1"
    header = facts(doc.tables[0])
    assert header["Møte"] == (
        "Nasjonalt fagråd for digitalisering i helse- og omsorgssektoren (Fagrådet)"
    )
    assert header["Dato"] == "29. – 30. april 2026"
    assert header["Tid"] == "29. april kl. 10.00 – 16.00 og 30. april kl. 08.00 – 14.30"
    assert header["Sted"] == "Thon Partner Hotel, Kristiansand"
    members = header["Medlemmer"]
    assert len(members) == 27  # as in the seed's innkalling
    assert members[0] == "Hans Löwe Larsen, Helsedirektoratet"
    assert "Elin Thygesen, Universitetet i Agder" in members
    assert len(doc.tables[0].rows[4].cells[1].tables[0].columns) == 2


def test_innkalling_agenda_table_with_days_breaks_and_sub_points(client, session, demo):
    doc = docx_of(
        client.get(f"/meetings/{meeting_id(session, 'fagradet', '2/26')}/innkalling.docx")
    )
    agenda = doc.tables[1]
    table = rows(agenda)
    assert table[0] == ["Sak", "Agenda", "Tidspunkt", "Sakstype"]
    assert agenda.style.name == "Govern tabell"
    assert table[1][:2] == ["", "Dag 1"]
    assert table[2][0] == "9/26" and table[2][2:] == ["10:00", "Godkjenning"]
    assert table[3] == [
        "10/26",
        "EHDS på legemiddelområdet i forhold til norsk e-reseptløsning",
        "10:10",
        "Drøfting",
    ]
    assert ["", "Lunsj", "11:30", ""] in table
    lunch = next(r for r in agenda.rows if r.cells[1].text == "Lunsj")
    assert lunch.cells[1].paragraphs[0].runs[0].bold
    assert ["", "Slutt dag 1", "16:00", ""] in table
    assert ["", "Middag", "19:00", ""] in table
    day2 = table.index(["", "Dag 2", "", ""])
    assert table[day2 + 1] == ["", "Velkommen til dag 2", "08:00", ""]
    assert table[day2 + 2][0] == "16/26"
    # The theme day's programme: sub-points without numbers or times.
    assert table[day2 + 3][0] == "" and table[day2 + 3][1].startswith("Innledning og rammesetting")
    assert table[day2 + 3][2] == ""
    assert ["18/26", "Eventuelt", "14:25", ""] in table  # no Sakstype, as in the seed
    assert table[-1] == ["", "Slutt dag 2", "14:30", ""]
    header_row = agenda.rows[0]._tr
    assert header_row.trPr is not None and "tblHeader" in header_row.trPr.xml


def test_innkalling_cases_per_day_with_summary_vedlegg_and_forslag(client, session, demo):
    doc = docx_of(
        client.get(f"/meetings/{meeting_id(session, 'fagradet', '2/26')}/innkalling.docx")
    )
    day1, day2 = doc.tables[2], doc.tables[3]
    table = rows(day1)
    assert table[0] == ["Sak", "Onsdag 29. april 2026", "Sakstype"]
    assert table[1] == ["", "Start dag 1", "10:00"]
    at = table.index(
        ["10/26", "EHDS på legemiddelområdet i forhold til norsk e-reseptløsning", "Drøfting"]
    )
    assert table[at + 1][1].startswith("Helsedirektoratet vil gi Fagrådet en overordnet status")
    assert table[at + 1][2] == (
        "Vedlegg 2: Toppnotat EHDS på legemiddelområdet i forhold til norsk e-reseptløsning"
    )
    assert table[at + 2][1] == (
        "Forslag til vedtak: Helsedirektoratet tar med seg innspill fra møtet inn i det videre "
        "arbeidet med å utrede konsekvenser av helsedataforordningen."
    )
    assert day1.rows[at + 2].cells[1].paragraphs[0].runs[0].bold
    vedlegg_14 = next(r for r in table if r[2].startswith("Vedlegg 6:"))
    assert "Vedlegg 6A: Vurdering kjernejournal portal" in vedlegg_14[2]
    assert table[-1] == ["", "Slutt dag 1", "16:00"]
    assert rows(day2)[0] == ["Sak", "Torsdag 30. april 2026", "Sakstype"]
    assert rows(day2)[1] == ["", "Start dag 2", "08:00"]
    assert rows(day2)[-1] == ["", "Slutt dag 2", "14:30"]
    # Multi-paragraph forslag (15/26) keeps its paragraphs under the label.
    at = next(i for i, r in enumerate(table) if r[0] == "15/26")
    forslag = day1.rows[at + 2].cells[1].paragraphs
    assert forslag[0].text == "Forslag til vedtak:"
    assert forslag[1].text.startswith("1. Fagrådet drøftet saken")
    assert forslag[2].text.startswith("2. Fagrådet ber")


def test_documents_have_house_style_a4_page_numbers_and_body_in_header(client, session, demo):
    doc = docx_of(
        client.get(f"/meetings/{meeting_id(session, 'fagradet', '2/26')}/innkalling.docx")
    )
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.05)
    assert Cm(1.5) < section.left_margin < Cm(3)
    assert "Nasjonalt fagråd for digitalisering" in section.header.paragraphs[0].text
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("Side ") and " av " in footer.text
    assert "PAGE" in footer._p.xml and "NUMPAGES" in footer._p.xml
    assert doc.core_properties.title == "Innkalling og dagsorden – Møte i Fagrådet 2/26"
    assert {"Heading 1", "Heading 2", "List Bullet", "Govern tabell"} <= {
        s.name for s in doc.styles
    }


def test_documents_are_byte_identical_and_answer_304(client, session, demo):
    url = f"/meetings/{meeting_id(session, 'fagradet', '2/26')}/innkalling.docx"
    first, second = client.get(url), client.get(url)
    assert first.data == second.data
    assert first.headers["ETag"]
    assert (
        "Innkalling og dagsorden – Fagrådet 2-26.docx"
        in first.headers["Content-Disposition"].replace("%20", " ")
        or "filename*=" in first.headers["Content-Disposition"]
    )
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_draft_meeting_documents_are_hidden_from_visitors(client, session, demo):
    draft = meeting_id(session, "endringsrad-rekvirering-provesvar", "1/26")
    assert client.get(f"/meetings/{draft}/innkalling.docx").status_code == 404
    assert client.get(f"/meetings/{draft}/sakspapirer.zip").status_code == 404


# -- referat ---------------------------------------------------------------------------------


def test_referat_header_lists_attendance_like_the_seed(client, session, demo):
    approve_demo_january(session)
    doc = docx_of(client.get(f"/meetings/{meeting_id(session, 'fagradet', '1/26')}/referat.docx"))
    assert doc.paragraphs[0].text == "Referat fra møte i Fagrådet 1/26"
    assert "UTKAST" not in "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    header = facts(doc.tables[0])
    assert header["Dato"] == "21. – 22. januar 2026"
    assert header["Tid"] == "21. januar kl. 10.00 – 16.00 og 22. januar kl. 09.00 – 14.30"
    assert header["Sted"] == "Clarion Hotel Oslo"
    assert "Hans Löwe Larsen, Helsedirektoratet" in header["Medlemmer"]
    assert "Stine Slørdal, Helse Midt RHF" not in header["Medlemmer"]
    absent = header["Ikke til stede"]
    assert "Knut Berglund, Helsedirektoratet – dag 1" in absent
    assert "Christoffer Boge, Kommunene i Hallingdal/Digiviken" in absent
    assert header["Stedfortreder"] == (
        "Marthe Kristine Striger Dingen, Helse Midt RHF, stiller for Stine Slørdal"
    )
    assert header["Helsedirektoratet"].split("\n") == [
        "Siv Ingebrigtsen",
        "Vibeke Jonassen Wang",
        "Karen Lima",
    ]


def test_referat_agenda_and_minutes_per_case(client, session, demo):
    approve_demo_january(session)
    doc = docx_of(client.get(f"/meetings/{meeting_id(session, 'fagradet', '1/26')}/referat.docx"))
    agenda = rows(doc.tables[1])
    assert agenda[0] == ["Saksnr.", "Tittel på sak", "Sakstype"]
    assert agenda[1][:2] == ["", "Dag 1"]
    assert agenda[3] == ["2/26", "Helsedirektoratet orienterer ved Mariann Hornnes", "Orientering"]
    assert ["", "Dag 2", ""] in agenda
    assert agenda[-1][0] == "8/26"
    day1 = doc.tables[2]
    table = rows(day1)
    assert table[0] == ["Sak", "Onsdag 21. januar 2026"]
    at = table.index(["2/26", "Helsedirektoratet orienterer ved Mariann Hornnes"])
    told = day1.rows[at + 1].cells[1].paragraphs
    assert told[0].text.startswith("Mariann Hornnes, assisterende helsedirektør")
    label = next(p for p in told if p.text == "Innspill:")
    assert label.runs[0].bold
    bullets = [p for p in told if p.style.name == "List Bullet"]
    assert len(bullets) >= 5
    assert bullets[0].text.startswith("Det skjer mye positivt med PLL")
    assert table[at + 2][1] == "Vedtak: Fagrådet tar saken til orientering."
    day2 = rows(doc.tables[3])
    assert day2[0] == ["Sak", "Torsdag 22. januar 2026"]
    at = day2.index(["8/26", "Eventuelt"])
    assert day2[at + 1][1] == "Det kom ingen saker til eventuelt."


def test_draft_referat_says_utkast_and_needs_the_secretariat(client, session, demo):
    meeting = session.get(Meeting, meeting_id(session, "fagradet", "1/26"))
    meeting.minutes_status, meeting.status = "utkast", "gjennomført"
    session.commit()
    url = f"/meetings/{meeting.id}/referat.docx"
    assert client.get(url).status_code == 302
    login(client, session)
    doc = docx_of(client.get(url))
    assert "UTKAST" in [p.text for p in doc.sections[0].header.paragraphs]
    assert "(utkast)" in client.get(url).headers["Content-Disposition"].replace("%28", "(")


# -- toppnotat -------------------------------------------------------------------------------


def test_toppnotat_header_block_title_and_history_table(client, session, demo):
    approve_demo_january(session)
    mark_generated_vedlegg(session)
    t = treatment(session, "12/26")
    doc = docx_of(client.get(f"/treatments/{t.id}/toppnotat.docx"))
    header = facts(doc.tables[0])
    assert header == {
        "Til": "Møte 2/26",
        "Dato": "29.04.2026",
        "Saksnummer": "12/26",
        "Innretning": "Drøfting",
        "Sakseier": "Norunn Saure",
        "Saksbehandler": "Inger Dybdahl Sørby, Gry Seland og Per Ludvig Skjerven",
    }
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Head")]
    assert headings[0] == (
        "Heading 1",
        "Brukskvalitet i veilednings- og godkjenningsordningen for helseteknologier",
    )
    assert ("Heading 2", "Forslag til vedtak") in headings
    assert headings[-1] == ("Heading 2", "Vedtak fra tidligere behandlinger i rådsmodellen")
    history = rows(doc.tables[-1])
    assert history[0] == ["Saksnummer", "Utvalg og dato", "Tittel på sak", "Vedtak"]
    assert [r[:2] for r in history[1:]] == [
        ["3/26", "Fagrådet 21.01.2026"],
        ["13/25", "Nasjonalt e-helseråd 12.06.2025"],
        ["17/25", "NUIT 15.05.2025"],
        ["7/25", "NUFA 23.01.2025"],
    ]
    assert history[1][3].startswith("Fagrådet drøftet saken. Helsedirektoratet tar med seg")
    assert (
        history[4][2]
        == "Temadag – Etablering av veilednings- og godkjenningsordning for helseteknologi"
    )


def test_toppnotat_without_history_says_so(client, session, demo):
    t = treatment(session, "14/26")
    doc = docx_of(client.get(f"/treatments/{t.id}/toppnotat.docx"))
    texts = [p.text for p in doc.paragraphs]
    assert texts[-1].startswith("Vedlegg 6A") or (
        "Saken har ikke vært til behandling i rådsmodellen tidligere." in texts
    )
    assert "Saken har ikke vært til behandling i rådsmodellen tidligere." in texts


def test_toppnotat_sections_in_order_with_paragraphs_and_bullets(client, session, demo):
    mark_generated_vedlegg(session)
    t = treatment(session, "15/26")
    if t.memo is not None:
        session.delete(t.memo)
        session.flush()
    memo = Memo(
        treatment=t,
        purpose="Formålet er å løfte en diskusjon.\n\nAndre avsnitt.",
        background="Bakgrunnen.",
        questions="- Er dagens arkitektur tilstrekkelig?\n- Hvordan balansere?",
        next_steps="Ikke planlagt videre saksgang.",
    )
    memo.sections = [
        MemoSection(position=1, heading="Anbefalt konsept", text="Konseptet."),
        MemoSection(position=2, heading="Drøfting", text="Drøftingen."),
    ]
    session.add(memo)
    session.commit()
    doc = docx_of(client.get(f"/treatments/{t.id}/toppnotat.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert headings == [
        "Forslag til vedtak",
        "Hensikt med saken",
        "Bakgrunn",
        "Anbefalt konsept",
        "Drøfting",
        "Spørsmål til drøfting",
        "Videre saksprosess",
        "Vedtak fra tidligere behandlinger i rådsmodellen",
    ]
    texts = [p.text for p in doc.paragraphs]
    purpose = texts.index("Hensikt med saken")
    assert texts[purpose + 1 : purpose + 3] == [
        "Formålet er å løfte en diskusjon.",
        "Andre avsnitt.",
    ]
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Er dagens arkitektur tilstrekkelig?", "Hvordan balansere?"]


def test_uploaded_toppnotat_is_passed_through_unchanged(app, client, session, demo):
    t = treatment(session, "13/26")
    uploads = Path(app.instance_path) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    original = BytesIO()
    Document().save(original)
    (uploads / "memo-test-13.docx").write_bytes(original.getvalue())
    if t.memo is None:
        t.memo = Memo()
    t.memo.stored_name, t.memo.filename = "memo-test-13.docx", "Mitt notat.docx"
    session.commit()
    try:
        response = client.get(f"/treatments/{t.id}/toppnotat.docx")
        assert response.status_code == 200
        assert response.data == original.getvalue()
    finally:
        (uploads / "memo-test-13.docx").unlink()


# -- meeting pack ----------------------------------------------------------------------------


def test_meeting_pack_holds_innkalling_toppnotater_and_files_named_as_vedlegg(
    app, client, session, demo
):
    approve_demo_january(session)
    mark_generated_vedlegg(session)
    mid = meeting_id(session, "fagradet", "2/26")
    attachments = session.scalars(select(Attachment).where(Attachment.meeting_id == mid)).all()
    file_vedlegg = next(a for a in attachments if a.number == "6A")
    uploads = Path(app.instance_path) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "pack-test-6a.pdf").write_bytes(b"%PDF-1.4 test")
    file_vedlegg.stored_name, file_vedlegg.filename = "pack-test-6a.pdf", "vurdering.pdf"
    session.commit()
    try:
        response = client.get(f"/meetings/{mid}/sakspapirer.zip")
    finally:
        (uploads / "pack-test-6a.pdf").unlink()
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(BytesIO(response.data))
    names = archive.namelist()
    assert names[0] == "Innkalling og dagsorden – Fagrådet 2-26.docx"
    assert names[1] == "Vedlegg 1 – Referat Fagrådet 21. – 22. januar 2026.docx"
    assert names[2] == (
        "Vedlegg 2 – Toppnotat 10-26 EHDS på legemiddelområdet i forhold til norsk "
        "e-reseptløsning.docx"
    )
    assert "Vedlegg 6A – Vurdering kjernejournal portal.pdf" in names
    assert archive.read("Vedlegg 6A – Vurdering kjernejournal portal.pdf") == b"%PDF-1.4 test"
    assert all(len(n) <= 130 for n in names)
    referat = Document(BytesIO(archive.read(names[1])))
    assert referat.paragraphs[0].text == "Referat fra møte i Fagrådet 1/26"
    toppnotat = Document(BytesIO(archive.read(names[2])))
    assert facts(toppnotat.tables[0])["Saksnummer"] == "10/26"
    history = rows(toppnotat.tables[-1])
    assert {r[0] for r in history[1:]} == {"26/25"}
    assert client.get(f"/meetings/{mid}/sakspapirer.zip").data != b""


# -- the template ----------------------------------------------------------------------------


def test_a_restyled_template_is_used_and_missing_styles_fall_back(
    app, client, session, demo, tmp_path
):
    custom = Document()
    custom.sections[0].header.paragraphs[0].text = "Helsedirektoratet – sekretariatet"
    custom.add_paragraph("Denne teksten i malen skal ikke komme med.")
    path = tmp_path / "mal.docx"
    custom.save(path)
    app.config["DOCX_TEMPLATE"] = str(path)
    doc = docx_of(
        client.get(f"/meetings/{meeting_id(session, 'fagradet', '2/26')}/innkalling.docx")
    )
    header = [p.text for p in doc.sections[0].header.paragraphs]
    assert header[0] == "Helsedirektoratet – sekretariatet"
    assert "Nasjonalt fagråd for digitalisering" in header[1]
    assert doc.paragraphs[0].text == "Møte i Fagrådet 2/26"
    assert "Denne teksten i malen" not in "\n".join(p.text for p in doc.paragraphs)
    assert doc.tables[1].style.name == "Table Grid"


def test_a_missing_template_stops_the_app_from_starting(tmp_path):
    from govern import create_app
    from tests.conftest import base_config

    config = base_config(DOCX_TEMPLATE=str(tmp_path / "finnes-ikke.docx"))
    config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    with pytest.raises(RuntimeError, match="kan ikke brukes som Word-mal"):
        create_app(config)


def test_cli_writes_the_template_to_restyle(app, tmp_path):
    out = tmp_path / "mal.docx"
    result = app.test_cli_runner().invoke(args=["docx-template", str(out)])
    assert result.exit_code == 0, result.output
    styles = {s.name for s in Document(out).styles}
    assert {"Govern tabell", "Govern faktatabell", "Heading 1", "List Bullet"} <= styles


def test_the_package_template_is_what_make_template_builds():
    from govern.exports.docx_template import TEMPLATE_PATH, make_template

    assert TEMPLATE_PATH.read_bytes() == make_template(), "run flask docx-template --rebuild"
