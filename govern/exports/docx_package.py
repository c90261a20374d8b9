"""The template side of the Word documents: the package a document is written into.

python-docx opens each template file once and prepares a `Skeleton`: the body emptied, the
footer's "Side X av Y", markers where the body and the page header go, every part compressed
once. `Skeleton.fill` puts a document's WordprocessingML into it and writes the zip, with core
properties and entry dates from the data, so the same data gives the same bytes. `clean` and
`run` are the text primitives both this module and the builders' helpers use.
"""

from __future__ import annotations

import zipfile
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
from lxml import etree

from govern.exports import docx_styles as styles
from govern.exports.docx_numbering import abstract_numbering
from govern.exports.zipfiles import Entry, deflated, write_zip
from govern.i18n import current_language
from govern.i18n import gettext as _
from govern.text_rules import export_text
from govern.timeutil import local

#: The earliest time a zip entry can carry.
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


def clean(text: str | None) -> str:
    """Text as Word can hold it: no control characters, Windows and Mac line ends, vertical
    tabs and form feeds as '\\n'."""
    return export_text(text)


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


@lru_cache(maxsize=4)
def _template_bytes(path: str, mtime: float) -> bytes:
    return Path(path).read_bytes()


def template_bytes(path: str | Path | None = None) -> bytes:
    """The template's bytes (read once per file version)."""
    target = Path(path) if path else styles.TEMPLATE_PATH
    return _template_bytes(str(target), target.stat().st_mtime)


@dataclass(frozen=True)
class Skeleton:
    """The template made ready once: its package with markers where body and header go."""

    #: The template's parts, compressed once.
    entries: list[Entry]
    document: str
    header: str
    core: str
    #: The parts a document's language, lists and links change.
    styles: str
    settings: str
    numbering: str
    rels: str
    #: The XML of the parts a document changes (the body's and the page header's …).
    raw: dict[str, bytes]
    style_ids: dict[str, str]
    #: The first abstractNumId and numId free for govern's lists (docx_markup.Numbering).
    abstract_base: int
    num_base: int

    def fill(
        self,
        body: list[str],
        header: list[str],
        title: str,
        author: str,
        created: datetime,
        modified: datetime,
        language: str = "nb-NO",
        numbering: str = "",
        relationships: str = "",
    ) -> bytes:
        """A .docx of this template with the body and page header given (XML fragments), in
        the language (a tag such as nb-NO, set in the styles), with the w:num elements and
        relationships the body refers to."""
        lang = language.encode()
        replaced = {
            self.document: _put(self.raw[self.document], _BODY_MARK, body),
            self.header: _put(self.raw[self.header], _HEADER_MARK, header),
            self.core: _core_xml(title, author, created, modified),
            self.styles: self.raw[self.styles].replace(_LANG_MARK, lang),
            self.settings: self.raw[self.settings].replace(_LANG_MARK, lang),
            self.numbering: self.raw[self.numbering].replace(_NUMS_MARK, numbering.encode("utf-8")),
            self.rels: self.raw[self.rels].replace(
                b"</Relationships>", relationships.encode("utf-8") + b"</Relationships>"
            ),
        }
        entries = [
            deflated(e.name, replaced[e.name]) if e.name in replaced else e for e in self.entries
        ]
        return write_zip(entries, zip_time(modified))


_BODY_MARK = "GOVERN-BODY-3c1e"
_HEADER_MARK = "GOVERN-HEADER-3c1e"
_LANG_MARK = b"GOVERN-LANG-3c1e"
_NUMS_MARK = b"<!--GOVERN-NUMS-3c1e-->"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: What the documents say made them (docProps/app.xml), instead of the template's values.
_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>govern</Application><DocSecurity>0</DocSecurity>"
    b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    b"</Properties>"
)


@lru_cache(maxsize=8)
def _skeleton_for(path: str, mtime: float, language: str) -> Skeleton:
    """The skeleton of a template for documents in a language (its footer's words)."""
    doc = Document(BytesIO(_template_bytes(path, mtime)))
    if doc.element.nsmap.get("w") != _W:
        raise ValueError(_("Word-malen bruker et uvanlig XML-prefiks for WordprocessingML"))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    body.insert(0, parse_xml(f"<w:p {nsdecls('w')}><w:r><w:t>{_BODY_MARK}</w:t></w:r></w:p>"))
    set_language(doc, _LANG_MARK.decode())
    modern_settings(doc)
    numbering_part = doc.part.numbering_part  # made when the template has none
    abstract_base, num_base = _prepare_numbering(numbering_part.element)
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
    named = {
        "styles": doc.part._styles_part.partname.membername,
        "settings": doc.part._settings_part.partname.membername,
        "numbering": numbering_part.partname.membername,
        "rels": doc.part.partname.rels_uri.membername,
    }
    for name in [n for n in parts if n.endswith("app.xml") and n.startswith("docProps/")]:
        parts[name] = _APP_XML
    return Skeleton(
        entries=[deflated(name, blob) for name, blob in parts.items()],
        document=document,
        header=header,
        core=core,
        raw={n: parts[n] for n in (document, header, *named.values())},
        style_ids=style_ids,
        abstract_base=abstract_base,
        num_base=num_base,
        **named,
    )


