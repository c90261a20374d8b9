"""iCalendar components to bytes, folded by UTF-8 octets (RFC 5545 3.1).

icalendar folds character by character, which is most of the time a calendar file takes to
write. Here each content line is encoded once and cut by octets: at most 75 octets on a
physical line (a continuation line's leading space included), never inside a multi-byte
character, and never between an escape character and the character it escapes (some
clients do not join those again), with CRLF after every line.
"""

from __future__ import annotations

import icalendar

#: Octets on one physical line, not counting its CRLF.
LIMIT = 75
_BACKSLASH = 0x5C
_CARET = 0x5E  # RFC 6868 parameter escapes (^n, ^^, ^')


def _cut(data: bytes, start: int, cut: int) -> int:
    """Move a cut back to a character boundary outside an escape sequence."""
    while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: inside a character
        cut -= 1
    mark = data[cut - 1]
    if mark in (_BACKSLASH, _CARET):
        run = 1
        while cut - 1 - run >= start and data[cut - 1 - run] == mark:
            run += 1
        if run % 2:  # an odd run ends with an escape character whose partner follows
            cut -= 1
    return cut


def fold(line: str) -> bytes:
    """One unfolded content line as folded UTF-8 octets, without the final CRLF."""
    if "\r" in line or "\n" in line:
        raise ValueError("a content line cannot hold a line break")
    data = line.encode("utf-8")
    if len(data) <= LIMIT:
        return data
    parts = []
    start, width, end = 0, LIMIT, len(data)
    while end - start > width:
        cut = _cut(data, start, start + width)
        parts.append(data[start:cut])
        start, width = cut, LIMIT - 1  # a continuation line starts with one space
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def component_bytes(component: icalendar.cal.Component) -> bytes:
    """A component (with its subcomponents) as folded content lines, each ending in CRLF."""
    return b"".join(fold(line) + b"\r\n" for line in component.content_lines() if line)
