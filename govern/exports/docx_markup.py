"""Structured text (`govern.markup`) as WordprocessingML with real structure.

Sub-headings are paragraphs in the template's "Heading 3" that keep with the next one; lists
are paragraphs numbered by Word (`w:numPr` on numbering definitions of govern's own, a level
per indentation, each numbered list starting again at its own first number); links are
`w:hyperlink`s with an external relationship; emphasis and strong are run properties. A
paragraph without markup is written exactly as plain text always was.

`Numbering` and `Links` collect, per document, what the package must get besides the body:
numbering instances for numbering.xml and relationships for document.xml.rels.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import quoteattr

from govern.exports import docx_styles as styles
from govern.exports.docx_numbering import INDENT, Numbering
from govern.exports.docx_package import clean, run
from govern.markup import Block, ListBlock, Para, Span, input_groups, parse

_LINK_COLOUR = "0563C1"


class Links:
    """The hyperlinks of a document, as relationships of its main part."""

    def __init__(self) -> None:
        self.targets: list[str] = []

    def add(self, url: str) -> str:
        """The relationship id for the address."""
        if url not in self.targets:
            self.targets.append(url)
        return f"rIdGovernLink{self.targets.index(url) + 1}"

    def relationships(self) -> str:
        kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
        return "".join(
            f'<Relationship Id="rIdGovernLink{i}" Type="{kind}" Target={quoteattr(clean(url))}'
            ' TargetMode="External"/>'
            for i, url in enumerate(self.targets, start=1)
        )


class Writer:
    """Blocks as paragraphs, for one document (its style ids, numbering and links)."""

    def __init__(self, style_id: Callable[[str], str | None], numbering: Numbering, links: Links):
        self.style_id = style_id
        self.numbering = numbering
        self.links = links

    def blocks(self, text: str) -> list[str]:
        """Stored text as paragraphs, sub-headings and lists."""
        out: list[str] = []
        for block in parse(clean(text)):
            self._block(block, 0, out)
        return out

    def labelled(self, label: str, text: str) -> list[str]:
        """'**Vedtak:** text' in one paragraph, or the label above a longer text."""
        blocks = parse(clean(text))
        if len(blocks) == 1 and isinstance(blocks[0], Para) and not blocks[0].heading:
            spans = (Span(" " + blocks[0].spans[0].text, *_format(blocks[0].spans[0])),)
            return [f"<w:p>{run(label, True)}{self.runs(spans + blocks[0].spans[1:])}</w:p>"]
        return [self.label(label), *self.blocks(text)]

    def label(self, text: str) -> str:
        """A bold line that keeps with what follows ("Innspill:")."""
        return f"<w:p><w:pPr><w:keepNext/></w:pPr>{run(text, True)}</w:p>"

    def inputs(self, texts: list[str], label: str) -> list[str]:
        """Innspill as bullets under their headings; `label` first unless a heading is."""
        out: list[str] = []
        for i, (heading, items) in enumerate(input_groups([clean(t) for t in texts])):
            title = heading if heading is not None else (label if i == 0 else None)
            if title:
                out.append(self.label(title))
            for item in items:
                blocks = parse(item)
                spans = (
                    blocks[0].spans
                    if len(blocks) == 1 and isinstance(blocks[0], Para)
                    else (Span(item),)
                )
                out.append(self._item(spans, False, 0))
        return out

    # -- pieces ---------------------------------------------------------------------------------

    def _block(self, block: Block, level: int, out: list[str]) -> None:
        if isinstance(block, Para):
            if block.heading:
                out.append(self._heading(block.spans))
            elif level:
                out.append(self._continued(block.spans, level))
            else:
                out.append(f"<w:p>{self.runs(block.spans)}</w:p>")
            return
        num = self.numbering.ordered(level, block.start) if block.ordered else None
        for item in block.items:
            first = True
            for inner in item:
                if isinstance(inner, ListBlock):
                    self._block(inner, level + 1, out)
                elif first and not inner.heading:
                    out.append(self._item(inner.spans, block.ordered, level, num))
                else:
                    self._block(inner, level + 1, out)
                first = False

    def _heading(self, spans) -> str:
        style = self.style_id(styles.HEADING_3)
        props = f'<w:pStyle w:val="{style}"/>' if style else ""
        if not style:
            spans = tuple(Span(s.text, True, s.italic, s.href) for s in spans)
        return f"<w:p><w:pPr>{props}<w:keepNext/></w:pPr>{self.runs(spans)}</w:p>"

    def _item(self, spans, ordered: bool, level: int, num: int | None = None) -> str:
        name = styles.NUMBERED if ordered else styles.BULLET
        style = self.style_id(name)
        num = num if num is not None else self.numbering.bullet()
        props = (
            (f'<w:pStyle w:val="{style}"/>' if style else "")
            + f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
            + _indent(level)
        )
        return f"<w:p><w:pPr>{props}</w:pPr>{self.runs(spans)}</w:p>"

    def _continued(self, spans, level: int) -> str:
        """A further paragraph of a list item, indented like its text."""
        left = INDENT * level
        return f'<w:p><w:pPr><w:ind w:left="{left}"/></w:pPr>{self.runs(spans)}</w:p>'

    def runs(self, spans) -> str:
        out = []
        for span in spans:
            if span.href:
                rid = self.links.add(span.href)
                out.append(
                    f'<w:hyperlink r:id="{rid}" w:history="1">{self._run(span, link=True)}'
                    "</w:hyperlink>"
                )
            else:
                out.append(self._run(span))
        return "".join(out)

    def _run(self, span: Span, link: bool = False) -> str:
        if not (span.italic or link):
            return run(span.text, span.bold)
        style = self.style_id(styles.HYPERLINK) if link else None
        props = f'<w:rStyle w:val="{style}"/>' if style else ""
        props += ("<w:b/>" if span.bold else "") + ("<w:i/>" if span.italic else "")
        if link and not style:
            props += f'<w:color w:val="{_LINK_COLOUR}"/><w:u w:val="single"/>'
        plain = run(span.text)
        return f"<w:r><w:rPr>{props}</w:rPr>{plain[len('<w:r>') :]}"


def _format(span: Span) -> tuple:
    return (span.bold, span.italic, span.href)


def _indent(level: int) -> str:
    left = INDENT * (level + 1)
    return f'<w:ind w:left="{left}" w:hanging="{INDENT}"/>'
