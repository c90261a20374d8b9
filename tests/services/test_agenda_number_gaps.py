"""A case added to a planned meeting when a later planned meeting already holds the numbers
after it: the numbers are given out again across those meetings in date and agenda order,
so no meeting has a gap; never when a number in between has been sent out (an innkalt
meeting), is held outside a meeting, or was given up (it would be used twice)."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from govern.extensions import db
from govern.models import AuditEntry, Meeting, Treatment
from govern.services import agenda, meeting_status
from govern.services.agenda import CaseItemInput
from govern.services.cases import CaseInput, create_case
from govern.services.meeting_plans import DayRow
from govern.services.numbering import claim_number
from tests.conftest import PG_URL, make_body, make_meeting
from tests.services.test_agenda import agenda_of, april, body, item_titled, january, plan
from tests.services.test_agenda_concurrency import _race
from tests.services.test_numbering import _concurrent_app

__all__ = ["april", "body", "january"]  # fixtures of the agenda tests, used here


def numbers(meeting: Meeting) -> list[str]:
    return [n for _, n, _ in agenda_of(meeting) if "/" in n]


def titles(meeting: Meeting) -> list[str]:
    return [t for _, n, t in agenda_of(meeting) if "/" in n]


def add(session, meeting: Meeting, title: str, day: int = 1):
    return agenda.add_case_item(
        session, meeting, CaseItemInput(sakstype="Drøfting", title=title, day=day)
    )


def on(day: date) -> list[DayRow]:
    return [DayRow(day, time(10), time(15))]


@pytest.fixture
def may(session, april) -> Meeting:
    """Meeting 3/26 on 20 May, planned after 2/26 (29–30 April: 4/26, 5/26): 6/26, 7/26."""
    return plan(session, april.body, rows=on(date(2026, 5, 20)))


def renumber_lines(session) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.action == "agenda.renumber")
    return list(session.scalars(stmt.order_by(AuditEntry.id)))


def test_adding_to_an_earlier_planned_meeting_moves_the_later_ones_numbers_on(session, april, may):
    assert numbers(april) == ["4/26", "5/26"]
    assert numbers(may) == ["6/26", "7/26"]

    item = add(session, april, "Kjernejournal")  # number 8/26 handed out

    assert numbers(april) == ["4/26", "5/26", "6/26"]
    assert titles(april)[1:] == ["Kjernejournal", "Eventuelt"]
    assert item.treatment.number == "5/26"
    assert numbers(may) == ["7/26", "8/26"]
    assert item.renumbered_elsewhere == ("3/26",)
    lines = {line.entity_id: line for line in renumber_lines(session)}
    assert lines[may.id].changes == {"Sak 6/26": ["6/26", "7/26"], "Sak 7/26": ["7/26", "8/26"]}
    assert lines[april.id].changes == {"Sak 8/26": ["8/26", "6/26"]}  # Eventuelt
    assert lines[may.id].summary == (
        "Saksnumrene i møte 3/26 er gitt ut på nytt i dato- og dagsordenrekkefølge etter at "
        "en sak ble satt på dagsordenen for møte 2/26"
    )

    # The later meeting's next case follows on, without a gap either.
    add(session, may, "Helsedataplattformen")
    assert numbers(may) == ["7/26", "8/26", "9/26"]
    assert numbers(april) == ["4/26", "5/26", "6/26"]


def test_every_planned_meeting_in_between_moves_on(session, april, may):
    june = plan(session, april.body, rows=on(date(2026, 6, 10)))  # 8/26, 9/26
    item = add(session, april, "A")  # 10/26
    assert numbers(april) == ["4/26", "5/26", "6/26"]
    assert numbers(may) == ["7/26", "8/26"]
    assert numbers(june) == ["9/26", "10/26"]
    assert item.renumbered_elsewhere == ("3/26", "4/26")
    add(session, may, "B")  # 11/26: May takes 9/26, June moves on to 10/26–11/26
    assert numbers(may) == ["7/26", "8/26", "9/26"]
    assert titles(may)[1:] == ["B", "Eventuelt"]
    assert numbers(june) == ["10/26", "11/26"]
    assert numbers(april) == ["4/26", "5/26", "6/26"]


def test_the_numbers_follow_the_dates_of_the_meetings(session, april):
    # 3/26 is planned after 2/26 but dated before it: once their numbers are given out
    # again, the one dated first has the first numbers.
    march = plan(session, april.body, rows=on(date(2026, 3, 25)))  # 6/26, 7/26
    add(session, april, "A")  # 8/26
    assert numbers(march) == ["4/26", "5/26"]
    assert numbers(april) == ["6/26", "7/26", "8/26"]
    assert titles(april)[1:] == ["A", "Eventuelt"]


def test_a_meeting_whose_innkalling_is_sent_is_never_touched(session, april, may):
    meeting_status.change_status(session, may, "innkalt", may.version)
    item = add(session, april, "Kjernejournal")  # 8/26
    assert numbers(may) == ["6/26", "7/26"]
    assert numbers(april) == ["4/26", "5/26", "8/26"]  # the gap stays: 6–7 were sent out
    assert titles(april)[1:] == ["Kjernejournal", "Eventuelt"]
    assert item.renumbered_elsewhere == ()
    assert renumber_lines(session) == []


def test_an_innkalt_meeting_in_between_keeps_the_planned_ones_after_it_too(session, april, may):
    june = plan(session, april.body, rows=on(date(2026, 6, 10)))  # 8/26, 9/26
    meeting_status.change_status(session, may, "innkalt", may.version)
    add(session, april, "Kjernejournal")  # 10/26
    assert numbers(april) == ["4/26", "5/26", "10/26"]
    assert numbers(may) == ["6/26", "7/26"]
    assert numbers(june) == ["8/26", "9/26"]
    assert renumber_lines(session) == []


def test_a_number_given_up_in_between_is_not_given_again(session, april, may):
    june = plan(session, april.body, rows=on(date(2026, 6, 10)))  # 8/26, 9/26
    add(session, may, "X")  # 10/26: May 6–8, June 9–10
    assert numbers(may) == ["6/26", "7/26", "8/26"]
    agenda.remove_item(session, item_titled(may, "X"))  # May 6–7; 8/26 is given up
    assert numbers(may) == ["6/26", "7/26"]
    assert numbers(june) == ["9/26", "10/26"]
    logged = len(renumber_lines(session))

    add(session, april, "Kjernejournal")  # 11/26
    # Giving the numbers out again would leave 8/26 inside a meeting or use it twice.
    assert numbers(april) == ["4/26", "5/26", "11/26"]
    assert numbers(may) == ["6/26", "7/26"]
    assert numbers(june) == ["9/26", "10/26"]
    assert len(renumber_lines(session)) == logged


def test_a_number_held_outside_a_meeting_stops_it(session, april):
    case = create_case(session, CaseInput(title="Registrert uten møte"))
    claim_number(session, april.body_id, 2026, "case", 6)
    session.add(Treatment(case=case, body=april.body, year=2026, seq=6))
    session.flush()
    may = plan(session, april.body, rows=on(date(2026, 5, 20)))  # 7/26, 8/26
    add(session, april, "Kjernejournal")  # 9/26
    assert numbers(april) == ["4/26", "5/26", "9/26"]
    assert numbers(may) == ["7/26", "8/26"]
    assert renumber_lines(session) == []


def test_simultaneous_additions_to_two_planned_meetings_never_wait_on_each_other(app, tmp_path):
    """Eight additions to each of two planned meetings at the same moment: each locks its own
    meeting and only tries the other's (never waiting, so never a deadlock on the number
    counter); all succeed with distinct numbers, and the next addition closes the gaps."""
    race_app = app if PG_URL else _concurrent_app(tmp_path)
    with race_app.app_context():
        body = make_body()
        ids = []
        for day in (date(2026, 4, 29), date(2026, 5, 20)):
            meeting = make_meeting(body, day, status="planlagt")
            agenda.open_agenda(db.session, meeting, None)
            ids.append(meeting.id)
        db.session.commit()
        db.session.remove()

    def secretary(i: int) -> str:
        with race_app.app_context():
            meeting = db.session.get(Meeting, ids[i % 2])
            item = add(db.session, meeting, f"Samtidig sak {i}")
            db.session.commit()
            number = item.treatment.number
            db.session.remove()
            return number

    _, errors = _race(16, secretary)
    assert not errors, errors

    with race_app.app_context():
        stored = db.session.scalars(select(Treatment.seq).order_by(Treatment.seq)).all()
        assert stored == list(range(1, 21))  # none lost, none twice
        april, may = (db.session.get(Meeting, i) for i in ids)
        add(db.session, april, "Etterpå")
        db.session.commit()
        assert [int(n.split("/")[0]) for n in numbers(april)] == list(range(1, 12))
        assert [int(n.split("/")[0]) for n in numbers(may)] == list(range(12, 22))
        db.session.remove()
