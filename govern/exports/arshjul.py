"""Årshjul as a Word document: the year's meetings and deadlines, a table per month.

Title "Årshjul 2026 – Fagrådet", then for each month a heading and a table
Når | Hva | Ansvarlig | Til | Status (or a line saying the month has nothing). The rows are
the same as the wheel page's table (govern.wheel.year_rows); fuzzy periods keep their label.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from govern.exports.docx_common import WordDocument
from govern.i18n import LANGUAGE_TAGS, current_language
from govern.i18n import gettext as _
from govern.wheel import Row, rows_by_month

#: Column widths (cm): Når | Hva | Ansvarlig | Til | Status.
COLUMNS = (3.4, 5.6, 2.8, 2.0, 2.8)


def header() -> tuple[str, ...]:
    return (_("Når"), _("Hva"), _("Ansvarlig"), _("Til"), _("Status"))


def document_title(name: str, year: int) -> str:
    """'Årshjul 2026 – Fagrådet'."""
    return _("Årshjul %(year)s – %(name)s", year=year, name=name)


def build_arshjul(
    name: str, year: int, rows: Sequence[Row], template: str | Path | None = None
) -> bytes:
    """The year's plan (rows from govern.wheel.year_rows) as a .docx, in the current
    language (the reader's: a plan may be shared by several bodies)."""
    title = document_title(name, year)
    word = WordDocument(template, title, language=LANGUAGE_TAGS[current_language()])
    word.heading(title)
    for month, month_rows in rows_by_month(rows, year):
        word.heading(month, 2)
        if not month_rows:
            word.paragraph(_("Ingen møter eller frister."))
            continue
        table = word.table(COLUMNS, header())
        for row in month_rows:
            table.row(*_cells(row), bold=row.kind == "meeting")
        word.add(table)
    moment = datetime(year, 1, 1, tzinfo=UTC)
    return word.to_bytes(title, name, moment, moment)


def _cells(row: Row) -> tuple[str, str, str, str, str]:
    when = f"{row.when} ({row.rule})" if row.rule else row.when
    return (when, row.what, row.responsible, row.recipient, row.status_text)
