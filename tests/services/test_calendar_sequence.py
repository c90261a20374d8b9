"""SEQUENCE rises on every change a calendar must learn of, and only then; UIDs stay."""

from __future__ import annotations

from datetime import date, time
from types import SimpleNamespace

import icalendar

from govern.exports.calendar import build_itip
from govern.services import meeting_plans, meeting_status
from govern.services.meeting_plans import DayRow, MeetingEdit, PlanInput
from tests.conftest import make_body


def edit(meeting, rows, **kw) -> MeetingEdit:
    kw.setdefault("location", meeting.location)
    kw.setdefault("agenda_shared", meeting.agenda_shared)
    return MeetingEdit(days=tuple(rows), version=meeting.version, **kw)


def rows_of(meeting) -> list[DayRow]:
    return [DayRow(d.date, d.start_time, d.end_time, d.id) for d in meeting.days]


def sequences(meeting, method="REQUEST") -> list[tuple[str, int]]:
    member = SimpleNamespace(name="Ola Nordmann", email="ola@example.no")
    cal = icalendar.Calendar.from_ical(build_itip(meeting, method, member, "https://x.no"))
    return [(str(e["UID"]), int(e["SEQUENCE"])) for e in cal.walk("VEVENT")]


def test_sequence_rises_for_time_place_days_and_cancellation_only(session):
    body = make_body()
    meeting = meeting_plans.plan_meeting(
        session, body, PlanInput(days=(DayRow(date(2026, 5, 6), time(10), time(16)),))
    )
    session.commit()
    uid = meeting.days[0].uid
    sent = [sequences(meeting)]
    assert meeting.sequence == 0

    # Sharing the agenda changes nothing in a calendar.
    meeting_plans.update_meeting(
        session, meeting, edit(meeting, rows_of(meeting), agenda_shared=True)
    )
    session.commit()
    assert meeting.sequence == 0

    rows = rows_of(meeting)
    rows[0] = DayRow(rows[0].date, time(9), time(16), rows[0].day_id)
    meeting_plans.update_meeting(session, meeting, edit(meeting, rows))
    session.commit()
    sent.append(sequences(meeting))

    meeting_plans.update_meeting(
        session, meeting, edit(meeting, rows_of(meeting), location="Teams")
    )
    session.commit()
    sent.append(sequences(meeting))

    added = [*rows_of(meeting), DayRow(date(2026, 5, 7), time(8), time(12))]
    meeting_plans.update_meeting(session, meeting, edit(meeting, added))
    session.commit()
    second_uid = meeting.days[1].uid
    sent.append(sequences(meeting))
    assert meeting.sequence == 3

    meeting_status.change_status(session, meeting, "innkalt", meeting.version)
    session.commit()
    assert meeting.sequence == 3

    meeting_plans.update_meeting(
        session, meeting, edit(meeting, rows_of(meeting)[:1], move_items_to=date(2026, 5, 6))
    )
    session.commit()
    assert meeting.sequence == 4
    assert [d.uid for d in meeting.days] == [uid]

    meeting_status.change_status(session, meeting, "avlyst", meeting.version)
    session.commit()
    cancel = sequences(meeting, "CANCEL")

    assert sent == [[(uid, 0)], [(uid, 1)], [(uid, 2)], [(uid, 3), (second_uid, 3)]]
    assert cancel == [(uid, 5)]
