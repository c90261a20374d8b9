"""Årshjul as Word: a heading per month and a table Når | Hva | Ansvarlig | Til | Status."""

from __future__ import annotations

from io import BytesIO

import docx

from govern.timeutil import MONTHS
from tests.views.test_cycles_wheel import fagradet  # noqa: F401 (fixture)


def _document(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    return response, docx.Document(BytesIO(response.data))


def test_the_year_as_word_month_by_month(client, fagradet):  # noqa: F811
    response, document = _document(client, "/bodies/fagradet/arshjul.docx?year=2026")
    assert (
        "rshjul%202026%20%E2%80%93%20Fagr%C3%A5det.docx" in response.headers["Content-Disposition"]
    )
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Årshjul 2026 – Fagrådet", *(m.capitalize() for m in MONTHS)]
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    header = ["Når", "Hva", "Ansvarlig", "Til", "Status"]
    assert rows.count(header) == len(document.tables) == 4  # januar, mars, april, juli
    assert ["15. mars 2026", "Leveranseplan", "NHN", "HOD", "Kommende"] in rows
    assert [
        "1. april 2026 (4 uker før møte 2/26)",
        "Innmelding av saker – møte 2/26",
        "Sekretariatet",
        "",
        "Kommende",
    ] in rows
    assert ["29. – 30. april 2026", "Møte 2/26", "", "", "Innkalt"] in rows
    assert ["3. kvartal", "Veikart <behandles>", "", "", "Kommende"] in rows
    # The draft meeting 3/26 and its deadline are not in the public document.
    assert not any("3/26" in cell for row in rows for cell in row)
    # Months in order: the quarter sits under Juli, the meeting under April.
    texts = [p.text for p in document.paragraphs]
    assert texts.index("Februar") + 1 == texts.index("Ingen møter eller frister.")


def test_the_same_data_gives_the_same_bytes(client, fagradet):  # noqa: F811
    first = client.get("/bodies/fagradet/arshjul.docx?year=2026").data
    assert client.get("/bodies/fagradet/arshjul.docx?year=2026").data == first
