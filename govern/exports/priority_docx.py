"""The ranked result of a prioritisation round as a Word document (a vedlegg for a toppnotat)."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from govern.models.priorities import CRITERION_LABELS, PrioritisationRound
from govern.services.priority_scoring import CRITERIA, Result, points_text


def build_priority_table(round_: PrioritisationRound, result: Result) -> bytes:
    """Heading, the ranked table (criteria and total), then the measures that failed a gate."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    document.add_heading(f"Prioritering: {round_.title}", level=1)
    document.add_paragraph(
        f"{round_.body.name}, {round_.year}. Poeng 0–10 per spørsmål; kriteriets poeng er "
        "snittet av spørsmålene, totalen summen av de tre kriteriene (0–30), snitt over "
        "deltakerne. Ved likt resultat avgjør nytte for pasienter."
    )
    headers = ["Nr.", "Tiltak", *(CRITERION_LABELS[c] for c in CRITERIA), "Totalt"]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in result.ranked:
        values = [
            str(row.rank),
            f"{row.title} ({row.code})",
            *(points_text(row.criteria[c]) for c in CRITERIA),
            points_text(row.total),
        ]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    if result.excluded:
        document.add_heading("Tilfredsstiller ikke inngangskriteriene", level=2)
        for item in result.excluded:
            document.add_paragraph(
                f"{item.title} ({item.code}): {item.reason}", style="List Bullet"
            )
    if result.unscored:
        document.add_heading("Ikke scoret", level=2)
        for measure in result.unscored:
            document.add_paragraph(f"{measure.title} ({measure.code})", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
