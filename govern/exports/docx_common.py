"""What the three Word documents share: a `WordDocument` and the pieces it is built from.

A document is written as WordprocessingML text into the template's skeleton
(`docx_package`): python-docx's object API costs milliseconds per table row. Builders combine
the pieces here: `heading`, `paragraph`, `blocks`/`text_blocks` (stored text with its
structure: paragraphs, sub-headings, lists, links, see `govern.markup` and `docx_markup`),
`labelled_blocks` ("**Vedtak:** …"), `inputs` (innspill under their headings), `facts` (the
header table) and `table` (a grid whose header row repeats on each page and keeps with the
first row; no row splits across pages). `to_bytes` gives the same bytes for the same data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from govern.exports import docx_styles as styles
from govern.exports.docx_markup import Links, Writer
from govern.exports.docx_numbering import Numbering
from govern.exports.docx_package import clean, run, skeleton
from govern.i18n import gettext as _
from govern.models.cases import sakstype_label

TWIPS_PER_CM = 567
#: A cell's content: plain text (one paragraph) or ready paragraphs/tables (XML fragments).
CellContent = str | list[str]


def sakstype_column(sakstype: str | None) -> str:
    """The Sakstype column (in the current language): empty for Eventuelt, as the seed's
    agenda and minutes leave it."""
    return "" if not sakstype or sakstype == "Eventuelt" else sakstype_label(sakstype)


def safe_filename(name: str, limit: int = 120) -> str:
    """A file name every system accepts, cut with '…' when long: 'Toppnotat 10-26 EHDS ….docx'."""
    name = re.sub(r'[\\/:*?"<>|]+', "-", clean(name).replace("\n", " ").replace("\t", " "))
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > limit:
        name = name[: limit - 1].rstrip() + "…"
    return name or "dokument"


class Table:
    """A table being written: fixed column widths, optional header row repeated per page;
    no row splits across pages."""

    def __init__(self, widths: Sequence[float], style_id: str | None, look: str):
        self.widths = [round(w * TWIPS_PER_CM) for w in widths]
        self.style_id = style_id
        self.look = look
        self.rows: list[str] = []

    def row(
        self, *cells: CellContent, bold: bool = False, header: bool = False, keep: bool = False
    ) -> None:
        """Add a row; a missing cell is left empty. A header row, and a row with `keep` (a
        case's heading), stays on the page of the row after it."""
        props = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
        ppr = "<w:pPr><w:keepNext/></w:pPr>" if header or keep else ""
        parts = [f"<w:tr><w:trPr>{props}</w:trPr>"]
        for i, width in enumerate(self.widths):
            content = cells[i] if i < len(cells) else ""
            if isinstance(content, str):
                inner = f"<w:p>{ppr}{run(content, bold)}</w:p>" if content else f"<w:p>{ppr}</w:p>"
                if inner == "<w:p></w:p>":
                    inner = "<w:p/>"
            else:
                inner = "".join(content)
                # Word requires a cell to end with a paragraph (also after a nested table).
                if not inner.endswith(("</w:p>", "<w:p/>")):
                    inner += "<w:p/>"
            parts.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{inner}</w:tc>'
            )
        parts.append("</w:tr>")
        self.rows.append("".join(parts))

    def xml(self) -> str:
        style = f'<w:tblStyle w:val="{self.style_id}"/>' if self.style_id else ""
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in self.widths)
        return (
            f"<w:tbl><w:tblPr>{style}"
            f'<w:tblW w:w="{sum(self.widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            f"{self.look}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(self.rows)}</w:tbl>"
        )


_GRID_LOOK = (
    '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0"'
    ' w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
)
_FACTS_LOOK = (
    '<w:tblLook w:val="0680" w:firstRow="0" w:lastRow="0" w:firstColumn="1"'
    ' w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
)
_PLAIN_LOOK = (
    '<w:tblLook w:val="0600" w:firstRow="0" w:lastRow="0" w:firstColumn="0"'
    ' w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
)


