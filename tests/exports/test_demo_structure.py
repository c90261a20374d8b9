"""The demo's toppnotater and referat have the seed's structure in Word: sub-headings (10/26
"Steg 1"/"Steg 2", 16/26), numbered and nested lists (14/26, 16/26, referat 7/26), links
(14/26's Vedlegg 6A, referat 3/26 and 7/26), innspill under headings (referat 6/26), the
history rows as the seed writes them, and the language of every document."""

from __future__ import annotations

from docx.oxml.ns import qn

from tests.exports.test_documents import docx_of, mark_generated_vedlegg, rows, treatment
from tests.exports.test_structured_text import lang, num
from tests.services.test_exchange import approve_demo_january
from tests.views.test_pages import meeting_id, text_of


def links(paragraph) -> list[tuple[str, str]]:
    """(text, address) of the paragraph's hyperlinks."""
    out = []
    for link in paragraph._p.findall(qn("w:hyperlink")):
        text = "".join(t.text for t in link.iter(qn("w:t")))
        out.append((text, paragraph.part.rels[link.get(qn("r:id"))].target_ref))
    return out


def toppnotat(client, session, number: str):
    return docx_of(client.get(f"/treatments/{treatment(session, number).id}/toppnotat.docx"))


def test_toppnotat_10_26_steps_as_sub_headings_and_the_history_as_the_seed(client, session, demo):
    mark_generated_vedlegg(session)
    doc = toppnotat(client, session, "10/26")
    subheadings = [p for p in doc.paragraphs if p.style.name == "Heading 3"]
    assert [p.text[:6] for p in subheadings] == ["Steg 1", "Steg 2"]
    assert subheadings[0].text == "Steg 1 – minimal konverteringsløsning"
    assert all(r.italic for r in subheadings[0].runs)
    assert subheadings[0].paragraph_format.keep_with_next
    texts = [p.text for p in doc.paragraphs]
    assert texts[texts.index("Steg 1 – minimal konverteringsløsning") + 1].startswith(
        "Steg 1 innebærer en minimal konverteringsløsning"
    )
    italic = next(p for p in doc.paragraphs if p.text.startswith("Innspillet til Mål bilde"))
    assert italic.style.name == "List Bullet" and num(italic) and italic.runs[0].italic
    history = rows(doc.tables[-1])
    assert [r[:2] for r in history[1:]] == [
        ["26/25", "Nasjonalt e-helseråd 16.10.2025"],
        ["26/25", "Fagutvalget (NUFA)"],
    ]
    assert history[2][3].startswith("NUFA drøftet saken.")


def test_toppnotat_14_26_numbered_list_emphasis_and_the_vedlegg_link(client, session, demo):
    mark_generated_vedlegg(session)
    doc = toppnotat(client, session, "14/26")
    numbered = [p for p in doc.paragraphs if p.style.name == "List Number"]
    assert [p.text[:23] for p in numbered] == [
        "Kjernejournal portal – ",
        "Kjernejournal API – kje",
    ]
    assert num(numbered[0]) == num(numbered[1]) and num(numbered[0])[1] == 0
    stressed = next(p for p in doc.paragraphs if "personverninnstillinger" in p.text)
    assert [r.text for r in stressed.runs if r.italic] == ["personverninnstillinger"]
    assert len([p for p in doc.paragraphs if p.style.name == "List Bullet"]) == 8

    innkalling = docx_of(
        client.get(f"/meetings/{meeting_id(session, 'fagradet', '2/26')}/innkalling.docx")
    )
    summary = next(
        p
        for table in innkalling.tables
        for row in table.rows
        for p in row.cells[1].paragraphs
        if p.text.startswith("Vedlegg 6A Vurdering kjernejournal portal ligger")
    )
    assert links(summary) == [
        (
            "Vedlegg 6A Vurdering kjernejournal portal",
            "https://www.helsedirektoratet.no/digitalisering-og-e-helse",
        )
    ]


