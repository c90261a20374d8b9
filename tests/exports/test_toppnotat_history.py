"""The toppnotat's "Vedtak fra tidligere behandlinger i rådsmodellen" is the case page's history
before the treatment: the same rows, never later ones, and never retyped."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document

from govern.exports.toppnotat import NO_HISTORY
from govern.services import agenda
from tests.conftest import make_body, make_meeting
from tests.services.test_case_links import build_history
from tests.views.test_body_admin import login, make_user
from tests.views.test_case_history import history_part
from tests.views.test_pages import text_of


@pytest.fixture
def h(session):
    h = build_history(session)
    make_user(
        session, "Siri Sekretær", "sekretariat@example.no", body=h.fagradet, role="sekretariat"
    )
    return h


def toppnotat(client, treatment_id: int) -> Document:
    response = client.get(f"/treatments/{treatment_id}/toppnotat.docx")
    assert response.status_code == 200
    return Document(BytesIO(response.data))


def history_table(document: Document) -> list[list[str]]:
    """The rows (header left out) of the history table; [] when the toppnotat has none."""
    for table in document.tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if rows and rows[0][0] == "Saksnummer" and rows[0][-1] == "Vedtak":
            return rows[1:]
    return []


def page_numbers_before(client, case_id: int, number: str) -> list[str]:
    """The case numbers the case page lists before `number`, in the page's (date) order."""
    found = re.findall(
        r"Saksnummer (\d+/\d+) ", history_part(text_of(client.get(f"/cases/{case_id}")))
    )
    return found[: found.index(number)]


def test_toppnotat_lists_exactly_the_earlier_treatments_of_the_page(client, h):
    rows = history_table(toppnotat(client, h.newer.id))
    earlier = page_numbers_before(client, h.newer.case_id, "2/26")
    assert earlier == ["14/25", "1/26"]
    assert [r[0] for r in rows] == earlier[::-1]  # newest first in the toppnotat
    assert rows[0][1:] == [
        "Fagrådet 22.01.2026",
        "Felles journalløsning for kommunene",
        "Fagrådet støtter retningen for journalløsningen.",
    ]
    assert rows[1][1] == "Nasjonalt e-helseråd 12.06.2025"
    assert rows[1][3] == "E-helserådet ba om en utredning."


def test_toppnotat_never_lists_later_treatments(client, h):
    login(client, "sekretariat@example.no")  # who sees the draft 3/26 as well
    page = history_part(text_of(client.get(f"/cases/{h.newer.case_id}")))
    assert "3/26 Fagrådet" in page
    assert [r[0] for r in history_table(toppnotat(client, h.newer.id))] == ["1/26", "14/25"]
    assert [r[0] for r in history_table(toppnotat(client, h.later.id))] == ["2/26", "1/26", "14/25"]
    assert [r[0] for r in history_table(toppnotat(client, h.older.id))] == ["14/25"]


def test_linking_and_registering_show_up_without_retyping(client, h):
    login(client, "sekretariat@example.no")
    url = f"/cases/{h.newer.case_id}"
    client.post(f"{url}/kobling/fjern")
    document = toppnotat(client, h.newer.id)
    assert history_table(document) == []
    assert NO_HISTORY in [p.text for p in document.paragraphs]
    client.post(f"{url}/kobling", data={"treatment_id": h.older.id})
    assert [r[0] for r in history_table(toppnotat(client, h.newer.id))] == ["1/26", "14/25"]
    form = {"body": h.nuit.id, "number": "17/25", "decided_on": "2025-05-15"}
    form |= {"sakstype": "Drøfting", "decision": "NUIT drøftet saken og ba om mer."}
    assert client.post(f"{url}/ekstern", data=form).status_code == 302
    rows = history_table(toppnotat(client, h.newer.id))
    assert [r[0] for r in rows] == ["1/26", "14/25", "17/25"]
    assert rows[2][1:] == ["NUIT 15.05.2025", "Ærlig vurdering av journalløsningen",
                           "NUIT drøftet saken og ba om mer."]  # fmt: skip
    assert page_numbers_before(client, h.newer.case_id, "2/26") == ["17/25", "14/25", "1/26"]


def test_toppnotat_leaves_out_earlier_treatments_the_reader_may_not_see(client, session, h):
    """A draft meeting earlier in the year (of another body) is not named in a public toppnotat."""
    produktrad = make_body("produktrad", "Produktrådet")
    draft = make_meeting(produktrad, date(2026, 3, 5), status="planlagt")
    hidden = agenda.add_case_item(
        session, draft, agenda.CaseItemInput(sakstype="Drøfting"), case=h.newer.case
    ).treatment
    hidden.decision = "Hemmelig vedtak i utkastet."
    session.commit()
    rows = history_table(toppnotat(client, h.newer.id))
    assert [r[0] for r in rows] == ["1/26", "14/25"]
    assert "Hemmelig vedtak i utkastet." not in str(rows)
    # The produktråd's secretariat sees its own draft, as on the case page.
    make_user(session, "Per Produkt", "produkt@example.no", body=produktrad, role="sekretariat")
    login(client, "produkt@example.no")
    numbers = [r[0] for r in history_table(toppnotat(client, h.newer.id))]
    assert numbers == [hidden.number, "1/26", "14/25"]