class WordDocument:
    """One document being built from the template; see the module docstring."""

    def __init__(
        self,
        template: str | Path | None,
        header: str,
        draft: bool = False,
        version: str | None = None,
        language: str = "nb-NO",
    ):
        self._skeleton = skeleton(template)
        self._style_ids = self._skeleton.style_ids
        self._language = language
        self._numbering = Numbering(self._skeleton.abstract_base, self._skeleton.num_base)
        self._links = Links()
        self._writer = Writer(self.style_id, self._numbering, self._links)
        self._body: list[str] = []
        self._header = [self.para((header, False), style=styles.HEADER)]
        if draft:
            self._header.append(self.para((_("UTKAST"), True), style=styles.HEADER))
        if version:
            # "Offentlig versjon" / "Intern versjon – unntatt offentlighet" (exports.versions).
            self._header.append(self.para((version, False), style=styles.HEADER))

    def style_id(self, name: str, fallback: str | None = None) -> str | None:
        """The template's id for a style name (its own, or the fallback's), or None."""
        found = self._style_ids.get(name.lower())
        if found is None and fallback:
            found = self._style_ids.get(fallback.lower())
        return found

    # -- pieces (XML fragments) --------------------------------------------------------------

    def para(self, *runs: tuple[str, bool], style: str | None = None) -> str:
        """A paragraph of (text, bold) runs, in a named style if the template has it."""
        style_id = self.style_id(style) if style else None
        props = f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>' if style_id else ""
        return f"<w:p>{props}{''.join(run(text, bold) for text, bold in runs)}</w:p>"

    def bullet(self, text: str) -> str:
        if self.style_id(styles.BULLET):
            return self.para((text, False), style=styles.BULLET)
        return self.para(("• " + text, False))

    def text_blocks(self, text: str) -> list[str]:
        """Stored text with its structure: paragraphs, sub-headings, lists, links."""
        return self._writer.blocks(text)

    def labelled_blocks(self, label: str, text: str) -> list[str]:
        """'**Vedtak:** text' in one paragraph, or the label above a longer text."""
        return self._writer.labelled(label, text)

    def inputs(self, texts: list[str], label: str | None = None) -> list[str]:
        """Innspill as bullets under their headings ("### …" lines), `label` ("Innspill:")
        first unless they start with a heading."""
        return self._writer.inputs(texts, _("Innspill:") if label is None else label)

    def table(
        self,
        widths: Sequence[float],
        header: Sequence[str] | None = None,
    ) -> Table:
        """A grid table (the template's "Govern tabell") with a bold header row."""
        table = Table(widths, self.style_id(styles.TABLE, "Table Grid"), _GRID_LOOK)
        if header is not None:
            table.row(*header, bold=True, header=True)
        return table

    def two_columns(self, names: list[str], width: float) -> list[str]:
        """Names in two borderless columns, filled down the first column first."""
        if len(names) < 2:
            return [self.para((n, False)) for n in names]
        half = (len(names) + 1) // 2
        inner = Table((width / 2 - 0.1, width / 2 - 0.1), None, _PLAIN_LOOK)
        for left, right in zip(names[:half], [*names[half:], ""], strict=False):
            inner.row(left, right)
        return [inner.xml(), "<w:p/>"]

    # -- the body ----------------------------------------------------------------------------

    def add(self, *fragments: str | Table) -> None:
        """Append paragraphs or tables to the body."""
        self._body.extend(f.xml() if isinstance(f, Table) else f for f in fragments)

    def heading(self, text: str, level: int = 1) -> None:
        name = {1: styles.HEADING_1, 2: styles.HEADING_2}.get(level, styles.HEADING_3)
        self.add(self.para((text, not self.style_id(name)), style=name))

    def paragraph(self, text: str = "", bold: bool = False) -> None:
        self.add(self.para((text, bold)) if text else "<w:p/>")

    def blocks(self, text: str) -> None:
        self.add(*self.text_blocks(text))

    def bullets(self, items: Iterable[str]) -> None:
        self.add(*(self.bullet(i) for i in items))

    def facts(self, rows: Sequence[tuple[str, str | Sequence[str]]], widths=(3.8, 12.8)) -> None:
        """The header table (Møte, Dato, Tid …): labels and values; a list of names is laid out
        in two columns."""
        style = self.style_id(styles.FACTS_TABLE)
        table = Table(widths, style, _FACTS_LOOK if style else _PLAIN_LOOK)
        for label, value in rows:
            if isinstance(value, str):
                table.row([self.para((label, True))], value)
            else:
                table.row([self.para((label, True))], self.two_columns(list(value), widths[1]))
        self.add(table)

    def agenda_and_days(self, days: list, overview, per_day) -> None:
        """The agenda overview table, then one table per day, spaced as in the seed."""
        if days:
            self.paragraph()
            overview(self, days)
        for day in days:
            self.paragraph()
            per_day(self, day)

    # -- output ------------------------------------------------------------------------------

    def to_bytes(self, title: str, author: str, created: datetime, modified: datetime) -> bytes:
        """The finished .docx; the same data gives the same bytes."""
        return self._skeleton.fill(
            self._body,
            self._header,
            _cut(clean(title), 255),
            _cut(clean(author), 255),
            created,
            modified,
            language=self._language,
            numbering=self._numbering.nums(),
            relationships=self._links.relationships(),
        )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
