"""The Word template the documents start from: A4, margins, fonts and named styles.

`make_template()` builds it from python-docx's default template; the result is kept in the
package as govern-mal.docx (rebuild it with `flask --app govern docx-template --rebuild`).
An installation can restyle a copy in Word and point GOVERN_DOCX_TEMPLATE at it: the
documents use the styles below by name and fall back to plain formatting where a style is
missing.
"""

from __future__ import annotations

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt, RGBColor

from govern.exports.docx_package import modern_settings, save_package, set_language
from govern.exports.docx_styles import (
    ACCENT,
    BULLET,
    FACTS_TABLE,
    FOOTER,
    HEADER,
    HEADING_1,
    HEADING_2,
    HEADING_3,
    HYPERLINK,
    RULE,
    SHADE,
    TABLE,
    TEMPLATE_DATE,
    TEMPLATE_PATH,
)

__all__ = ["TEMPLATE_PATH", "make_template"]


def _table_style(
    style_id: str, name: str, space: int, borders: tuple[str, ...], margins: dict, conditional: str
) -> str:
    """A table style: paragraph spacing, single-line borders, cell margins, one conditional
    format (bold header row or label column)."""
    rules = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>' for side in borders
    )
    cells = "".join(f'<w:{side} w:w="{w}" w:type="dxa"/>' for side, w in margins.items())
    return (
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        f'<w:qFormat/><w:pPr><w:spacing w:before="{space}" w:after="{space}"/></w:pPr>'
        f"<w:tblPr><w:tblBorders>{rules}</w:tblBorders><w:tblCellMar>{cells}</w:tblCellMar>"
        f"</w:tblPr>{conditional}</w:style>"
    )


#: Grid tables: thin rules, a bold shaded header row.
_GRID = _table_style(
    "GovernTabell",
    TABLE,
    40,
    ("top", "left", "bottom", "right", "insideH", "insideV"),
    {"top": 28, "left": 85, "bottom": 28, "right": 85},
    '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr>'
    f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{SHADE}"/></w:tcPr></w:tblStylePr>',
)
#: Header tables (Møte, Dato …): rules between rows, bold labels.
_FACTS = _table_style(
    "GovernFaktatabell",
    FACTS_TABLE,
    20,
    ("bottom", "insideH"),
    {"left": 57, "right": 57},
    '<w:tblStylePr w:type="firstCol"><w:rPr><w:b/></w:rPr></w:tblStylePr>',
)


def make_template() -> bytes:
    """Build govern's base template: A4 portrait, 2.5/2.2 cm margins, Calibri 11."""
    doc = Document()
    for paragraph in list(doc.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.25)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, before in ((HEADING_1, 16, 12), (HEADING_2, 13, 10), (HEADING_3, 11.5, 8)):
        style = styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = ACCENT
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    styles[BULLET].paragraph_format.space_after = Pt(2)
    for name in (HEADER, FOOTER):
        style = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.font.size = Pt(9)
        style.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    link = styles.add_style(HYPERLINK, WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True
    link.unhide_when_used = True
    link.priority = 99
    styles.element.append(parse_xml(_GRID))
    styles.element.append(parse_xml(_FACTS))

    # A thumbnail of python-docx's blank page would show as the preview of every document, and
    # Word 2010's stylesWithEffects copy of the styles only doubles the size.
    for rels, unwanted in (
        (doc.part.package.rels, "/thumbnail"),
        (doc.part.rels, "/stylesWithEffects"),
    ):
        for rel_id in [k for k, rel in rels.items() if rel.reltype.endswith(unwanted)]:
            del rels[rel_id]
    set_language(doc, "nb-NO")
    modern_settings(doc)
    core = doc.core_properties
    core.author = core.last_modified_by = "govern"
    core.title = "govern – mal for dokumenter"
    core.created = core.modified = TEMPLATE_DATE
    return save_package(doc, TEMPLATE_DATE)
