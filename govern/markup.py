"""Structured text: the small markup summaries, memos, innspill, vedtak and minutes accept.

A CommonMark subset, parsed with markdown-it-py: `### ` sub-headings, `-` and `1.` lists
(nested by indentation), `*emphasis*`, `**strong**`, links `[tekst](https://…)` and bare
http(s) addresses. Nothing else is markup: other heading levels, `_underscores_`, code, quotes,
rules, tables, HTML and images stay the text they were typed as. Text without markup reads as
it always did: a blank line separates paragraphs, a single line break stays a line break, and
lines starting with "- " or "• " are a bullet list.

`parse` gives blocks (`Para`, `ListBlock`) of `Span`s that the pages (`to_html`, sanitised with
nh3) and the Word documents (`exports.docx_markup`) render.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

#: Link targets kept as links; any other scheme is shown as text.
LINK_SCHEMES = ("http://", "https://", "mailto:")

_MONTHS = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"
#: "1. januar 2026 …" or "29. – 30. april …" at the start of a line is a date, not a list.
_DATE_AT_LINE_START = re.compile(
    rf"^([ \t]{{0,3}})(\d{{1,2}})\.(?=[ \t]+(?:(?:{_MONTHS})\b|[–-][ \t]*\d))",
    re.MULTILINE | re.IGNORECASE,
)
#: "• item" is a bullet, as before markup existed.
_BULLET_DOT = re.compile(r"^([ \t]*)•[ \t]", re.MULTILINE)


@dataclass(frozen=True)
class Span:
    """A piece of text with one formatting; '\\n' is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Para:
    """A paragraph, or a sub-heading (`### `)."""

    spans: tuple[Span, ...]
    heading: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def plain(self) -> bool:
        """No formatting and no links: as text written before markup existed."""
        return not self.heading and all(not (s.bold or s.italic or s.href) for s in self.spans)


@dataclass(frozen=True)
class ListBlock:
    """A bullet or numbered list; each item is a sequence of blocks (nested lists too)."""

    ordered: bool
    start: int
    items: tuple[tuple[Para | ListBlock, ...], ...]


Block = Para | ListBlock


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True, "html": False})
    md.disable(
        [
            "code",
            "fence",
            "blockquote",
            "hr",
            "html_block",
            "lheading",
            "reference",
            "backticks",
            "html_inline",
            "image",
            "autolink",
            "entity",
        ]
    )
    md.enable("linkify")
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})
    return md


#: One parser per thread: linkify-it keeps the state of its last match on the instance.
_local = threading.local()


def _md() -> MarkdownIt:
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _parser()
    return md


def _prepare(text: str) -> str:
    text = _BULLET_DOT.sub(r"\1- ", text)
    return _DATE_AT_LINE_START.sub(r"\1\2\\.", text)


#: A text with none of these has no markup: its paragraphs are read without the parser.
_MARKUP_HINT = re.compile(r"[*\[\]#\\_]|https?:|mailto:|^[ \t]*(?:[-+•]|\d+[.)])", re.M)


#: Texts longer than this are parsed every time rather than kept in the caches.
_CACHED_UP_TO = 20_000


def parse(text: str) -> tuple[Block, ...]:
    """The blocks of a stored text (see the module docstring)."""
    return _parse(text) if len(text or "") > _CACHED_UP_TO else _parse_cached(text)


def _parse(text: str) -> tuple[Block, ...]:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not _MARKUP_HINT.search(text):
        return tuple(_plain_paragraphs(text))
    tokens = _md().parse(_prepare(text))
    blocks, _ = _blocks(tokens, 0, None)
    return tuple(blocks)


_parse_cached = lru_cache(maxsize=4096)(_parse)


def _plain_paragraphs(text: str):
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if lines:
            yield Para((Span("\n".join(lines)),))


def _blocks(tokens, i: int, until: str | None) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        if until and tok.type == until:
            return out, i + 1
        if tok.type in ("paragraph_open", "heading_open"):
            inline = tokens[i + 1]
            heading = tok.type == "heading_open"
            prefix = []
            if heading and tok.tag != "h3":
                # Only ### is a sub-heading; "# text" stays the text typed.
                prefix = [Span(tok.markup + " ")]
                heading = False
            spans = _merge(prefix + _spans(inline.children or []))
            if spans:
                out.append(Para(tuple(spans), heading))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            ordered = tok.type == "ordered_list_open"
            start = int(tok.attrs.get("start", 1)) if ordered else 1
            close = "ordered_list_close" if ordered else "bullet_list_close"
            items: list[tuple[Block, ...]] = []
            numbers: list[str] = []
            loose = False
            i += 1
            while tokens[i].type != close:
                numbers.append(f"{tokens[i].info}{tokens[i].markup}")
                para = tokens[i + 1]
                loose = loose or (para.type == "paragraph_open" and not para.hidden)
                item, i = _blocks(tokens, i + 1, "list_item_close")
                items.append(tuple(item))
            if ordered and loose:
                # Numbered paragraphs apart from each other ("1. …", blank line, "2. …") are
                # kept as typed: text written so before markup existed looks as it did.
                out.extend(_numbered_paragraphs(numbers, items))
            else:
                out.append(ListBlock(ordered, start, tuple(items)))
            i += 1
        else:
            i += 1
    return out, i


def _numbered_paragraphs(numbers: list[str], items: list[tuple[Block, ...]]) -> list[Block]:
    out: list[Block] = []
    for number, item in zip(numbers, items, strict=True):
        first = item[0] if item else None
        if isinstance(first, Para) and not first.heading:
            out.append(Para(tuple(_merge([Span(number + " "), *first.spans])), False))
            out.extend(item[1:])
        else:
            out.append(Para((Span(number),)))
            out.extend(item)
    return out


