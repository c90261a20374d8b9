"""Årshjul deadlines tied to an action are completed by it: the innkalling sent, the
toppnotater ready, the minutes sent, the minutes approved."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from govern.models import Body, Meeting
from govern.models.cycles import Cycle, CycleEntry, DeadlineMark
from govern.services import cycles, meeting_status, memos, minutes_locking
from tests.conftest import add_case, make_body, make_meeting
from tests.services.test_exchange import approve_demo_january

SOON = date(date.today().year + 1, 6, 10)


def _statuses(session, body, meeting) -> dict[str, str]:
    plan = cycles.body_year_plan(session, body, meeting.first_date.year)
    return {o.entry.title: o.status for o in plan if o.meeting is meeting}


def test_sending_the_innkalling_and_the_minutes_and_writing_the_memos_complete_deadlines(
    session,
):
    body = make_body()
    cycle = cycles.create_cycle(session, cycles.CycleInput("Fagrådets årshjul"), body=body)
    for title, offset, action in (
        ("Toppnotater klare", -14, "toppnotater"),
        ("Innkalling sendes", -7, "innkalling"),
        ("Referat sendes", 14, "referat_sendt"),
        ("Møterom bestilles", -20, None),
    ):
        cycles.add_entry(
            session,
            cycle,
            cycles.EntryInput(
                title=title,
                when_kind="meeting",
                offset_days=offset,
                meeting_anchor="each",
                completed_by=action,
            ),
        )
    meeting = make_meeting(body, SOON, status="planlagt", location="Oslo")
    first = add_case(meeting, "Første sak")
    add_case(meeting, "Andre sak")
    add_case(meeting, "Eventuelt", sakstype="Eventuelt")  # needs no toppnotat
    assert set(_statuses(session, body, meeting).values()) == {"kommende"}

    # One toppnotat written is not all of them.
    memos.update_memo(
        session, None, first.treatment, memos.MemoInput(first.treatment.version, purpose="Hvorfor")
    )
    assert _statuses(session, body, meeting)["Toppnotater klare"] == "kommende"

    meeting_status.change_status(session, meeting, "innkalt", meeting.version)
    statuses = _statuses(session, body, meeting)
    assert statuses["Innkalling sendes"] == "utført"
    assert statuses["Toppnotater klare"] == "utført"  # they went out with the innkalling
    assert statuses["Referat sendes"] == "kommende"
    assert statuses["Møterom bestilles"] == "kommende"  # tied to nothing: only by hand

    meeting_status.change_status(session, meeting, "gjennomført", meeting.version)
    minutes_locking.send_minutes(session, None, meeting, confirmed=True)
    assert _statuses(session, body, meeting)["Referat sendes"] == "utført"
    assert _statuses(session, body, meeting)["Møterom bestilles"] == "kommende"


def test_all_toppnotater_written_complete_their_deadline(session):
    body = make_body()
    cycle = cycles.create_cycle(session, cycles.CycleInput("Årshjul"), body=body)
    cycles.add_entry(
        session,
        cycle,
        cycles.EntryInput(
            title="Toppnotater klare",
            when_kind="meeting",
            offset_days=-14,
            meeting_anchor="each",
            completed_by="toppnotater",
        ),
    )
    meeting = make_meeting(body, SOON, status="planlagt")
    items = [add_case(meeting, "A"), add_case(meeting, "B")]
    for item in items:
        t = item.treatment
        memos.update_memo(session, None, t, memos.MemoInput(t.version, background="Bakgrunn"))
    assert _statuses(session, body, meeting) == {"Toppnotater klare": "utført"}


def test_the_demo_minutes_approved_complete_referat_godkjennes(session, demo):
    fagradet = session.scalar(select(Body).where(Body.slug == "fagradet"))
    entry = session.scalar(
        select(CycleEntry)
        .join(Cycle)
        .where(Cycle.body_id == fagradet.id, CycleEntry.title == "Referat godkjennes")
    )
    assert entry.completed_by == "referat_godkjent"
    session.execute(delete(DeadlineMark).where(DeadlineMark.entry_id == entry.id))
    january = session.scalar(
        select(Meeting).where(Meeting.body_id == fagradet.id, Meeting.seq == 1)
    )
    session.expire_all()
    assert _statuses(session, fagradet, january)["Referat godkjennes"] != "utført"
    approve_demo_january(session)
    assert _statuses(session, fagradet, january)["Referat godkjennes"] == "utført"
