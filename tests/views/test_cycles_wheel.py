"""The årshjul page: the wheel picture, its table, done marks, and what the public may see."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from sqlalchemy import select

from govern.models.cycles import DeadlineMark
from govern.services import cycles
from govern.timeutil import MONTHS
from govern.views import cycles as cycle_views
from tests.conftest import make_body, make_meeting
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 3, 10)


@pytest.fixture
def fagradet(session, monkeypatch):
    """Fagrådet with meetings 1/26 and 2/26, a draft 3/26, and a cycle of three entries."""
    monkeypatch.setattr(cycle_views, "today", lambda: TODAY)
    body = make_body()
    make_meeting(body, date(2026, 1, 21), date(2026, 1, 22))
    make_meeting(body, date(2026, 4, 29), date(2026, 4, 30))
    make_meeting(body, date(2026, 10, 7), status="planlagt")
    cycle = cycles.create_cycle(session, cycles.CycleInput("Fagrådets årshjul"), body=body)
    add = cycles.add_entry
    add(
        session,
        cycle,
        cycles.EntryInput(
            title="Innmelding av saker",
            when_kind="meeting",
            offset_days=-28,
            meeting_anchor="each",
            responsible="Sekretariatet",
        ),
    )
    add(
        session,
        cycle,
        cycles.EntryInput(
            title="Leveranseplan",
            when_kind="date",
            month=3,
            day=15,
            responsible="NHN",
            recipient="HOD",
        ),
    )
    add(
        session,
        cycle,
        cycles.EntryInput(
            title="Veikart <behandles>", when_kind="period", period_unit="quarter", period_start=3
        ),
    )
    session.commit()
    return body


def _svg(response) -> ET.Element:
    html = response.get_data(as_text=True)
    return ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))


def _marks(svg: ET.Element, kind: str) -> list[ET.Element]:
    return [a for a in svg.iter(f"{SVG}a") if kind in a.get("class", "").split()]


def test_the_page_shows_the_year_month_by_month(client, fagradet):
    response = client.get("/bodies/fagradet/arshjul?year=2026")
    assert response.status_code == 200
    page = text_of(response)
    for month in MONTHS:
        assert month in page
    assert "Møte 2/26" in page and "Møte 1/26" in page
    assert "Leveranseplan" in page
    assert "15. mars 2026 (om 5 dager)" in page
    assert "1. april 2026 (om 22 dager)" in page
    assert "4 uker før møte 2/26" in page
    assert "Innmelding av saker – møte 2/26" in page
    assert "3. kvartal" in page
    assert "← 2025" in page and "2027 →" in page
    # The table: a caption, column headers with scope.
    html = response.get_data(as_text=True)
    assert "<caption>Møter og frister i 2026</caption>" in html
    assert '<th scope="col">Ansvarlig</th>' in html
    # User text is escaped in the table and in the picture.
    assert "Veikart <behandles>" not in html
    assert "Veikart &lt;behandles&gt;" in html


def test_the_wheel_is_svg_with_twelve_sectors_a_mark_per_item_and_today(client, fagradet):
    svg = _svg(client.get("/bodies/fagradet/arshjul?year=2026"))
    sectors = [p for p in svg.iter(f"{SVG}path") if "sector" in p.get("class", "").split()]
    assert len(sectors) == 12
    assert [s.get("data-month") for s in sectors] == [str(n) for n in range(1, 13)]
    meetings = _marks(svg, "meeting")
    assert len(meetings) == 2  # the draft 3/26 is not shown to the public
    assert len(_marks(svg, "deadline")) == 2  # Leveranseplan, Innmelding for 2/26
    periods = _marks(svg, "period")
    assert len(periods) == 1
    for mark in meetings + periods:
        assert mark.get("href", "").startswith("#")
        assert mark.find(f"{SVG}title").text == mark.get("aria-label")
    assert "3. kvartal" in periods[0].get("aria-label")
    assert any("Møte 2/26" in m.get("aria-label") for m in meetings)
    today = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "today"]
    assert len(today) == 1
    assert "10. mars 2026" in today[0].get("aria-label")
    # Another year: no today line.
    other = _svg(client.get("/bodies/fagradet/arshjul?year=2027"))
    assert not [g for g in other.iter(f"{SVG}g") if g.get("class") == "today"]


def test_a_draft_meetings_deadlines_are_shown_only_to_the_secretariat(client, session, fagradet):
    page = text_of(client.get("/bodies/fagradet/arshjul?year=2026"))
    assert "Møte 3/26" not in page and "møte 3/26" not in page
    make_user(session, "Siv Sekretær", "siv@example.no", body=fagradet, role="sekretariat")
    login(client, "siv@example.no")
    response = client.get("/bodies/fagradet/arshjul?year=2026")
    page = text_of(response)
    assert "Møte 3/26" in page
    assert "Innmelding av saker – møte 3/26" in page
    assert len(_marks(_svg(response), "meeting")) == 3
    assert len(_marks(_svg(response), "deadline")) == 3


def test_mark_done_and_undo(client, session, fagradet):
    make_user(session, "Siv Sekretær", "siv@example.no", body=fagradet, role="sekretariat")
    entry = session.scalar(
        select(cycles.CycleEntry).where(cycles.CycleEntry.title == "Leveranseplan")
    )
    url = f"/cycle-entries/{entry.id}/done"
    # Not logged in: sent to log in, nothing marked.
    assert client.post(url, data={"key": "y2026", "year": "2026"}).status_code == 302
    assert session.scalar(select(DeadlineMark)) is None
    login(client, "siv@example.no")
    assert "Marker som utført" in text_of(client.get("/bodies/fagradet/arshjul?year=2026"))
    response = client.post(url, data={"key": "y2026", "year": "2026"})
    assert response.status_code == 302
    assert "/bodies/fagradet/arshjul?year=2026" in response.location
    page = text_of(client.get("/bodies/fagradet/arshjul?year=2026"))
    assert re.search(r"Utført \d\d\.\d\d\.\d{4} av Siv Sekretær", page)
    assert "Angre" in page
    response = client.post(
        f"/cycle-entries/{entry.id}/undone", data={"key": "y2026", "year": "2026"}
    )
    assert response.status_code == 302
    page = text_of(client.get("/bodies/fagradet/arshjul?year=2026"))
    assert "Utført" not in page.split("Status", 1)[1].split("Leveranseplan", 1)[1][:40]
    assert "Kommende" in page
    # A key that is not an occurrence's: no change, no error page.
    assert client.post(url, data={"key": "x1"}).status_code == 302


def test_a_member_may_not_mark_done(client, session, fagradet):
    make_user(session, "Jon Medlem", "jon@example.no", body=fagradet, role="medlem")
    login(client, "jon@example.no")
    entry = session.scalar(select(cycles.CycleEntry))
    assert "Marker som utført" not in text_of(client.get("/bodies/fagradet/arshjul?year=2026"))
    response = client.post(f"/cycle-entries/{entry.id}/done", data={"key": "y2026"})
    assert response.status_code == 403
    assert session.scalar(select(DeadlineMark)) is None


@pytest.mark.parametrize("year", ["abc", "99999", "-1", "2026x"])
def test_a_bad_year_is_refused_with_a_message(client, fagradet, year):
    for url in ("/bodies/fagradet/arshjul", "/bodies/fagradet/arshjul.docx"):
        response = client.get(f"{url}?year={year}")
        assert response.status_code == 400
        assert "ikke et gyldig år" in text_of(response)


def test_a_body_without_a_cycle_shows_its_meetings(client, session, monkeypatch):
    monkeypatch.setattr(cycle_views, "today", lambda: TODAY)
    body = make_body("nuit", "NUIT")
    make_meeting(body, date(2026, 5, 6))
    session.commit()
    response = client.get("/bodies/nuit/arshjul")
    page = text_of(response)
    assert "NUIT har ikke noe årshjul ennå" in page
    assert "Møte 1/26" in page
    assert len(_marks(_svg(response), "meeting")) == 1
    assert "/bodies/nuit/arshjul" in client.get("/bodies/nuit").get_data(as_text=True)


def test_shared_cycles_list_and_wheel(client, session, fagradet):
    shared = cycles.create_cycle(session, cycles.CycleInput("Nasjonal planlegging"))
    cycles.add_entry(
        session,
        shared,
        cycles.EntryInput(
            title="Felles plan, første utkast", when_kind="date", month=9, day=15, responsible="RHF"
        ),
    )
    session.commit()
    page = text_of(client.get("/arshjul"))
    assert "Nasjonal planlegging" in page
    assert "Fagrådets årshjul" not in page
    response = client.get(f"/arshjul/{shared.slug}?year=2026")
    page = text_of(response)
    assert "Årshjul 2026 – Nasjonal planlegging" in page
    assert "Felles plan, første utkast" in page and "15. september 2026" in page
    svg = _svg(response)
    assert not _marks(svg, "meeting") and len(_marks(svg, "deadline")) == 1
    response = client.get(f"/arshjul/{shared.slug}.docx?year=2026")
    assert response.status_code == 200 and response.mimetype.endswith("document")
    # A body's cycle is shown on the body's wheel, with the meetings.
    response = client.get("/arshjul/fagradets-arshjul?year=2026")
    assert response.status_code == 302
    assert response.location.endswith("/bodies/fagradet/arshjul?year=2026")
    assert client.get("/arshjul/finnes-ikke").status_code == 404
    assert client.get(f"/arshjul/{shared.slug}?year=abc").status_code == 400