def _spans(children) -> list[Span]:
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    refused = ""
    for tok in children:
        kind = tok.type
        if kind in ("text", "text_special"):
            spans.append(Span(tok.content, bold > 0, italic > 0, href))
        elif kind in ("softbreak", "hardbreak"):
            spans.append(Span("\n", bold > 0, italic > 0, href))
        elif kind in ("em_open", "em_close", "strong_open", "strong_close"):
            if tok.markup.startswith("_"):
                # Only *asterisks* are emphasis: snake_case and _this_ stay as typed.
                spans.append(Span(tok.markup, bold > 0, italic > 0, href))
                continue
            step = 1 if kind.endswith("open") else -1
            if kind.startswith("em"):
                italic += step
            else:
                bold += step
        elif kind == "link_open":
            target = tok.attrs.get("href", "")
            href = target if str(target).lower().startswith(LINK_SCHEMES) else None
            refused = "" if href else str(target)
            if href is None and tok.markup != "linkify":
                spans.append(Span("[", bold > 0, italic > 0))
        elif kind == "link_close":
            if href is None and tok.markup != "linkify":
                spans.append(Span(f"]({refused})", bold > 0, italic > 0))
            href = None
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    """Neighbouring spans of one formatting as one; leading/trailing line breaks dropped."""
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        last = out[-1] if out else None
        if last and (last.bold, last.italic, last.href) == (span.bold, span.italic, span.href):
            out[-1] = Span(last.text + span.text, span.bold, span.italic, span.href)
        else:
            out.append(span)
    return out


def plain_text(text: str) -> str:
    """The text without its markup (for a cell or a line that cannot hold structure)."""
    return "\n\n".join(_block_text(b) for b in parse(text or ""))


def _block_text(block: Block) -> str:
    if isinstance(block, Para):
        return block.text
    return "\n".join("\n".join(_block_text(b) for b in item) for item in block.items if item)


# -- HTML --------------------------------------------------------------------------------------

_TAGS = {"p", "h3", "ul", "ol", "li", "em", "strong", "a"}
_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}


def to_html(text: str) -> Markup:
    """The text as HTML: <p>, <h3>, <ul>/<ol>, <em>, <strong>, <a>, sanitised with nh3.
    Text without markup gives what the pages always showed: <p>…</p> and <ul><li>…</li></ul>."""
    return _to_html(text) if len(text or "") > _CACHED_UP_TO else _to_html_cached(text)


def _to_html(text: str) -> Markup:
    blocks = parse(text or "")
    html = "".join(_block_html(b) for b in blocks)
    if all(isinstance(b, Para) and b.plain for b in blocks):
        return Markup(html)  # nothing but escaped text in <p>
    return _clean(html)


def _clean(html: str) -> Markup:
    return Markup(
        nh3.clean(
            html,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    )


_to_html_cached = lru_cache(maxsize=4096)(_to_html)


def _block_html(block: Block) -> str:
    if isinstance(block, Para):
        tag = "h3" if block.heading else "p"
        return f"<{tag}>{_inline_html(block.spans)}</{tag}>"
    tag = "ol" if block.ordered else "ul"
    start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
    items = []
    for item in block.items:
        parts = []
        for j, inner in enumerate(item):
            if j == 0 and isinstance(inner, Para) and not inner.heading:
                parts.append(_inline_html(inner.spans))
            else:
                parts.append(_block_html(inner))
        items.append(f"<li>{''.join(parts)}</li>")
    return f"<{tag}{start}>{''.join(items)}</{tag}>"


def _inline_html(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        html = str(escape(span.text))
        if span.italic:
            html = f"<em>{html}</em>"
        if span.bold:
            html = f"<strong>{html}</strong>"
        if span.href:
            html = f'<a href="{escape(span.href)}">{html}</a>'
        out.append(html)
    return "".join(out)


# -- innspill ----------------------------------------------------------------------------------

#: An innspill line starting with this is the heading of the innspill after it.
GROUP_MARK = "### "


def input_groups(texts: list[str]) -> list[tuple[str | None, list[str]]]:
    """Innspill (one text each) grouped under the headings among them: [(heading, items)];
    innspill before the first heading are a group without one."""
    groups: list[tuple[str | None, list[str]]] = []
    for text in texts:
        if text.startswith(GROUP_MARK) and text[len(GROUP_MARK) :].strip():
            groups.append((text[len(GROUP_MARK) :].strip(), []))
        elif groups:
            groups[-1][1].append(text)
        else:
            groups.append((None, [text]))
    return groups


def inline_html(text: str) -> Markup:
    """One line of text (an innspill) as inline HTML, or as blocks if it holds more."""
    blocks = parse(text or "")
    if len(blocks) == 1 and isinstance(blocks[0], Para) and not blocks[0].heading:
        para = blocks[0]
        if para.plain:
            return Markup(escape(para.text))
        return _clean(_inline_html(para.spans))
    return to_html(text)


def inputs_html(texts: list[str], label: str | None = None) -> Markup:
    """The innspill as lists under their headings; `label` ("Innspill:") goes first unless
    the innspill start with a heading of their own."""
    parts = []
    for i, (heading, items) in enumerate(input_groups(texts)):
        title = heading if heading is not None else (label if i == 0 else None)
        if title:
            parts.append(f"<p><strong>{escape(title)}</strong></p>")
        if items:
            parts.append("<ul>" + "".join(f"<li>{inline_html(t)}</li>" for t in items) + "</ul>")
    return Markup("".join(parts))
