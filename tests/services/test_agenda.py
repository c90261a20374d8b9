"""Planning a meeting and building its agenda: numbers, order, moves and times."""

from __future__ import annotations

from datetime import date, time
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from govern import presentation
from govern.models import AuditEntry, Body, Meeting, Treatment
from govern.services import agenda, attachment_numbers, meeting_plans, meeting_status
from govern.services.agenda import CaseEdit, CaseItemInput, EntryEdit, EntryInput
from govern.services.audit import StaleEdit
from govern.services.errors import Conflict, InvalidInput
from govern.services.meeting_plans import DayRow, MeetingEdit, PlanInput
from tests.conftest import add_case, make_body, make_meeting
from tests.services.test_exchange import approve_demo_january

APRIL = (
    DayRow(date(2026, 4, 29), time(10), time(16)),
    DayRow(date(2026, 4, 30), time(8), time(14, 30)),
)


def plan(session, body, rows=APRIL, **kw) -> Meeting:
    return meeting_plans.plan_meeting(session, body, PlanInput(days=tuple(rows), **kw))


def agenda_of(meeting) -> list[tuple[int, str, str]]:
    """(day number, case number or kind, title) in agenda order."""
    rows = []
    for day in presentation.agenda_days(meeting):
        for row in day.rows:
            rows.append((day.number, row.number or row.item.kind, row.title))
    return rows


def titles(meeting) -> list[str]:
    return [title for _, _, title in agenda_of(meeting)]


def item_titled(meeting, title: str):
    return next(i for i in meeting.items if i.display_title == title)


@pytest.fixture
def body(session) -> Body:
    return make_body()


@pytest.fixture
def january(session, body) -> Meeting:
    """Meeting 1/26 on 21–22 January with cases 1/26–3/26."""
    meeting = make_meeting(body, date(2026, 1, 21), date(2026, 1, 22))
    for title in ("Første", "Andre", "Tredje"):
        add_case(meeting, title)
    return meeting


@pytest.fixture
def april(session, body, january) -> Meeting:
    return plan(session, body)


# -- planning ------------------------------------------------------------------------------


def test_planned_meeting_opens_with_godkjenning_of_the_previous_minutes_and_ends_with_eventuelt(
    april, january
):
    assert april.number == "2/26" and april.status == "planlagt"
    rows = agenda_of(april)
    assert rows[0] == (
        1,
        "4/26",
        "Godkjenning av innkalling og dagsorden, samt godkjenning av referatet fra Fagrådet "
        "21. – 22. januar 2026",
    )
    assert rows[-1] == (2, "5/26", "Eventuelt")
    opening = april.items[0].treatment
    assert opening.sakstype == "Godkjenning"
    assert opening.proposed_decision == (
        "Fagrådet godkjenner innkalling og dagsorden. "
        "Fagrådet godkjenner referatet fra møtet 21. – 22. januar 2026."
    )
    assert item_titled(april, "Eventuelt").treatment.sakstype == "Eventuelt"


def test_first_meeting_approves_the_minutes_of_the_previous_meeting_in_words(session, body):
    meeting = plan(session, body, rows=APRIL[:1], agenda_shared=True)
    assert meeting.agenda_shared is True
    assert titles(meeting) == [
        "Godkjenning av innkalling og dagsorden, samt godkjenning av referatet fra forrige møte",
        "Eventuelt",
    ]
    assert meeting.items[0].treatment.proposed_decision.endswith(
        "Fagrådet godkjenner referatet fra forrige møte."
    )


def test_a_cancelled_meeting_is_not_the_previous_one(session, body, january):
    cancelled = make_meeting(body, date(2026, 3, 4), status="avlyst")
    assert cancelled.number == "2/26"
    meeting = plan(session, body)
    assert "fra Fagrådet 21. – 22. januar 2026" in titles(meeting)[0]


def test_planning_refuses_bad_days_naming_the_row(session, body, january):
    def refused(*rows) -> tuple[str, str]:
        with pytest.raises((InvalidInput, Conflict)) as error:
            plan(session, body, rows=rows)
        return error.value.field, error.value.message

    assert refused(DayRow(None), DayRow(None)) == ("days[0].date", "Oppgi minst én møtedag")
    assert refused(DayRow(date(2026, 4, 29), time(16), time(10))) == (
        "days[0].end",
        "Slutt (10.00) må være etter start (16.00)",
    )
    assert refused(APRIL[0], DayRow(None), DayRow(date(2026, 4, 29), time(9), time(10))) == (
        "days[2].date",
        "29. april 2026 er oppgitt to ganger",
    )
    assert refused(DayRow(date(2026, 1, 22), time(9), time(10))) == (
        "days[0].date",
        "Fagrådet har allerede et møte 22. januar 2026",
    )
    assert refused(DayRow(date(2026, 5, 1), None, time(10)))[0] == "days[0].start"


