"""What text govern accepts where: one line or many, and what XML can hold.

Forms, the API, the exchange import, mail and the exports all ask these functions, so a
name that is refused in one place is refused in all, and an export drops exactly the
characters its format cannot hold.
"""

from __future__ import annotations

import re
from typing import Any

#: Line breaks of every kind: CR, LF, vertical tab, form feed, NEL, line/paragraph separator.
LINE_BREAK = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")
#: Characters XML 1.0 cannot hold (and Word and Excel refuse): C0 controls but TAB, LF and CR;
#: DEL and C1 controls (but NEL); lone surrogates; U+FFFE and U+FFFF.
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
#: Not allowed in any text govern stores: C0 controls but TAB, LF and CR (vertical tab and
#: form feed are turned into LF first); DEL; lone surrogates (PostgreSQL and XML refuse them).
FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

#: Not allowed in paths and names (of parameters, fields, files): every C0 control, DEL and
#: lone surrogates.
FORBIDDEN_IN_NAME = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


class ControlCharacter(ValueError):
    """Text holds a control character govern does not accept."""


def soft_breaks(text: str) -> str:
    """What Word's Shift+Enter (vertical tab) and a page break (form feed) mean in running
    text: a line break. (Two replaces, not str.translate, which is slow on long texts.)"""
    return text.replace("\x0b", "\n").replace("\x0c", "\n")


def clean_text(value: str) -> str:
    """Text as govern takes it: vertical tab and form feed as line breaks; raises
    ControlCharacter for any other control character but tab, LF and CR."""
    value = soft_breaks(value)
    if FORBIDDEN_IN_TEXT.search(value):
        raise ControlCharacter(value)
    return value


def has_line_break(value) -> bool:
    """Whether a value is text with a line break in it."""
    return isinstance(value, str) and LINE_BREAK.search(value) is not None


def one_line(text: str | None) -> str:
    """Text on one line: every run of line breaks becomes one space (for mail headers)."""
    if not text:
        return ""
    return re.sub(r"\s*(?:" + LINE_BREAK.pattern + r")+\s*", " ", text).strip()


def export_text(text: str | None) -> str:
    """Text as every export can hold it (XML in .docx and .xlsx, TEXT in iCalendar): vertical
    tab and form feed as line breaks, CRLF and CR as LF, and the characters XML cannot hold
    dropped. Data saved before the input rules may still have them; exports never fail on it."""
    if not text:
        return ""
    text = soft_breaks(text.replace("\r\n", "\n").replace("\r", "\n"))
    return INVALID_XML.sub("", text)


def clean_name(name: str) -> str:
    """A path or the name of a parameter, field or file; raises ControlCharacter for any
    control character."""
    if FORBIDDEN_IN_NAME.search(name):
        raise ControlCharacter(name)
    return name


def clean_json(value: Any) -> Any:
    """A parsed JSON document with every string through `clean_text` (keys: `clean_name`)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    if isinstance(value, dict):
        return {clean_name(key): clean_json(item) for key, item in value.items()}
    return value
