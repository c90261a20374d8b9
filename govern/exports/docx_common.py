"""What the three Word documents share: the template, header and footer, tables, text blocks.

A `WordDocument` starts from the configured template. python-docx opens each template file
once and prepares a skeleton: the body emptied, the footer's "Side X av Y", markers where the
body and the page header go. A document is then written as WordprocessingML text into that
skeleton (python-docx's object API costs milliseconds per table row, and opening the template
for every document cost more than the whole innkalling now does). Builders combine the
pieces here: `heading`, `paragraph`, `blocks`/`text_blocks` (stored text with paragraphs and
"- " bullets), `labelled_blocks` ("**Vedtak:** …"), `facts` (the header table) and `table`
(a grid whose header row repeats on each page).

`WordDocument.to_bytes` gives the same bytes for the same data: core properties and the zip
entries' timestamps come from the data, never from the clock.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.opc.packuri import PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from govern.exports import docx_template as styles
from govern.exports.zipfiles import Entry, deflated, write_zip
from govern.presentation import paragraphs
from govern.timeutil import local

#: Characters XML 1.0 cannot hold (and Word would refuse); tab and newline are kept.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
#: The earliest time a zip entry can carry.
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
TWIPS_PER_CM = 567
#: A cell's content: plain text (one paragraph) or ready paragraphs/tables (XML fragments).
CellContent = str | list[str]


def clean(text: str | None) -> str:
    """Text as Word can hold it: no control characters, Windows and Mac line ends as '\\n'."""
    if not text:
        return ""
    return _INVALID_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@lru_cache(maxsize=4)
def _template_bytes(path: str, mtime: float) -> bytes:
    return Path(path).read_bytes()


def template_bytes(path: str | Path | None = None) -> bytes:
    """The template's bytes (read once per file version)."""
    target = Path(path) if path else styles.TEMPLATE_PATH
    return _template_bytes(str(target), target.stat().st_mtime)


def safe_filename(name: str, limit: int = 120) -> str:
    """A file name every system accepts, cut with '…' when long: 'Toppnotat 10-26 EHDS ….docx'."""
    name = re.sub(r'[\\/:*?"<>|]+', "-", clean(name).replace("\n", " ").replace("\t", " "))
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > limit:
        name = name[: limit - 1].rstrip() + "…"
    return name or "dokument"