def test_planning_is_audited(session, body):
    meeting = plan(session, body)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.plan"))
    assert entry.entity_id == meeting.id and entry.body_id == body.id
    assert entry.summary == "Møte 1/26 i Fagrådet planlagt 29. – 30. april 2026"


# -- adding to the agenda ------------------------------------------------------------------


def test_a_new_case_goes_before_eventuelt_which_keeps_the_last_number(session, april):
    item = agenda.add_case_item(
        session, april, CaseItemInput(sakstype="Drøfting", title="Kjernejournal", day=2)
    )
    assert item.treatment.number == "5/26"
    assert agenda_of(april)[-2:] == [(2, "5/26", "Kjernejournal"), (2, "6/26", "Eventuelt")]
    # Numbers run on across meetings: the next meeting continues after 6/26.
    may = plan(session, april.body, rows=[DayRow(date(2026, 5, 20), time(9), time(12))])
    assert agenda_of(may)[0][1] == "7/26"


def test_once_called_the_numbers_stay_and_the_new_case_gets_the_next(session, april):
    april.status = "innkalt"
    item = agenda.add_case_item(
        session, april, CaseItemInput(sakstype="Orientering", title="Sent innmeldt", day=2)
    )
    assert item.treatment.number == "6/26"
    assert agenda_of(april)[-2:] == [(2, "6/26", "Sent innmeldt"), (2, "5/26", "Eventuelt")]


def test_a_new_case_on_day_one_goes_to_the_end_of_day_one(session, april):
    agenda.add_case_item(session, april, CaseItemInput(sakstype="Drøfting", title="A", day=1))
    agenda.add_case_item(session, april, CaseItemInput(sakstype="Drøfting", title="B", day=1))
    assert [(d, n) for d, n, _ in agenda_of(april)] == [
        (1, "4/26"),
        (1, "5/26"),
        (1, "6/26"),
        (2, "7/26"),
    ]
    assert titles(april)[1:3] == ["A", "B"]


def test_an_existing_case_gets_its_own_number_and_title_in_this_body(session, body, january):
    other = make_body("nuit", "NUIT")
    earlier = add_case(make_meeting(other, date(2026, 2, 3)), "Strategisk retning kjernejournal")
    april = plan(session, body)
    item = agenda.add_case_item(
        session,
        april,
        CaseItemInput(sakstype="Anbefaling", title="Kjernejournal – retning", day=1),
        case=earlier.treatment.case,
    )
    assert item.treatment.number == "5/26"
    assert item.treatment.case is earlier.treatment.case
    assert item.display_title == "Kjernejournal – retning"
    assert earlier.treatment.case.title == "Strategisk retning kjernejournal"


def test_breaks_headings_and_sub_points(session, april):
    case = agenda.add_case_item(
        session, april, CaseItemInput(sakstype="Drøfting", title="Temadag", day=2)
    )
    agenda.add_entry(session, april, EntryInput("point", "Innledning"), parent=case)
    agenda.add_entry(session, april, EntryInput("break", "Lunsj", day=2, duration_minutes=45))
    agenda.add_entry(session, april, EntryInput("point", "Gruppearbeid"), parent=case)
    agenda.add_entry(session, april, EntryInput("heading", "Temadag", day=1))
    assert [(d, k, t) for d, k, t in agenda_of(april)] == [
        (1, "4/26", titles(april)[0]),
        (1, "heading", "Temadag"),
        (2, "5/26", "Temadag"),
        (2, "point", "Innledning"),
        (2, "point", "Gruppearbeid"),
        (2, "break", "Lunsj"),
        (2, "6/26", "Eventuelt"),
    ]
    points = [i for i in april.items if i.kind == "point"]
    assert {p.parent_id for p in points} == {case.id}