def test_toppnotat_16_26_sub_headings_restarting_numbered_lists_and_a_nested_programme(
    client, session, demo
):
    mark_generated_vedlegg(session)
    doc = toppnotat(client, session, "16/26")
    subheadings = [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
    assert subheadings == [
        "Felles forventning til alle innlegg før lunsj:",
        "En enkel anbefalt struktur per innlegg kan være:",
        "Felles forventning til alle innlegg etter lunsj:",
    ]
    numbered = [p for p in doc.paragraphs if p.style.name == "List Number"]
    assert len(numbered) == 9
    before, after = numbered[:5], numbered[5:]
    assert before[0].text == "Hvilken del av utfordringsbildet blir belyst?"
    assert after[0].text.startswith("Hvilket konkret brudd")
    assert all(r.italic for p in numbered for r in p.runs)
    assert {num(p) for p in before} != {num(p) for p in after}  # each list starts at 1
    assert len({num(p) for p in before}) == 1 and len({num(p) for p in after}) == 1
    levels = {p.text[:10]: num(p)[1] for p in doc.paragraphs if p.style.name == "List Bullet"}
    assert levels["Innledning"] == 0 and levels["Innlegg 0 "] == 1 and levels["Innlegg 5 "] == 1
    assert levels["Faglige in"] == 0 and levels["Sykehuspar"] == 1
    notice = next(p for p in doc.paragraphs if p.text.startswith("Med forbehold om endringer"))
    assert notice.runs[0].bold


def test_referat_groups_innspill_under_headings_and_keeps_links_and_nesting(client, session, demo):
    approve_demo_january(session)
    doc = docx_of(client.get(f"/meetings/{meeting_id(session, 'fagradet', '1/26')}/referat.docx"))
    day1, day2 = doc.tables[2], doc.tables[3]
    table = rows(day1)
    at = next(i for i, r in enumerate(table) if r[0] == "6/26")
    assert day1.rows[at]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert all(p.paragraph_format.keep_with_next for p in day1.rows[at].cells[1].paragraphs)
    told = day1.rows[at + 1].cells[1].paragraphs
    texts = [p.text for p in told]
    assert "Innspill:" not in texts  # the first heading stands instead, as in the seed
    headings = [p.text for p in told if p.runs and p.runs[0].bold and not num(p)]
    assert headings == [
        "Generelle tilbakemeldinger fra medlemmene:",
        "Indikatorene vedr. tjenester på Helsenorge",
        "Indikatorer vedr. digital hjemmeoppfølging i kommuner og spesialist, samt "
        "velferdsteknologi",
        "Indikatorer fra helsepersonell- og innbyggerundersøkelsene",
    ]
    first = texts.index("Generelle tilbakemeldinger fra medlemmene:")
    assert told[first].paragraph_format.keep_with_next
    assert [bool(num(p)) for p in told[first + 1 : first + 8]] == [True] * 6 + [False]

    oversikt = day1.rows[next(i for i, r in enumerate(table) if r[0] == "3/26") + 1].cells[1]
    assert (
        "felles nasjonal oversikt",
        "https://www.helsedirektoratet.no/digitalisering-og-e-helse",
    ) in [link for p in oversikt.paragraphs for link in links(p)]

    table2 = rows(day2)
    at = next(i for i, r in enumerate(table2) if r[0] == "7/26")
    told = day2.rows[at + 1].cells[1].paragraphs
    site = next(p for p in told if "Fagrådet sine sider på" in p.text)
    assert links(site) == [("Helsedirektoratet.no", "https://www.helsedirektoratet.no")]
    topics = next(p for p in told if p.text == "Temaer som ble presentert i møtet:")
    assert topics.runs[0].bold
    items = {p.text[:20]: num(p)[1] for p in told if num(p)}
    assert items["Fastlegen ser behov "] == 0
    assert items["Erfaringer og nærlig"] == 1 and items["Behov vs. eierskap v"] == 1
    assert items["Viktige samhandlings"] == 0


def test_meeting_page_shows_innspill_under_headings(client, session, demo):
    approve_demo_january(session)
    html = client.get(f"/meetings/{meeting_id(session, 'fagradet', '1/26')}").get_data(as_text=True)
    assert "<p><strong>Generelle tilbakemeldinger fra medlemmene:</strong></p><ul>" in html
    assert "<p><strong>Indikatorene vedr. tjenester på Helsenorge</strong></p><ul>" in html
    assert "### " not in text_of(client.get(f"/meetings/{meeting_id(session, 'fagradet', '1/26')}"))


def test_every_document_of_a_meeting_is_norwegian(client, session, demo):
    mid = meeting_id(session, "fagradet", "2/26")
    for url in (
        f"/meetings/{mid}/innkalling.docx",
        f"/treatments/{treatment(session, '10/26').id}/toppnotat.docx",
    ):
        doc = docx_of(client.get(url))
        assert lang(doc) == "nb-NO"
        assert (
            doc.core_properties.author
            == "Nasjonalt fagråd for digitalisering i helse- og omsorgssektoren"
        )


def test_eventuelt_has_no_sakstype_and_the_agenda_header_keeps_with_its_first_row(
    client, session, demo
):
    approve_demo_january(session)
    doc = docx_of(client.get(f"/meetings/{meeting_id(session, 'fagradet', '1/26')}/referat.docx"))
    agenda = doc.tables[1]
    assert rows(agenda)[-1] == ["8/26", "Eventuelt", ""]
    header = agenda.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(p.paragraph_format.keep_with_next for c in header.cells for p in c.paragraphs)
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in agenda.rows)


def test_a_case_without_summary_or_forslag_gets_no_empty_rows(client, session):
    from tests.conftest import add_case, make_body, make_meeting

    meeting = make_meeting(make_body())
    add_case(meeting, "Uten tekst")
    add_case(meeting, "Med tekst", summary="Kort omtale.", proposed_decision="Tas til orientering.")
    session.commit()
    doc = docx_of(client.get(f"/meetings/{meeting.id}/innkalling.docx"))
    day = rows(doc.tables[-1])
    at = next(i for i, r in enumerate(day) if r[1] == "Uten tekst")
    assert day[at + 1][1] == "Med tekst"
    assert day[at + 2][1] == "Kort omtale."
    assert day[at + 3][1] == "Forslag til vedtak: Tas til orientering."
