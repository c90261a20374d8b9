"""Annual-cycle deadlines as all-day calendar events, parsed back with icalendar and vobject."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import icalendar
import vobject

from govern.domain.cycle_plan import occurrences
from govern.exports.calendar_deadlines import deadline_chunks, deadline_event


def _entry(id_, title, kind, **kw):
    fields = dict(
        month=None, day=None, end_month=None, end_day=None, period_unit=None,
        period_start=None, period_end=None, offset_days=None, meeting_anchor=None,
        relative_to=None, responsible="", recipient="", description="",
    )  # fmt: skip
    return SimpleNamespace(id=id_, title=title, when_kind=kind, **(fields | kw))


def _plan():
    plan = _entry(1, "Leveranseplan; «NHN», Hdir", "date", month=2, day=1,
                  responsible="Norsk helsenett SF", recipient="HOD",
                  description="Plan for leveranser\nog midler")  # fmt: skip
    roadmap = _entry(2, "Veikart godkjennes", "period", period_unit="quarter", period_start=3)
    report = _entry(3, "Rapport", "entry", relative_to=plan, offset_days=14)
    return occurrences([plan, roadmap, report], [], date(2027, 1, 1), date(2027, 12, 31),
                       today=date(2027, 1, 5))  # fmt: skip


def _calendar(events) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//test//NO")
    cal.add("version", "2.0")
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def test_deadlines_are_all_day_events_and_periods_keep_their_label():
    found = _plan()
    data = _calendar(deadline_event(o, "https://govern.test/arshjul") for o in found)
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    plan = events["frist-1-y2027@govern"]
    assert str(plan["SUMMARY"]) == "Frist: Leveranseplan; «NHN», Hdir"
    assert plan["DTSTART"].dt == date(2027, 2, 1) and plan["DTEND"].dt == date(2027, 2, 2)
    assert b"DTSTART;VALUE=DATE:20270201" in data
    assert str(plan["DESCRIPTION"]) == (
        "Når: 1. februar\nAnsvarlig: Norsk helsenett SF\nTil: HOD\n\nPlan for leveranser\n"
        "og midler\n\nhttps://govern.test/arshjul"
    )
    assert str(plan["TRANSP"]) == "TRANSPARENT"
    roadmap = events["frist-2-y2027@govern"]
    assert str(roadmap["SUMMARY"]) == "Veikart godkjennes (3. kvartal)"
    assert roadmap["DTSTART"].dt == date(2027, 7, 1) and roadmap["DTEND"].dt == date(2027, 10, 1)
    assert events["frist-3-y2027@govern"]["DTSTART"].dt == date(2027, 2, 15)
    parsed = vobject.readOne(data.decode("utf-8"), validate=True)
    assert len(parsed.vevent_list) == 3


def test_done_deadline_says_so_and_chunks_are_folded_lines():
    found = _plan()
    found[0].done_at = datetime(2027, 1, 30, 10, 0, tzinfo=UTC)
    chunk = deadline_chunks(found[:1], lambda o: None)[0]
    assert chunk.startswith(b"BEGIN:VEVENT\r\n") and chunk.endswith(b"END:VEVENT\r\n")
    assert all(len(line) <= 75 for line in chunk.split(b"\r\n"))
    event = icalendar.Event.from_ical(chunk)
    assert str(event["SUMMARY"]).startswith("Utført: Leveranseplan")
    assert event["DTSTAMP"].dt == datetime(2027, 1, 30, 10, 0, tzinfo=UTC)