def test_entries_are_refused_with_norwegian_messages(session, april):
    def refused(data, parent=None):
        with pytest.raises(InvalidInput) as error:
            agenda.add_entry(session, april, data, parent=parent)
        return error.value.field, error.value.message

    assert refused(EntryInput("point", "Uten sak")) == (
        "parent_id",
        "Velg saken underpunktet hører til",
    )
    assert refused(EntryInput("break", "x" * 501)) == ("title", "Teksten kan ha høyst 500 tegn")
    assert refused(EntryInput("break", "  ")) == ("title", "Teksten må fylles ut")
    assert refused(EntryInput("break", "Pause", day=3))[0] == "day"
    heading = agenda.add_entry(session, april, EntryInput("heading", "Overskrift"))
    assert refused(EntryInput("point", "Under overskrift"), parent=heading)[0] == "parent_id"
    with pytest.raises(InvalidInput, match="Tittelen kan ha høyst 500 tegn"):
        agenda.add_case_item(session, april, CaseItemInput(sakstype="Drøfting", title="x" * 501))


# -- moving --------------------------------------------------------------------------------


@pytest.fixture
def built(session, april) -> Meeting:
    """Day 1: Godkjenning, A, Pause, B (with sub-points b1, b2); day 2: C, Eventuelt."""
    add = agenda.add_case_item
    add(session, april, CaseItemInput(sakstype="Drøfting", title="A", day=1))
    agenda.add_entry(session, april, EntryInput("break", "Pause", day=1, duration_minutes=15))
    b = add(session, april, CaseItemInput(sakstype="Drøfting", title="B", day=1))
    agenda.add_entry(session, april, EntryInput("point", "b1"), parent=b)
    agenda.add_entry(session, april, EntryInput("point", "b2"), parent=b)
    add(session, april, CaseItemInput(sakstype="Orientering", title="C", day=2))
    return april


def layout(meeting) -> list[tuple[int, str]]:
    return [(d, t) for d, _, t in agenda_of(meeting)][1:]


def test_moving_a_case_up_and_down_takes_its_sub_points_along(session, built):
    assert layout(built) == [
        (1, "A"),
        (1, "Pause"),
        (1, "B"),
        (1, "b1"),
        (1, "b2"),
        (2, "C"),
        (2, "Eventuelt"),
    ]
    agenda.move_item(session, item_titled(built, "B"), "up")
    assert layout(built)[:5] == [(1, "A"), (1, "B"), (1, "b1"), (1, "b2"), (1, "Pause")]
    agenda.move_item(session, item_titled(built, "A"), "down")
    assert layout(built)[:5] == [(1, "B"), (1, "b1"), (1, "b2"), (1, "A"), (1, "Pause")]
    positions = [i.position for i in sorted(built.items, key=lambda i: i.position)]
    assert positions == list(range(1, len(built.items) + 1))


def test_moving_a_case_to_day_two_takes_its_sub_points_along(session, built):
    agenda.move_item(session, item_titled(built, "B"), to_day=2)
    assert layout(built) == [
        (1, "A"),
        (1, "Pause"),
        (2, "C"),
        (2, "B"),
        (2, "b1"),
        (2, "b2"),
        (2, "Eventuelt"),
    ]
    # Down over the end of day 1 goes to the top of day 2, and back up again.
    agenda.move_item(session, item_titled(built, "Pause"), "down")
    assert layout(built)[:3] == [(1, "A"), (2, "Pause"), (2, "C")]
    agenda.move_item(session, item_titled(built, "Pause"), "up")
    assert layout(built)[:3] == [(1, "A"), (1, "Pause"), (2, "C")]


def test_sub_points_move_under_their_case_only(session, built):
    agenda.move_item(session, item_titled(built, "b2"), "up")
    assert layout(built)[2:5] == [(1, "B"), (1, "b2"), (1, "b1")]
    with pytest.raises(Conflict, match="står allerede øverst under saken sin"):
        agenda.move_item(session, item_titled(built, "b2"), "up")
    with pytest.raises(Conflict, match="står allerede nederst under saken sin"):
        agenda.move_item(session, item_titled(built, "b1"), "down")
    with pytest.raises(InvalidInput, match="følger saken sin"):
        agenda.move_item(session, item_titled(built, "b1"), to_day=2)


