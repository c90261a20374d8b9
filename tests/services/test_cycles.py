"""Annual cycles: rules checked on save, deadlines computed right (leap years, year end,
Easter), moved with their meeting, and done stays done."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from govern.domain.cycle_plan import period_dates, weeks_in_year
from govern.holidays import easter_sunday, public_holidays, why_not_meet
from govern.models.cycles import CycleEntry
from govern.services import cycles, meeting_plans
from govern.services.errors import GovernError
from tests.conftest import make_body, make_meeting, make_person


def _cycle(session, body=None):
    return cycles.create_cycle(session, cycles.CycleInput("Fagrådets årshjul"), body=body)


def _entry(session, cycle, title, kind, **kw):
    return cycles.add_entry(session, cycle, cycles.EntryInput(title=title, when_kind=kind, **kw))


def _refused(session, cycle, field, message, **kw):
    before = session.scalar(select(func.count(CycleEntry.id)))
    with pytest.raises(GovernError) as caught:
        _entry(session, cycle, kw.pop("title", "Frist"), kw.pop("kind"), **kw)
    assert caught.value.field == field
    assert message in caught.value.message
    assert session.scalar(select(func.count(CycleEntry.id))) == before


def test_bad_times_are_refused_with_a_message_and_nothing_saved(session):
    cycle = _cycle(session, make_body())
    _refused(session, cycle, "day", "31. februar finnes ikke", kind="date", month=2, day=31)
    _refused(session, cycle, "day", "Måned 13 finnes ikke", kind="date", month=13, day=1)
    _refused(
        session,
        cycle,
        "period_start",
        "Uke 54 finnes ikke",
        kind="period",
        period_unit="week",
        period_start=54,
    )
    _refused(
        session,
        cycle,
        "period_end",
        "slutter før den begynner",
        kind="period",
        period_unit="week",
        period_start=12,
        period_end=10,
    )
    _refused(
        session,
        cycle,
        "end_day",
        "slutter før den begynner",
        kind="span",
        month=4,
        day=15,
        end_month=3,
        end_day=1,
    )
    _refused(session, cycle, "title", "Tittel må fylles ut", title=" ", kind="date", month=1, day=1)
    shared = cycles.create_cycle(session, cycles.CycleInput("Nasjonalt årshjul"))
    _refused(
        session,
        shared,
        "when_kind",
        "ingen møter å regne fra",
        kind="meeting",
        offset_days=-7,
        meeting_anchor="each",
    )
    # 29 February exists (in leap years) and is accepted.
    assert _entry(session, cycle, "Skuddårsfrist", "date", month=2, day=29).day == 29


def test_relative_rules_that_go_round_are_refused(session):
    cycle = _cycle(session, make_body())
    plan = _entry(session, cycle, "Leveranseplan", "date", month=2, day=1)
    report = _entry(session, cycle, "Rapport", "entry", relative_to_id=plan.id, offset_days=14)
    follow = _entry(session, cycle, "Oppfølging", "entry", relative_to_id=report.id, offset_days=7)
    with pytest.raises(GovernError) as caught:
        cycles.update_entry(
            session,
            report,
            cycles.EntryInput("Rapport", "entry", relative_to_id=report.id, offset_days=14),
            report.version,
        )
    assert caught.value.message == "En frist kan ikke regnes fra seg selv"
    with pytest.raises(GovernError) as caught:
        cycles.update_entry(
            session,
            plan,
            cycles.EntryInput("Leveranseplan", "entry", relative_to_id=follow.id, offset_days=-3),
            plan.version,
        )
    assert "i ring: Leveranseplan → Oppfølging → Rapport → Leveranseplan" in caught.value.message
    session.refresh(plan)
    assert plan.when_kind == "date" and plan.relative_to_id is None
    with pytest.raises(GovernError) as caught:
        cycles.delete_entry(session, plan)
    assert "«Rapport» regnes fra denne fristen" in caught.value.message


def test_yearly_dates_periods_and_relative_entries(session):
    cycle = _cycle(session)
    leap = _entry(session, cycle, "Skuddår", "date", month=2, day=29)
    plan = _entry(session, cycle, "Leveranseplan", "date", month=2, day=1)
    _entry(session, cycle, "Rapport", "entry", relative_to_id=plan.id, offset_days=14)
    _entry(session, cycle, "Veikart", "period", period_unit="quarter", period_start=3)
    _entry(session, cycle, "Høstmøter", "period", period_unit="season", period_start=2)
    _entry(session, cycle, "Uke 53", "period", period_unit="week", period_start=53)
    occ = {o.title: o for o in cycles.body_year_plan(session, None, 2027, date(2027, 3, 1))}
    assert occ["Skuddår"].starts_on == date(2027, 2, 28)
    assert occ["Rapport"].starts_on == date(2027, 2, 15)
    assert occ["Rapport"].when == "2 uker etter Leveranseplan"
    assert occ["Leveranseplan"].status == "forfalt" and occ["Rapport"].status == "forfalt"
    veikart = occ["Veikart"]
    assert (veikart.when, veikart.fuzzy) == ("3. kvartal", True)
    assert (veikart.starts_on, veikart.ends_on) == (date(2027, 7, 1), date(2027, 9, 30))
    assert occ["Høstmøter"].when == "høsten"
    # 2027 has 52 ISO weeks: week 53 is the year's last week, and says so.
    assert weeks_in_year(2027) == 52 and weeks_in_year(2026) == 53
    assert (occ["Uke 53"].starts_on, occ["Uke 53"].when) == (date(2027, 12, 27), "uke 52")
    in_2028 = {o.title: o for o in cycles.body_year_plan(session, None, 2028)}
    assert in_2028["Skuddår"].starts_on == date(2028, 2, 29)
    assert leap.day == 29
    assert period_dates("tertial", 2, None, 2026) == (date(2026, 5, 1), date(2026, 8, 31))
    assert period_dates("week", 1, None, 2026) == (date(2025, 12, 29), date(2026, 1, 4))


def test_meeting_deadlines_cross_year_end_move_with_the_meeting_and_stay_done(session):
    body = make_body()
    cycle = _cycle(session, body)
    _entry(session, cycle, "Innmelding av saker", "meeting", offset_days=-28, meeting_anchor="each")
    _entry(session, cycle, "Referat godkjennes", "meeting", offset_days=0, meeting_anchor="next")
    january = make_meeting(body, date(2027, 1, 10), status="planlagt")
    march = make_meeting(body, date(2027, 3, 7), status="planlagt")
    # Four weeks before 10 January 2027 is 13 December 2026: it is in the 2026 plan.
    plan_2026 = cycles.body_year_plan(session, body, 2026, date(2026, 12, 1))
    assert [(o.title, o.starts_on) for o in plan_2026] == [
        ("Innmelding av saker – møte 1/27", date(2026, 12, 13))
    ]
    plan = cycles.body_year_plan(session, body, 2027, date(2027, 1, 1))
    assert [(o.title, o.starts_on, o.when) for o in plan] == [
        ("Innmelding av saker – møte 2/27", date(2027, 2, 7), "4 uker før møte 2/27"),
        ("Referat godkjennes – møte 1/27", date(2027, 3, 7), "i møte 2/27"),
    ]
    # In a leap year, four weeks before 14 March 2028 is 15 February; one week before
    # 7 March 2028 is 29 February.
    leap = make_meeting(body, date(2028, 3, 14), status="planlagt")
    found = {o.title: o.starts_on for o in cycles.body_year_plan(session, body, 2028)}
    assert found[f"Innmelding av saker – møte {leap.number}"] == date(2028, 2, 15)

    entry = cycle.entries[0]
    person = make_person("Siri Sekretær")
    cycles.mark_done(session, entry, f"m{march.id}", person)
    day = march.days[0]
    row = meeting_plans.DayRow(date(2027, 3, 21), day.start_time, day.end_time, day_id=day.id)
    meeting_plans.update_meeting(
        session, march, meeting_plans.MeetingEdit(days=(row,), version=march.version)
    )
    moved = {o.title: o for o in cycles.body_year_plan(session, body, 2027, date(2027, 3, 1))}
    submit = moved["Innmelding av saker – møte 2/27"]
    assert submit.starts_on == date(2027, 2, 21)
    assert submit.status == "utført" and submit.done_by.name == "Siri Sekretær"
    assert moved["Referat godkjennes – møte 1/27"].starts_on == date(2027, 3, 21)
    # A meeting added later brings its own deadlines.
    make_meeting(body, date(2027, 6, 2), status="planlagt")
    titles = [o.title for o in cycles.body_year_plan(session, body, 2027)]
    assert "Innmelding av saker – møte 3/27" in titles
    assert "Referat godkjennes – møte 2/27" in titles
    assert january.number == "1/27"


def test_norwegian_holidays_and_easter():
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    assert easter_sunday(2028) == date(2028, 4, 16)
    days = public_holidays(2027)
    assert days[date(2027, 3, 25)] == "skjærtorsdag"
    assert days[date(2027, 5, 6)] == "Kristi himmelfartsdag"
    assert days[date(2027, 5, 17)] == "grunnlovsdagen 17. mai og andre pinsedag"
    assert len(days) == 11 and len(public_holidays(2026)) == 12
    assert why_not_meet(date(2027, 3, 22)) == "påskeuken"
    assert why_not_meet(date(2027, 7, 14)) == "sommerferien"
    assert why_not_meet(date(2027, 12, 24)) == "julaften"
    assert why_not_meet(date(2027, 4, 14)) is None
