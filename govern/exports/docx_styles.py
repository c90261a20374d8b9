"""The names the Word documents and their template share: the template's place and date,
the styles the documents use by name, and govern's colours (docx_template builds the
template with them)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from docx.shared import RGBColor

TEMPLATE_PATH = Path(__file__).with_name("govern-mal.docx")
#: The template's own date (its core properties and zip entries), so rebuilding it is stable.
TEMPLATE_DATE = datetime(2026, 11, 23, tzinfo=UTC)

#: Styles the documents use (Word's built-in names, plus two table styles of govern's own).
HEADING_1 = "Heading 1"
HEADING_2 = "Heading 2"
HEADING_3 = "Heading 3"
BULLET = "List Bullet"
NUMBERED = "List Number"
HYPERLINK = "Hyperlink"
TABLE = "Govern tabell"
FACTS_TABLE = "Govern faktatabell"
HEADER = "Header"
FOOTER = "Footer"

ACCENT = RGBColor(0x1F, 0x38, 0x64)
RULE = "8EAADB"
SHADE = "DCE6F2"
