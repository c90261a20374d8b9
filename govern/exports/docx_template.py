"""The Word template the documents start from: A4, margins, fonts and named styles.

`make_template()` builds it from python-docx's default template; the result is kept in the
package as govern-mal.docx (rebuild it with `flask --app govern docx-template --rebuild`).
An installation can restyle a copy in Word and point GOVERN_DOCX_TEMPLATE at it: the
documents use the styles below by name and fall back to plain formatting where a style is
missing.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt, RGBColor

TEMPLATE_PATH = Path(__file__).with_name("govern-mal.docx")

#: Styles the documents use (Word's built-in names, plus two table styles of govern's own).
HEADING_1 = "Heading 1"
HEADING_2 = "Heading 2"
HEADING_3 = "Heading 3"
BULLET = "List Bullet"
TABLE = "Govern tabell"
FACTS_TABLE = "Govern faktatabell"
HEADER = "Header"
FOOTER = "Footer"

ACCENT = RGBColor(0x1F, 0x38, 0x64)
RULE = "8EAADB"
SHADE = "DCE6F2"

_GRID = f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="GovernTabell">
  <w:name w:val="{TABLE}"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr>
  <w:tblPr>
    <w:tblBorders>
      <w:top w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:left w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:bottom w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:right w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:insideV w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="28" w:type="dxa"/>
      <w:left w:w="85" w:type="dxa"/>
      <w:bottom w:w="28" w:type="dxa"/>
      <w:right w:w="85" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{SHADE}"/></w:tcPr>
  </w:tblStylePr>
</w:style>
"""

_FACTS = f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="GovernFaktatabell">
  <w:name w:val="{FACTS_TABLE}"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="20" w:after="20"/></w:pPr>
  <w:tblPr>
    <w:tblBorders>
      <w:bottom w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:left w:w="57" w:type="dxa"/>
      <w:right w:w="57" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstCol">
    <w:rPr><w:b/></w:rPr>
  </w:tblStylePr>
</w:style>
"""


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
    styles.element.append(parse_xml(_GRID))
    styles.element.append(parse_xml(_FACTS))

    core = doc.core_properties
    core.author = core.last_modified_by = "govern"
    core.title = "govern – mal for dokumenter"
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
