"""Rolling a year into the next: meetings proposed on the same weeks, moved off holidays and
summer with a warning, their deadlines shown, and confirmed all or nothing."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from govern.models.meetings import Meeting
from govern.services import cycles, rollover
from govern.services.errors import GovernError
from govern.services.meetings import DayInput
from tests.conftest import make_body, make_meeting


def fagradet_2026(session):
    """Fagrådet with its 2026 meetings and meeting-relative deadlines."""
    body = make_body()
    make_meeting(body, date(2026, 1, 21), date(2026, 1, 22), location="Oslo")
    make_meeting(body, date(2026, 4, 29), date(2026, 4, 30), start=time(9), end=time(15))
    make_meeting(body, date(2026, 5, 14), location="Teams")
    make_meeting(body, date(2026, 7, 9))  # week 28: in next year's summer holiday
    make_meeting(body, date(2026, 10, 7), status="avlyst")
    cycle = cycles.create_cycle(session, cycles.CycleInput("Fagrådets årshjul"), body=body)
    for title, offset in (("Innkalling sendes", -7), ("Referat sendt på høring", 14)):
        cycles.add_entry(
            session,
            cycle,
            cycles.EntryInput(
                title=title, when_kind="meeting", offset_days=offset, meeting_anchor="each"
            ),
        )
    session.flush()
    return body


def rows_of(proposals):
    return [
        rollover.RowInput(tuple(DayInput(d.date, d.start, d.end) for d in p.days), p.location)
        for p in proposals
    ]


def test_meetings_are_proposed_on_the_same_weeks_and_moved_off_holidays(session):
    body = fagradet_2026(session)
    proposals = rollover.propose_year(session, body, 2027)
    assert [p.number for p in proposals] == ["1/27", "2/27", "3/27", "4/27"]
    assert [[d.date for d in p.days] for p in proposals] == [
        [date(2027, 1, 27), date(2027, 1, 28)],
        # 5–6 May 2027: Thursday is Kristi himmelfartsdag, so one week later.
        [date(2027, 5, 12), date(2027, 5, 13)],
        [date(2027, 5, 20)],
        # Week 28 is in the summer holiday; weeks 29, 27 and 30 too, week 26 is clear.
        [date(2027, 7, 1)],
    ]
    assert proposals[0].warnings == []
    assert proposals[1].warnings == [
        "Flyttet fra torsdag 6. mai 2027 (Kristi himmelfartsdag) til torsdag 13. mai 2027."
    ]
    assert proposals[2].warnings == []
    assert proposals[3].warnings == [
        "Flyttet fra torsdag 15. juli 2027 (sommerferien) til torsdag 1. juli 2027."
    ]
    first = proposals[0]
    assert (first.days[0].start, first.days[0].end, first.location) == (time(10), time(16), "Oslo")
    assert (proposals[1].days[1].start, proposals[1].days[1].end) == (time(9), time(15))
    assert all(p.status == "planlagt" for p in proposals)


def test_a_meeting_already_planned_is_not_proposed_again_and_numbers_continue(session):
    body = fagradet_2026(session)
    make_meeting(body, date(2027, 1, 27), status="planlagt")  # 1/27
    make_meeting(body, date(2027, 5, 10), status="planlagt")  # 2/27, Monday of week 19
    proposals = rollover.propose_year(session, body, 2027)
    assert [p.first_date for p in proposals] == [
        date(2027, 5, 12),
        date(2027, 5, 20),
        date(2027, 7, 1),
    ]
    assert [p.number for p in proposals] == ["3/27", "4/27", "5/27"]
    assert "Samme uke som møte 2/27 (10. mai 2027), som allerede er planlagt." in (
        proposals[0].warnings
    )


def test_no_clear_week_keeps_the_date_with_a_warning(session):
    body = make_body()
    make_meeting(body, date(2026, 7, 22))  # week 30
    proposals = rollover.propose_year(session, body, 2027)
    # Week 30 of 2027: weeks 31 and 29 are in the summer holiday too; week 32 is clear.
    assert proposals[0].first_date == date(2027, 8, 11)
    assert proposals[0].warnings == [
        "Flyttet fra onsdag 28. juli 2027 (sommerferien) til onsdag 11. august 2027."
    ]
    # Every weekday moved by whole weeks stays a Saturday: nothing is clear.
    saturday = make_body("lordag", "Lørdagsrådet")
    make_meeting(saturday, date(2026, 3, 14))
    (proposal,) = rollover.propose_year(session, saturday, 2027)
    assert proposal.first_date == date(2027, 3, 20)
    assert proposal.warnings == ["Lørdag 20. mars 2027 faller på lørdag; velg en annen dag."]


def test_edited_proposals_are_checked_again(session):
    body = fagradet_2026(session)
    make_meeting(body, date(2027, 9, 1), status="planlagt")
    proposals = rollover.propose_year(session, body, 2027)
    proposals[0].days[0].date = date(2027, 5, 17)
    proposals[2].days[0].date = date(2027, 9, 1)
    proposals[3].include = False
    rollover.check_proposals(session, body, proposals, 2027)
    assert proposals[0].warnings == [
        "Mandag 17. mai 2027 faller på grunnlovsdagen 17. mai og andre pinsedag; velg en annen dag."
    ]
    assert proposals[1].warnings == []
    assert proposals[2].warnings == ["Fagrådet har allerede møte 1/27 1. september 2027."]
    assert proposals[3].warnings == []


def test_proposed_deadlines_follow_the_proposed_meetings(session):
    body = fagradet_2026(session)
    proposals = rollover.propose_year(session, body, 2027)
    proposals[3].include = False
    found = rollover.proposed_deadlines(session, body, proposals, 2027)
    titles = [(o.title, o.starts_on) for o in found]
    assert ("Innkalling sendes – møte 1/27", date(2027, 1, 20)) in titles
    assert ("Innkalling sendes – møte 2/27", date(2027, 5, 5)) in titles
    assert ("Referat sendt på høring – møte 3/27", date(2027, 6, 3)) in titles
    assert not any("4/27" in title for title, _ in titles)
    # Last year's meetings give no deadlines in the new year unless they run into it.
    assert not any("/26" in title for title, _ in titles)


def test_confirming_plans_the_meetings_and_their_deadlines(session):
    body = fagradet_2026(session)
    proposals = rollover.propose_year(session, body, 2027)
    expected = rollover.proposed_deadlines(session, body, proposals, 2027)
    created = rollover.confirm_year(session, body, rows_of(proposals), None)
    assert [m.number for m in created] == ["1/27", "2/27", "3/27", "4/27"]
    assert {m.status for m in created} == {"planlagt"}
    assert created[0].location == "Oslo"
    assert [d.date for d in created[1].days] == [date(2027, 5, 12), date(2027, 5, 13)]
    plan = cycles.body_year_plan(session, body, 2027, today=date(2026, 12, 1))
    assert [(o.title, o.starts_on) for o in plan] == [(o.title, o.starts_on) for o in expected]
    assert ("Innkalling sendes – møte 1/27", date(2027, 1, 20)) in [
        (o.title, o.starts_on) for o in plan
    ]


def _count_2027(session) -> int:
    return session.scalar(select(func.count(Meeting.id)).where(Meeting.year == 2027))


def test_a_clash_saves_nothing(session):
    body = fagradet_2026(session)
    proposals = rollover.propose_year(session, body, 2027)
    make_meeting(body, date(2027, 5, 20), status="planlagt")  # 1/27, on the third row's day
    with pytest.raises(GovernError) as caught:
        rollover.confirm_year(session, body, rows_of(proposals), None)
    assert caught.value.message == "Møte 3: Fagrådet har allerede et møte 20. mai 2027"
    assert _count_2027(session) == 1
    rows = rows_of(proposals)
    rows[1] = rollover.RowInput((DayInput(date(2027, 5, 12), time(15), time(9)),), "")
    with pytest.raises(GovernError, match="Møte 2: slutt"):
        rollover.confirm_year(session, body, rows[:2], None)
    assert _count_2027(session) == 1
    # The numbers were not used up: the next one is 2/27.
    created = rollover.confirm_year(session, body, rows_of(proposals[:1]), None)
    assert created[0].number == "2/27"


def test_deadlines_of_a_january_meeting_that_fall_in_december_are_shown(session):
    from govern.services import cycles, rollover

    body = make_body()
    make_meeting(body, date(2026, 1, 21), status="innkalt")
    cycle = cycles.create_cycle(session, cycles.CycleInput("Årshjul"), body=body)
    cycles.add_entry(
        session,
        cycle,
        cycles.EntryInput("Innmelding av saker", "meeting", offset_days=-28, meeting_anchor="each"),
    )
    proposals = rollover.propose_year(session, body, 2027)
    found = rollover.proposed_deadlines(session, body, proposals, 2027)
    assert [(o.title, o.starts_on) for o in found] == [
        ("Innmelding av saker – møte 1/27", date(2026, 12, 30))
    ]