def test_nothing_moves_above_godkjenning_or_below_eventuelt(session, built):
    with pytest.raises(Conflict, match="Godkjenning av innkalling og dagsorden skal stå først"):
        agenda.move_item(session, item_titled(built, "A"), "up")
    with pytest.raises(Conflict, match="skal stå først"):
        agenda.move_item(session, built.items[0], "down")
    with pytest.raises(Conflict, match="Eventuelt skal være siste sak"):
        agenda.move_item(session, item_titled(built, "C"), "down")
    with pytest.raises(Conflict, match="Eventuelt skal være siste sak"):
        agenda.move_item(session, item_titled(built, "Eventuelt"), "up")
    with pytest.raises(Conflict, match="Eventuelt skal være siste sak"):
        agenda.move_item(session, item_titled(built, "Eventuelt"), to_day=1)


def test_a_break_may_follow_eventuelt(session, built):
    agenda.add_entry(session, built, EntryInput("break", "Slutt dag 2", day=2))
    assert layout(built)[-2:] == [(2, "Slutt dag 2"), (2, "Eventuelt")]
    agenda.move_item(session, item_titled(built, "Slutt dag 2"), "down")
    assert layout(built)[-2:] == [(2, "Eventuelt"), (2, "Slutt dag 2")]
    with pytest.raises(Conflict, match="står allerede nederst"):
        agenda.move_item(session, item_titled(built, "Slutt dag 2"), "down")


def test_moves_are_audited(session, built):
    agenda.move_item(session, item_titled(built, "B"), to_day=2)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "agenda.move"))
    assert entry.summary == "Sak 6/26 flyttet til dag 2 på dagsordenen for møte 2/26"


# -- editing and removing ------------------------------------------------------------------


def test_editing_a_case_item_and_refusing_a_stale_save(session, built):
    item = item_titled(built, "A")
    t = item.treatment
    versions = (item.version, t.version)
    edit = CaseEdit(
        title="A – ny tittel",
        sakstype="Orientering",
        item_version=versions[0],
        treatment_version=versions[1],
        summary="Kort om saken.",
        proposed_decision="Fagrådet tar saken til orientering.",
        presenter="Kari Nordmann, Helsedirektoratet",
        duration_minutes=30,
        start_time=time(10, 30),
    )
    changes = agenda.update_case_item(session, item, edit)
    assert changes["case.title"] == ["A", "A – ny tittel"]
    assert t.case.title == "A – ny tittel" and t.title is None
    assert (t.sakstype, item.duration_minutes, item.start_time) == ("Orientering", 30, time(10, 30))
    with pytest.raises(StaleEdit, match="endret av noen andre"):
        agenda.update_case_item(session, item, edit)


def test_editing_entries(session, built):
    pause = item_titled(built, "Pause")
    agenda.update_entry(session, pause, EntryEdit("Lunsj", pause.version, duration_minutes=45))
    assert (pause.title, pause.duration_minutes) == ("Lunsj", 45)
    with pytest.raises(StaleEdit):
        agenda.update_entry(session, pause, EntryEdit("Pause", pause.version - 1))


def test_removing_a_case_once_called_deletes_its_treatment_and_never_reuses_its_number(
    session, built
):
    built.status = "innkalt"
    b = item_titled(built, "B")
    treatment_id = b.treatment.id
    memo = attachment_numbers.add_attachment_reference(
        session, built, b.treatment, "3", "Toppnotat B"
    )
    assert agenda.remove_item(session, b) == "Sak 6/26"
    assert session.get(Treatment, treatment_id) is None
    assert memo.treatment_id is None  # the Vedlegg stays with the meeting
    assert layout(built) == [(1, "A"), (1, "Pause"), (2, "C"), (2, "Eventuelt")]
    item = agenda.add_case_item(session, built, CaseItemInput(sakstype="Drøfting", title="D"))
    numbers = sorted(i.treatment.seq for i in built.items if i.treatment)
    assert 6 not in numbers and item.treatment.number == "9/26"


def test_removing_a_case_before_the_innkalling_closes_up_the_numbers(session, built):
    b = item_titled(built, "B")
    treatment_id = b.treatment.id
    assert agenda.remove_item(session, b) == "Sak 6/26"
    assert session.get(Treatment, treatment_id) is None
    # No gap in the meeting: C and Eventuelt move up one number each; the highest number
    # (8/26) was the last one handed out, so it goes back and the next case gets it.
    assert [(n, t) for _, n, t in agenda_of(built) if "/" in n][1:] == [
        ("5/26", "A"),
        ("6/26", "C"),
        ("7/26", "Eventuelt"),
    ]
    item = agenda.add_case_item(
        session, built, CaseItemInput(sakstype="Drøfting", title="D", day=2)
    )
    assert item.treatment.number == "7/26"
    assert [n for _, n, _ in agenda_of(built) if "/" in n] == [
        "4/26",
        "5/26",
        "6/26",
        "7/26",
        "8/26",
    ]