def skeleton(template: str | Path | None) -> Skeleton:
    target = Path(template) if template else styles.TEMPLATE_PATH
    return _skeleton_for(str(target), target.stat().st_mtime, current_language())


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
        f"<dc:title>{escape(clean(title))}</dc:title><dc:creator>{escape(clean(author))}</dc:creator>"
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
    """The footer's 'Side X av Y' (in the current language), right-aligned."""
    style = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
    words = _("Side %(page)s av %(pages)s", page="\x01", pages="\x02")
    before, rest = words.split("\x01", 1) if "\x01" in words else (words, "")
    between, after = rest.split("\x02", 1) if "\x02" in rest else (rest, "")
    return (
        f'<w:p><w:pPr>{style}<w:jc w:val="right"/></w:pPr>{run(before)}{_field("PAGE")}'
        f"{run(between)}{_field('NUMPAGES')}{run(after) if after else ''}</w:p>"
    )


def set_language(doc, value: str) -> None:
    """Every language in the styles (and the theme's) becomes `value`; docDefaults gets one
    if the template has none. The skeleton sets the marker `fill` replaces by the document's
    language."""
    styles_element = doc.styles.element
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles_element.insert(0, defaults)
    r_default = defaults.find(qn("w:rPrDefault"))
    if r_default is None:
        r_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}/>")
        defaults.insert(0, r_default)
    r_pr = r_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        r_default.append(r_pr)
    if r_pr.find(qn("w:lang")) is None:
        r_pr.append(parse_xml(f"<w:lang {nsdecls('w')}/>"))
    for lang in styles_element.iter(qn("w:lang")):
        lang.set(qn("w:val"), value)
    settings = doc.settings.element
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), value)


#: Word 2013 and later: a document without this opens in compatibility mode.
_COMPAT_URI = "http://schemas.microsoft.com/office/word"


def modern_settings(doc) -> None:
    """compatibilityMode 15 in the settings' w:compat (added where missing)."""
    settings = doc.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = parse_xml(f"<w:compat {nsdecls('w')}/>")
        # w:compat comes after these in CT_Settings' sequence; put it before the first later one.
        later = [
            qn(f"w:{t}")
            for t in (
                "docVars",
                "rsids",
                "attachedSchema",
                "themeFontLang",
                "clrSchemeMapping",
                "doNotIncludeSubdocsInStats",
                "shapeDefaults",
                "decimalSymbol",
                "listSeparator",
            )
        ]
        following = next((c for c in settings if c.tag in later), None)
        if following is not None:
            following.addprevious(compat)
        else:
            settings.append(compat)
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            compat.remove(setting)
    compat.append(
        parse_xml(
            f'<w:compatSetting {nsdecls("w")} w:name="compatibilityMode" w:uri="{_COMPAT_URI}"'
            ' w:val="15"/>'
        )
    )


def _prepare_numbering(numbering) -> tuple[int, int]:
    """Put govern's list definitions into numbering.xml, and a marker where each document's
    w:num elements go; the first free abstractNumId and numId."""

    def ids(tag: str, attr: str) -> list[int]:
        return [int(e.get(qn(attr))) for e in numbering.findall(qn(tag)) if e.get(qn(attr))]

    abstract_base = max(ids("w:abstractNum", "w:abstractNumId"), default=0) + 1
    num_base = max(ids("w:num", "w:numId"), default=0) + 1
    fragment = parse_xml(
        f"<w:numbering {nsdecls('w')}>{abstract_numbering(abstract_base, abstract_base + 1)}"
        "</w:numbering>"
    )
    # CT_Numbering: numPicBullet*, abstractNum*, num*, numIdMacAtCleanup?
    first_num = numbering.find(qn("w:num"))
    cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
    for element in list(fragment):
        if first_num is not None:
            first_num.addprevious(element)
        elif cleanup is not None:
            cleanup.addprevious(element)
        else:
            numbering.append(element)
    mark = etree.Comment(_NUMS_MARK.decode()[4:-3])
    if cleanup is not None:
        cleanup.addprevious(mark)
    else:
        numbering.append(mark)
    return abstract_base, num_base


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