def run(text: str, bold: bool = False) -> str:
    """A run of text; new lines become line breaks and tabs tabs."""
    pieces = []
    for i, line in enumerate(clean(text).split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, part in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if part:
                pieces.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    return f"<w:r>{'<w:rPr><w:b/></w:rPr>' if bold else ''}{''.join(pieces)}</w:r>"


class Table:
    """A table being written: fixed column widths, optional header row repeated per page."""

    def __init__(self, widths: Sequence[float], style_id: str | None, look: str, whole_rows: bool):
        self.widths = [round(w * TWIPS_PER_CM) for w in widths]
        self.style_id = style_id
        self.look = look
        self.whole_rows = whole_rows
        self.rows: list[str] = []

    def row(self, *cells: CellContent, bold: bool = False, header: bool = False) -> None:
        """Add a row; a missing cell is left empty."""
        props = ("<w:cantSplit/>" if self.whole_rows else "") + ("<w:tblHeader/>" if header else "")
        parts = [f"<w:tr>{f'<w:trPr>{props}</w:trPr>' if props else ''}"]
        for i, width in enumerate(self.widths):
            content = cells[i] if i < len(cells) else ""
            if isinstance(content, str):
                inner = f"<w:p>{run(content, bold)}</w:p>" if content else "<w:p/>"
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


@dataclass(frozen=True)
class _Skeleton:
    """The template made ready once: its package with markers where body and header go."""

    #: The template's parts, compressed once.
    entries: list[Entry]
    document: str
    header: str
    core: str
    #: The XML of the parts a document changes (the body's and the page header's).
    raw: dict[str, bytes]
    style_ids: dict[str, str]


_BODY_MARK = "GOVERN-BODY-3c1e"
_HEADER_MARK = "GOVERN-HEADER-3c1e"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@lru_cache(maxsize=4)
def _skeleton_for(path: str, mtime: float) -> _Skeleton:
    doc = Document(BytesIO(_template_bytes(path, mtime)))
    if doc.element.nsmap.get("w") != _W:
        raise ValueError("Word-malen bruker et uvanlig XML-prefiks for WordprocessingML")
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    body.insert(0, parse_xml(f"<w:p {nsdecls('w')}><w:r><w:t>{_BODY_MARK}</w:t></w:r></w:p>"))
    style_ids = _style_ids(doc)
    section = doc.sections[0]
    mark = f"<w:p><w:r><w:t>{_HEADER_MARK}</w:t></w:r></w:p>"
    _replace_empty(section.header._element, [mark])
    _replace_empty(section.footer._element, [_page_numbers(style_ids.get(styles.FOOTER.lower()))])
    try:
        core = doc.part.package._core_properties_part.partname.membername
    except AttributeError:  # pragma: no cover - python-docx internals moved
        core = "docProps/core.xml"
    parts = dict(_unzip(save_package(doc, _ZIP_EPOCH)))
    document = doc.part.partname.membername
    header = section.header.part.partname.membername
    return _Skeleton(
        entries=[deflated(name, blob) for name, blob in parts.items()],
        document=document,
        header=header,
        core=core,
        raw={document: parts[document], header: parts[header]},
        style_ids=style_ids,
    )


def _skeleton(template: str | Path | None) -> _Skeleton:
    target = Path(template) if template else styles.TEMPLATE_PATH
    return _skeleton_for(str(target), target.stat().st_mtime)


class WordDocument:
    """One document being built from the template; see the module docstring."""

    def __init__(self, template: str | Path | None, header: str, draft: bool = False):
        self._skeleton = _skeleton(template)
        self._style_ids = self._skeleton.style_ids
        self._body: list[str] = []
        self._header = [self.para((header, False), style=styles.HEADER)]
        if draft:
            self._header.append(self.para(("UTKAST", True), style=styles.HEADER))

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
        """Stored text as paragraphs and bullet lists."""
        out = []
        for block in paragraphs(clean(text)):
            if block["kind"] == "ul":
                out.extend(self.bullet(item) for item in block["items"])
            else:
                out.append(self.para((block["text"], False)))
        return out

    def labelled_blocks(self, label: str, text: str) -> list[str]:
        """'**Vedtak:** text' in one paragraph, or the label above a longer text."""
        blocks = paragraphs(clean(text))
        if len(blocks) == 1 and blocks[0]["kind"] == "p":
            return [self.para((label, True), (" " + blocks[0]["text"], False))]
        return [self.para((label, True)), *self.text_blocks(text)]

    def table(
        self,
        widths: Sequence[float],
        header: Sequence[str] | None = None,
        whole_rows: bool = False,
    ) -> Table:
        """A grid table (the template's "Govern tabell") with a bold header row."""
        table = Table(widths, self.style_id(styles.TABLE, "Table Grid"), _GRID_LOOK, whole_rows)
        if header is not None:
            table.row(*header, bold=True, header=True)
        return table

    def two_columns(self, names: list[str], width: float) -> list[str]:
        """Names in two borderless columns, filled down the first column first."""
        if len(names) < 2:
            return [self.para((n, False)) for n in names]
        half = (len(names) + 1) // 2
        inner = Table((width / 2 - 0.1, width / 2 - 0.1), None, _PLAIN_LOOK, False)
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
        table = Table(widths, style, _FACTS_LOOK if style else _PLAIN_LOOK, True)
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
        skeleton = self._skeleton
        core = _core_xml(_cut(clean(title), 255), _cut(clean(author), 255), created, modified)
        replaced = {
            skeleton.document: _put(skeleton.raw[skeleton.document], _BODY_MARK, self._body),
            skeleton.header: _put(skeleton.raw[skeleton.header], _HEADER_MARK, self._header),
            skeleton.core: core,
        }
        entries = [
            deflated(e.name, replaced[e.name]) if e.name in replaced else e
            for e in skeleton.entries
        ]
        return write_zip(entries, zip_time(modified))


def zip_time(moment: datetime) -> datetime:
    """The local wall-clock time a zip entry shows for a moment."""
    return local(_utc(moment))


def _put(part: bytes, mark: str, fragments: list[str]) -> bytes:
    """A part's XML with the marker paragraph replaced by the fragments."""
    xml = part.decode("utf-8")
    at = xml.index(mark)
    start = max(xml.rfind("<w:p>", 0, at), xml.rfind("<w:p ", 0, at))
    end = xml.index("</w:p>", at) + len("</w:p>")
    return (xml[:start] + "".join(fragments) + xml[end:]).encode("utf-8")


def _core_xml(title: str, author: str, created: datetime, modified: datetime) -> bytes:
    def stamp(moment: datetime) -> str:
        return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")

    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        "<cp:lastModifiedBy>govern</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp(created)}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp(modified)}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _unzip(data: bytes):
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for info in archive.infolist():
            yield info.filename, archive.read(info)


def _page_numbers(style_id: str | None) -> str:
    """The footer's 'Side X av Y', right-aligned."""
    style = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
    return (
        f'<w:p><w:pPr>{style}<w:jc w:val="right"/></w:pPr>{run("Side ")}{_field("PAGE")}'
        f"{run(' av ')}{_field('NUMPAGES')}</w:p>"
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _style_ids(doc) -> dict[str, str]:
    """Style names (lower case, as stored; Word's built-ins are 'heading 1') to their ids."""
    ids = {}
    for element in doc.styles.element.iterfind(qn("w:style")):
        name = element.find(qn("w:name"))
        if name is not None:
            ids[name.get(qn("w:val"), "").lower()] = element.get(qn("w:styleId"))
    return ids


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(moment.astimezone(UTC), _ZIP_EPOCH).replace(microsecond=0)


def save_package(doc, when: datetime) -> bytes:
    """Write the package as python-docx does, but with every zip entry dated `when`."""
    package = doc.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    out = BytesIO()
    stamp = local(_utc(when)).timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, blob: bytes) -> None:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, blob)

        put("[Content_Types].xml", _ContentTypesItem.from_parts(parts).blob)
        put(PACKAGE_URI.rels_uri.membername, package.rels.xml)
        for part in parts:
            put(part.partname.membername, part.blob)
            if len(part.rels):
                put(part.partname.rels_uri.membername, part.rels.xml)
    return out.getvalue()


def _replace_empty(container, fragments: list[str]) -> None:
    """Put paragraphs into a header or footer, dropping the template's empty paragraphs."""
    for child in list(container):
        if child.tag == qn("w:p") and child.find(".//" + qn("w:r")) is None:
            container.remove(child)
    parsed = parse_xml(f"<w:hdr {nsdecls('w')}>{''.join(fragments)}</w:hdr>")
    for element in list(parsed):
        container.append(element)


def _field(instruction: str) -> str:
    """A Word field (PAGE, NUMPAGES) showing 1 until Word or LibreOffice updates it."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
