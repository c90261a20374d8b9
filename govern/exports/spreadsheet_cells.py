"""Cells of exported tables that a spreadsheet must read as text, never as a formula.

A CSV or .xlsx cell whose text starts with "=", "+", "-" or "@" is taken as a formula by Excel
and LibreOffice ("formula injection": a decision typed as `=HYPERLINK(...)` would run when a
report is opened). CSV cells get a leading apostrophe, the convention spreadsheets show as a
text marker; .xlsx cells keep the text exactly and are stored with the string type.
"""

from __future__ import annotations

from govern.text_rules import export_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """The value for a CSV cell: control characters dropped (see `export_text`); text that
    would start a formula gets a leading apostrophe."""
    if isinstance(value, str):
        value = export_text(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_cell(v) for v in values]


def xlsx_row(values) -> list:
    """Values for a row of an .xlsx: text without what XML cannot hold (openpyxl refuses it)."""
    return [export_text(v) if isinstance(v, str) else v for v in values]


def xlsx_as_text(cells) -> None:
    """Store openpyxl cells that the library took for formulas as plain strings instead."""
    for cell in cells:
        if cell.data_type == "f" and isinstance(cell.value, str):
            cell.data_type = "s"


def build_csv(header, rows) -> bytes:
    """A CSV for Norwegian Excel: UTF-8 with BOM, semicolons, CRLF; formulas kept as text."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(csv_row(values) for values in rows)
    return out.getvalue().encode("utf-8-sig")