def test_before_the_innkalling_the_numbers_follow_every_move(session, built):
    # Godkjenning 4, A 5, Pause, B 6 (b1, b2), C 7 on day 2, Eventuelt 8.
    agenda.move_item(session, item_titled(built, "B"), "up")  # above the Pause
    agenda.move_item(session, item_titled(built, "B"), "up")  # above A
    assert [(n, t) for _, n, t in agenda_of(built) if "/" in n][1:] == [
        ("5/26", "B"),
        ("6/26", "A"),
        ("7/26", "C"),
        ("8/26", "Eventuelt"),
    ]
    agenda.move_item(session, item_titled(built, "B"), to_day=2)
    assert [t for _, n, t in agenda_of(built) if "/" in n][1:] == ["A", "C", "B", "Eventuelt"]
    assert [n for _, n, _ in agenda_of(built) if "/" in n] == [
        "4/26",
        "5/26",
        "6/26",
        "7/26",
        "8/26",
    ]
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "agenda.move").order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.changes == {
        "Sak 5/26": ["5/26", "7/26"],
        "Sak 6/26": ["6/26", "5/26"],
        "Sak 7/26": ["7/26", "6/26"],
    }
    # Once the innkalling is sent the numbers stay where they are.
    built.status = "innkalt"
    agenda.move_item(session, item_titled(built, "B"), "up")
    assert [(n, t) for _, n, t in agenda_of(built) if "/" in n][1:] == [
        ("5/26", "A"),
        ("7/26", "B"),
        ("6/26", "C"),
        ("8/26", "Eventuelt"),
    ]


def test_approved_minutes_lock_the_agenda(session, built):
    built.status, built.minutes_status = "referat godkjent", "godkjent"
    with pytest.raises(Conflict, match="Referatet fra møte 2/26 er godkjent"):
        agenda.add_entry(session, built, EntryInput("break", "Pause"))
    with pytest.raises(Conflict, match="dagsordenen kan ikke lenger endres"):
        agenda.move_item(session, item_titled(built, "A"), "down")


# -- times ---------------------------------------------------------------------------------


def entry(start=None, minutes=None, kind="case"):
    return SimpleNamespace(start_time=start, duration_minutes=minutes, kind=kind)


def test_sub_points_are_scheduled_inside_their_case_and_what_follows_starts_after_it():
    theme = SimpleNamespace(id=1, start_time=None, duration_minutes=90, kind="case")
    items = [
        entry(minutes=10),
        theme,
        SimpleNamespace(id=2, parent_id=1, start_time=None, duration_minutes=30, kind="point"),
        SimpleNamespace(id=3, parent_id=1, start_time=None, duration_minutes=45, kind="point"),
        entry(minutes=20),
    ]
    times = presentation.day_times(time(10), time(16), items)
    assert [(s.start, s.end) for s in times.slots] == [
        (time(10), time(10, 10)),
        (time(10, 10), time(11, 40)),  # the case: 90 minutes
        (time(10, 10), time(10, 40)),  # its sub-points within them
        (time(10, 40), time(11, 25)),
        (time(11, 40), time(12)),  # the next case when the theme case ends
    ]
    # Sub-points that run longer than their case push what follows.
    items[3].duration_minutes = 80
    times = presentation.day_times(time(10), time(16), items)
    assert times.slots[-1].start == time(12) and times.runs_until == time(12, 20)


def test_times_follow_durations_and_hand_set_times_anchor_what_follows():
    items = [
        entry(minutes=10),
        entry(minutes=40),
        entry(time(11, 30), 60, "break"),
        entry(minutes=40),
        entry(kind="heading"),
        entry(minutes=20),
    ]
    times = presentation.day_times(time(10), time(16), items)
    assert [s.start for s in times.slots] == [
        time(10),
        time(10, 10),
        time(11, 30),
        time(12, 30),
        time(13, 10),
        time(13, 10),
    ]
    assert [s.by_hand for s in times.slots] == [False, False, True, False, False, False]
    assert times.runs_until == time(13, 30) and not times.overrun


