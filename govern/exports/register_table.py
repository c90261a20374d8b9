"""The decision register as a table: CSV for Norwegian Excel, and .xlsx (pure builders)."""

from __future__ import annotations

import io
from datetime import date

from govern.domain.register import RegisterRow
from govern.exports.spreadsheet_cells import build_csv, xlsx_as_text, xlsx_row
from govern.i18n import gettext as _
from govern.models.cases import sakstype_label


def headers() -> tuple[str, ...]:
    """The column headings in the current language (the reader's)."""
    return (
        _("Saksnummer"),
        _("Organ"),
        _("Møte"),
        _("Dato"),
        _("Sakstittel"),
        _("Sakstype"),
        _("Vedtak"),
        _("Oppfølging (status, ansvarlig, frist)"),
    )


#: Column widths in the .xlsx, in characters.
WIDTHS = (12, 24, 24, 12, 50, 14, 80, 50)


def follow_up_text(row: RegisterRow) -> str:
    """Each follow-up as 'status, ansvarlig, frist dd.mm.åååå', one per line."""
    lines = []
    for follow_up in row.follow_ups:
        parts = [follow_up.status, follow_up.responsible_text]
        if follow_up.due_on is not None:
            parts.append(_("frist %(date)s", date=follow_up.due_on.strftime("%d.%m.%Y")))
        lines.append(", ".join(p for p in parts if p))
    return "\n".join(lines)


def _values(row: RegisterRow) -> tuple:
    t = row.treatment
    if t.meeting is not None:
        meeting = _("Møte %(number)s", number=t.meeting.number)
    else:
        meeting = _("Ekstern behandling")
    return (
        t.number,
        t.body.short_name or t.body.name,
        meeting,
        t.date,
        row.title,
        sakstype_label(t.sakstype),
        row.decision,
        follow_up_text(row),
    )


def build_register_csv(rows: list[RegisterRow]) -> bytes:
    """UTF-8 with BOM and semicolons, so Excel with Norwegian settings opens it as columns."""

    def values(row: RegisterRow) -> list:
        cells = list(_values(row))
        cells[3] = f"{cells[3]:%d.%m.%Y}" if isinstance(cells[3], date) else ""
        return cells

    return build_csv(headers(), (values(row) for row in rows))


def build_register_xlsx(rows: list[RegisterRow]) -> bytes:
    """One sheet: bold frozen header row, set widths, dates as real dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Vedtak")
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(xlsx_row(_values(row)))
        cells = sheet[sheet.max_row]
        xlsx_as_text(cells)
        cells[3].number_format = "DD.MM.YYYY"
        for cell in cells:
            cell.alignment = wrap
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
