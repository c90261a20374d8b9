"""Structured text in the Word documents: sub-headings in a heading style that keeps with the
next paragraph, lists with Word numbering (levels, restart per list), links as w:hyperlink
with a relationship, emphasis as run properties; and the packages' language and settings."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn

from govern.exports.docx_common import WordDocument

TEXT = """Innledning med *kursiv*, **fet** og [veilederen](https://www.helsedirektoratet.no/v?a=1&b=2).

### Steg 1 – minimal løsning

1. Første punkt
   - under a
   - under b
2. Andre punkt

Mellom listene, med https://ehelse.no/side.

1. Ny liste
2. Igjen
"""


def build(text: str = TEXT, language: str = "nb-NO") -> Document:
    word = WordDocument(None, "Fagrådet – Toppnotat", language=language)
    word.heading("Tittel")
    word.blocks(text)
    table = word.table((3, 13), ("Sak", "Tekst"))
    table.row("1/26", "Tittel", bold=True, keep=True)
    table.row("", word.inputs(["### Generelle tilbakemeldinger:", "En *viktig* ting", "To"]))
    word.add(table)
    when = datetime(2026, 4, 29, tzinfo=UTC)
    return Document(BytesIO(word.to_bytes("Toppnotat 10/26", "Fagrådet", when, when)))


def num(paragraph) -> tuple[int, int] | None:
    """(numId, ilvl) of a paragraph numbered by Word, else None."""
    pr = paragraph._p.pPr
    if pr is None or pr.numPr is None:
        return None
    return pr.numPr.numId.val, pr.numPr.ilvl.val


def test_headings_lists_links_and_emphasis_have_word_structure():
    doc = build()
    paragraphs = doc.paragraphs
    heading = next(p for p in paragraphs if p.text == "Steg 1 – minimal løsning")
    assert heading.style.name == "Heading 3"
    assert heading.paragraph_format.keep_with_next

    first = paragraphs[1]
    assert [(r.text, bool(r.italic), bool(r.bold)) for r in first.runs[:4]] == [
        ("Innledning med ", False, False),
        ("kursiv", True, False),
        (", ", False, False),
        ("fet", False, True),
    ]
    links = first._p.findall(qn("w:hyperlink"))
    assert len(links) == 1 and "".join(t.text for t in links[0].iter(qn("w:t"))) == "veilederen"
    rel = doc.part.rels[links[0].get(qn("r:id"))]
    assert rel.is_external and rel.target_ref == "https://www.helsedirektoratet.no/v?a=1&b=2"

    items = {p.text: p for p in paragraphs if num(p)}
    assert list(items) == ["Første punkt", "under a", "under b", "Andre punkt", "Ny liste", "Igjen"]
    assert items["Første punkt"].style.name == "List Number"
    assert items["under a"].style.name == "List Bullet"
    first_list, nested = num(items["Første punkt"]), num(items["under a"])
    assert first_list[1] == 0 and nested[1] == 1
    assert num(items["Andre punkt"]) == first_list
    second_list = num(items["Ny liste"])
    assert second_list[0] != first_list[0] and num(items["Igjen"]) == second_list

    # Each numbered list has its own instance, restarting at its first number.
    numbering = doc.part.numbering_part.element
    for num_id in (first_list[0], second_list[0]):
        instance = next(n for n in numbering.findall(qn("w:num")) if n.numId == num_id)
        start = instance.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        assert start is not None and start.get(qn("w:val")) == "1"
        abstract = instance.find(qn("w:abstractNumId")).get(qn("w:val"))
        definition = next(
            a
            for a in numbering.findall(qn("w:abstractNum"))
            if a.get(qn("w:abstractNumId")) == abstract
        )
        level0 = definition.find(qn("w:lvl"))
        assert level0.find(qn("w:numFmt")).get(qn("w:val")) == "decimal"

    bare = next(p for p in paragraphs if p.text.startswith("Mellom listene"))
    link = bare._p.find(qn("w:hyperlink"))
    assert doc.part.rels[link.get(qn("r:id"))].target_ref == "https://ehelse.no/side"


def test_innspill_under_headings_and_case_heading_rows_keep_with_the_next():
    doc = build()
    table = doc.tables[0]
    for row in table.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert all(p.paragraph_format.keep_with_next for p in table.rows[0].cells[1].paragraphs)
    assert all(p.paragraph_format.keep_with_next for p in table.rows[1].cells[1].paragraphs)
    cell = table.rows[2].cells[1].paragraphs
    assert [p.text for p in cell] == ["Generelle tilbakemeldinger:", "En viktig ting", "To"]
    assert cell[0].runs[0].bold and cell[0].paragraph_format.keep_with_next
    assert num(cell[1]) and num(cell[1]) == num(cell[2])
    assert [r.italic for r in cell[1].runs] == [None, True, None]


def lang(doc: Document) -> str:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    return defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val"))


def test_language_settings_and_properties():
    doc = build()
    assert lang(doc) == "nb-NO"
    assert {e.get(qn("w:val")) for e in doc.styles.element.iter(qn("w:lang"))} == {"nb-NO"}
    assert lang(build(language="nn-NO")) == "nn-NO"
    settings = doc.settings.element
    mode = [
        s.get(qn("w:val"))
        for s in settings.iter(qn("w:compatSetting"))
        if s.get(qn("w:name")) == "compatibilityMode"
    ]
    assert mode == ["15"]
    assert settings.find(qn("w:themeFontLang")).get(qn("w:val")) == "nb-NO"
    core = doc.core_properties
    assert (core.title, core.author, core.last_modified_by) == (
        "Toppnotat 10/26",
        "Fagrådet",
        "govern",
    )
    app = doc.part.package.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
    )
    assert b"<Application>govern</Application>" in app.blob
    assert b"Normal.dotm" not in app.blob and b"Microsoft" not in app.blob


def test_plain_text_is_written_exactly_as_before():
    word = WordDocument(None, "x")
    assert word.text_blocks("Et avsnitt\nmed linjeskift.\n\nTo") == [
        '<w:p><w:r><w:t xml:space="preserve">Et avsnitt</w:t><w:br/>'
        '<w:t xml:space="preserve">med linjeskift.</w:t></w:r></w:p>',
        '<w:p><w:r><w:t xml:space="preserve">To</w:t></w:r></w:p>',
    ]
    assert word.labelled_blocks("Vedtak:", "Fagrådet tar saken til orientering.") == [
        '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Vedtak:</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> Fagrådet tar saken til orientering.</w:t></w:r></w:p>'
    ]
