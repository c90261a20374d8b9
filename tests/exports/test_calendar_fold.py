"""Folding content lines by UTF-8 octets: 75 at most, characters and escapes kept whole."""

from __future__ import annotations

import icalendar
import pytest
import vobject

from govern.exports.calendar import calendar_file
from govern.exports.ical_fold import LIMIT, component_bytes, fold


def physical_lines(folded: bytes) -> list[bytes]:
    return folded.split(b"\r\n")


def unfold(folded: bytes) -> str:
    return folded.replace(b"\r\n ", b"").decode("utf-8")


@pytest.mark.parametrize("filler", ["æ", "ø", "å", "😀", "a", "\\n", "æ\\,😀"])
@pytest.mark.parametrize("offset", range(6))
def test_fold_keeps_characters_and_escapes_whole(filler, offset):
    line = "DESCRIPTION:" + "x" * offset + filler * 80
    folded = fold(line)
    lines = physical_lines(folded)
    assert len(lines) > 1
    for n, physical in enumerate(lines):
        assert len(physical) <= LIMIT
        assert n == 0 or physical.startswith(b" ")
        physical.decode("utf-8")  # never a split character
        assert not physical.endswith(b"\\") or physical.endswith(b"\\\\")
    assert unfold(folded) == line


def test_short_line_is_unchanged_and_line_breaks_are_refused():
    assert fold("SUMMARY:" + "æ" * 33) == ("SUMMARY:" + "æ" * 33).encode()
    assert len(fold("X:" + "a" * 73)) == 75
    with pytest.raises(ValueError):
        fold("SUMMARY:a\rb")


def test_events_round_trip_through_icalendar_and_vobject():
    text = "Æ😀ø – «sitat»; C:\\data\\, " * 12 + "\nny linje"
    event = icalendar.Event()
    event.add("uid", "fold@govern")
    event.add("dtstamp", icalendar.vDatetime.from_ical("20260101T000000Z"))
    event.add("summary", text)
    event.add("description", "ÆØÅ" * 80)
    content = calendar_file([component_bytes(event)], name="Møter 😀 " * 10)
    for line in content.split(b"\r\n"):
        assert len(line) <= LIMIT
    parsed = icalendar.Calendar.from_ical(content)
    (back,) = parsed.walk("VEVENT")
    assert str(back["SUMMARY"]) == text
    assert str(back["DESCRIPTION"]) == "ÆØÅ" * 80
    vevent = vobject.readOne(content.decode("utf-8"), validate=True).vevent
    assert vevent.summary.value == text
