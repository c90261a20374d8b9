"""The prioritisation result as a Word document: table, bar chart, the measures left out."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from docx import Document

from govern.domain.priority_scoring import Excluded, MeasureSpec, Ranked, Result
from govern.exports.priority_docx import CHART_HEADING, bar_steps, build_priority_table
from govern.models import Body, PrioritisationRound

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _round() -> PrioritisationRound:
    body = Body(slug="nuit", name="Nasjonalt utvalg for IT-prioritering", short_name="NUIT")
    return PrioritisationRound(
        body=body,
        title="Felles tiltak 2026",
        year=2026,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


def _ranked(rank: int, code: str, total: float) -> Ranked:
    third = total / 3
    criteria = {"måloppnåelse": third, "kostnader": third, "nytte": third}
    return Ranked(rank, code, f"Tiltak {code}", criteria, total, None, 2)


def _bar(row) -> tuple[str, int, int, str]:
    """A chart row as (code, shaded grid columns, all grid columns, total)."""
    shaded = columns = 0
    for cell in row.findall(f"{W}tc"):
        span = cell.find(f"{W}tcPr/{W}gridSpan")
        width = int(span.get(f"{W}val")) if span is not None else 1
        columns += width
        shaded += width if cell.find(f"{W}tcPr/{W}shd") is not None else 0
    cells = row.findall(f"{W}tc")
    text = ["".join(t.text for t in c.iter(f"{W}t")) for c in (cells[0], cells[-1])]
    return text[0], shaded, columns, text[1]


RESULT = Result(
    ranked=[_ranked(1, "LM", 30.0), _ranked(2, "JD-1", 21.25), _ranked(3, "KI-1", 0.2)],
    excluded=[Excluded("FH", "Felles hjelpenummer", "Passer ikke med målene")],
    unscored=[MeasureSpec(9, "KI-4", "Språkmodeller")],
)


@pytest.mark.parametrize(
    ("total", "steps"),
    [(0.0, 0), (0.2, 0), (0.25, 1), (0.3, 1), (21.25, 43), (30.0, 60), (31.0, 60)],
)
def test_bar_steps_are_half_points(total, steps):
    assert bar_steps(total) == steps


def test_table_chart_and_the_measures_left_out():
    content = build_priority_table(_round(), RESULT, ["Helse Vest RHF", "KS"])
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Prioritering: Felles tiltak 2026"
    assert "Deltakere (2): Helse Vest RHF, KS." in texts
    table, chart = document.tables
    assert [c.text for c in table.rows[2].cells] == [
        *("2", "Tiltak JD-1 (JD-1)", "7,1", "7,1", "7,1", "21,3")
    ]
    assert texts.index(CHART_HEADING) > 0
    rows = [_bar(tr) for tr in chart._tbl.tr_lst]
    # Every row spans the same 62 grid columns: code, 60 half-points, total.
    assert rows == [("LM", 60, 62, "30,0"), ("JD-1", 43, 62, "21,3"), ("KI-1", 0, 62, "0,2")]
    after = texts[texts.index("Tilfredsstiller ikke inngangskriteriene") + 1 :]
    assert after[:3] == [
        "Felles hjelpenummer (FH): Passer ikke med målene",
        "Ikke scoret",
        "Språkmodeller (KI-4)",
    ]
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.core_properties.title == "Prioritering Felles tiltak 2026"


def test_same_data_same_bytes_and_an_empty_round():
    assert build_priority_table(_round(), RESULT) == build_priority_table(_round(), RESULT)
    document = Document(io.BytesIO(build_priority_table(_round(), Result())))
    assert "Ingen tiltak er scoret ennå." in [p.text for p in document.paragraphs]
    assert document.tables == []