def test_a_missing_duration_leaves_the_next_time_open_and_markers_do_not_count():
    items = [
        entry(minutes=30),
        entry(),
        entry(),
        entry(time(16), kind="break"),
        entry(time(19), kind="break"),
    ]
    times = presentation.day_times(time(10), time(16), items)
    assert [s.start for s in times.slots] == [time(10), time(10, 30), None, time(16), time(19)]
    assert times.runs_until == time(10, 30) and not times.overrun


def test_a_day_that_runs_past_its_end_is_flagged(session, april):
    april.status = "innkalt"  # keep the numbers in the order they are given
    agenda.add_case_item(
        session, april, CaseItemInput(sakstype="Drøfting", title="Lang", day=1, duration_minutes=50)
    )
    agenda.add_case_item(
        session,
        april,
        CaseItemInput(
            sakstype="Drøfting", title="Sen", day=1, start_time=time(15, 30), duration_minutes=50
        ),
    )
    day1, day2 = presentation.agenda_days(april)
    assert [r.slot.start for r in day1.rows] == [time(10), time(10, 10), time(15, 30)]
    assert day1.warning == "Dagsordenen for dag 1 går til 16.20, etter møteslutt 16.00."
    assert day2.warning is None and day2.rows[0].slot.start == time(8)


# -- editing the meeting -------------------------------------------------------------------


def edit(meeting, rows, **kw) -> MeetingEdit:
    return MeetingEdit(days=tuple(rows), version=meeting.version, **kw)


def rows_of(meeting) -> list[DayRow]:
    return [DayRow(d.date, d.start_time, d.end_time, d.id) for d in meeting.days]


def test_editing_days_and_place(session, built):
    rows = rows_of(built)
    rows[0] = DayRow(rows[0].date, time(9), time(16), rows[0].day_id)
    changes = meeting_plans.update_meeting(
        session, built, edit(built, rows, location="Teams", agenda_shared=True)
    )
    assert changes["location"] == ["", "Teams"] and "days" in changes
    assert built.days[0].start_time == time(9) and built.agenda_shared
    assert presentation.agenda_days(built)[0].rows[0].slot.start == time(9)


def test_moving_the_meeting_a_day_later_keeps_its_agenda(session, built):
    before = layout(built)
    rows = [
        DayRow(date(2026, 4, 30), time(10), time(16), built.days[0].id),
        DayRow(date(2026, 5, 1), time(8), time(14, 30), built.days[1].id),
    ]
    meeting_plans.update_meeting(session, built, edit(built, rows))
    session.expire_all()
    meeting = session.get(Meeting, built.id)
    assert [d.date for d in meeting.days] == [date(2026, 4, 30), date(2026, 5, 1)]
    assert layout(meeting) == before


def test_removing_a_day_with_items_is_refused_unless_they_are_moved(session, built):
    rows = rows_of(built)
    rows[1] = DayRow(None, day_id=rows[1].day_id)
    with pytest.raises(Conflict) as error:
        meeting_plans.update_meeting(session, built, edit(built, rows))
    assert error.value.field == "days[1].date"
    assert error.value.message.startswith("Dag 2 (30. april 2026) har 2 punkter på dagsordenen.")
    # Nothing was changed by the refusal; with a day to move them to, the day goes.
    meeting_plans.update_meeting(session, built, edit(built, rows, move_items_to=date(2026, 4, 29)))
    session.expire_all()
    meeting = session.get(Meeting, built.id)
    assert len(meeting.days) == 1
    assert layout(meeting)[-2:] == [(1, "C"), (1, "Eventuelt")]


def test_adding_a_day_moves_eventuelt_to_the_new_last_day(session, built):
    rows = [*rows_of(built), DayRow(date(2026, 5, 1), time(9), time(12))]
    meeting_plans.update_meeting(session, built, edit(built, rows))
    session.expire_all()
    meeting = session.get(Meeting, built.id)
    assert layout(meeting)[-2:] == [(2, "C"), (3, "Eventuelt")]


def test_the_first_day_stays_in_the_meetings_year(session, built):
    rows = rows_of(built)
    rows[0] = DayRow(date(2025, 12, 30), time(10), time(16), rows[0].day_id)
    with pytest.raises(InvalidInput, match="første møtedag må være i 2026"):
        meeting_plans.update_meeting(session, built, edit(built, rows))


def test_a_stale_meeting_edit_is_refused(session, built):
    with pytest.raises(StaleEdit):
        meeting_plans.update_meeting(
            session, built, MeetingEdit(days=tuple(rows_of(built)), version=built.version - 1)
        )


def test_status_changes(session, april):
    meeting_status.change_status(session, april, "innkalt", april.version)
    assert april.status == "innkalt"
    with pytest.raises(InvalidInput, match="«innkalt» kan ikke få status «planlagt»"):
        meeting_status.change_status(session, april, "planlagt", april.version)
    with pytest.raises(InvalidInput, match="settes når referatet godkjennes"):
        meeting_status.change_status(session, april, "referat godkjent", april.version)
    meeting_status.change_status(session, april, "gjennomført", april.version)
    with pytest.raises(InvalidInput, match="«gjennomført» kan ikke få status «avlyst»"):
        meeting_status.change_status(session, april, "avlyst", april.version)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "meeting.status")).all()
    assert entry[0].summary == "Møte 2/26 i Fagrådet: status endret fra planlagt til innkalt"


# -- the demo's real agenda ----------------------------------------------------------------


@pytest.fixture
def demo_april(session, demo) -> Meeting:
    return session.scalar(
        select(Meeting).join(Body).where(Body.slug == "fagradet", Meeting.seq == 2)
    )


def test_the_demo_agenda_keeps_its_times_and_moves_the_theme_day_with_its_programme(
    session, demo_april
):
    day1, day2 = presentation.agenda_days(demo_april)
    assert day1.warning is None and day2.warning is None
    assert [(r.number or r.title, r.slot.start) for r in day1.rows[:4]] == [
        ("9/26", time(10)),
        ("10/26", time(10, 10)),
        ("11/26", time(10, 50)),
        ("Lunsj", time(11, 30)),
    ]
    theme = next(i for i in demo_april.items if i.treatment and i.treatment.seq == 16)
    agenda.move_item(session, theme, to_day=1)
    day1, day2 = presentation.agenda_days(demo_april)
    # The theme day and its programme (with its lunch) go before the end of day 1.
    moved = [r.title for r in day1.rows[-10:]]
    assert moved[0].startswith("Temadag") and moved[1].startswith("Innledning")
    assert moved[4] == "Lunsj" and moved[7].startswith("Avslutning")
    assert moved[-2:] == ["Slutt dag 1", "Middag"]
    # Day 2 keeps what is not the theme day's: the procurement case, Eventuelt, the end.
    assert [r.title for r in day2.rows] == [
        "Velkommen til dag 2",
        "Tildeling av kontrakt for nasjonal helseanalyseplattform til Nordic Health Analytics AS "
        "– tilbudt pris 48,6 millioner kroner",
        "Eventuelt",
        "Slutt dag 2",
    ]


def test_the_approved_january_meeting_is_locked(session, demo_april):
    approve_demo_january(session)
    january = session.scalar(
        select(Meeting).join(Body).where(Body.slug == "fagradet", Meeting.seq == 1)
    )
    with pytest.raises(Conflict, match="Referatet fra møte 1/26 er godkjent"):
        agenda.remove_item(session, january.items[1])


def test_godkjenning_and_eventuelt_cannot_be_removed_and_godkjenning_stays_on_day_1(session, built):
    with pytest.raises(
        Conflict, match="Godkjenning av innkalling og dagsorden hører til hvert møte"
    ):
        agenda.remove_item(session, built.items[0])
    with pytest.raises(Conflict, match="Eventuelt hører til hvert møte"):
        agenda.remove_item(session, item_titled(built, "Eventuelt"))
    with pytest.raises(Conflict, match="skal stå først, på dag 1"):
        agenda.move_item(session, built.items[0], to_day=2)


def test_the_page_offers_only_the_moves_that_can_be_made(session, built):
    moves = agenda.possible_moves(built)

    def of(title):
        return moves[item_titled(built, title).id]

    godkjenning = next(
        i for i in built.items if i.treatment and i.treatment.sakstype == "Godkjenning"
    )
    assert moves[godkjenning.id] == set()
    assert of("A") == {"down"}  # nothing goes above Godkjenning
    assert of("b1") == {"down"} and of("b2") == {"up"}  # sub-points stay under their case
    assert of("C") == {"up"}  # nothing goes below Eventuelt
    assert of("Eventuelt") == set()
    assert of("Pause") == {"up", "down"}
    # What is offered is what moving does.
    for item in list(built.items):
        for direction in ("up", "down"):
            if direction not in agenda.possible_moves(built)[item.id]:
                with pytest.raises((Conflict, InvalidInput)):
                    agenda.move_item(session, item, direction)
