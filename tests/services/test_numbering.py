"""Meeting and case numbers: per body per year, across meetings, never reused, race-free."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import event, select

from govern import create_app
from govern.extensions import db
from govern.models import Body, Meeting, Treatment
from govern.services import agenda, meetings
from govern.services.errors import Conflict, InvalidInput
from govern.services.numbering import parse_number
from tests.conftest import PG_URL, add_case, base_config, make_body, make_meeting


def test_meeting_numbers_run_per_body_per_year(session):
    fagradet = make_body()
    other = make_body("produktrad", "Produktrådet", kind="produktråd")
    m1 = make_meeting(fagradet, date(2026, 1, 21), date(2026, 1, 22))
    m2 = make_meeting(fagradet, date(2026, 4, 29))
    o1 = make_meeting(other, date(2026, 3, 10))
    m_next_year = make_meeting(fagradet, date(2027, 1, 20))
    assert [m1.number, m2.number, o1.number, m_next_year.number] == ["1/26", "2/26", "1/26", "1/27"]


def test_case_numbers_continue_across_meetings_and_restart_each_year(session):
    body = make_body()
    january = make_meeting(body, date(2026, 1, 21))
    april = make_meeting(body, date(2026, 4, 29))
    numbers = [add_case(january, f"Sak {i}").treatment.number for i in range(8)]
    assert numbers == [f"{i}/26" for i in range(1, 9)]
    assert add_case(april, "Første sak i april").treatment.number == "9/26"
    next_year = make_meeting(body, date(2027, 1, 20))
    assert add_case(next_year, "Første sak i 2027").treatment.number == "1/27"


def test_the_same_case_gets_its_own_number_in_each_body(session):
    fagradet = make_body()
    produktrad = make_body("produktrad", "Produktrådet", kind="produktråd")
    add_case(make_meeting(produktrad, date(2026, 3, 1)), "Noe annet")
    item = add_case(make_meeting(fagradet, date(2026, 4, 29)), "Strategisk retning kjernejournal")
    data = agenda.CaseItemInput(sakstype="Beslutning")
    again = agenda.add_case_item(session, produktrad.meetings[0], data, case=item.treatment.case)
    assert item.treatment.number == "1/26"
    assert again.treatment.number == "2/26"
    assert again.treatment.case is item.treatment.case


def test_numbers_are_never_reused_after_deletion(session):
    body = make_body()
    meeting = make_meeting(body)
    add_case(meeting, "A")
    second = add_case(meeting, "B")
    session.delete(second.treatment)
    session.flush()
    assert add_case(meeting, "C").treatment.number == "3/26"
    meetings.delete_meeting(session, meeting)
    assert make_meeting(body, date(2026, 5, 5)).number == "2/26"


def test_number_given_by_hand_moves_the_counter_on(session):
    body = make_body()
    meeting = make_meeting(body, number="2/26")
    assert add_case(meeting, "Gitt", number="9/26").treatment.number == "9/26"
    assert add_case(meeting, "Neste").treatment.number == "10/26"
    assert make_meeting(body, date(2026, 6, 1)).number == "3/26"


def test_duplicate_or_wrong_year_numbers_are_refused(session):
    body = make_body()
    meeting = make_meeting(body)
    add_case(meeting, "A", number="5/26")
    with pytest.raises(Conflict, match="5/26 er allerede brukt"):
        add_case(meeting, "B", number="5/26")
    with pytest.raises(InvalidInput, match="passer ikke med året 2026"):
        add_case(meeting, "C", number="6/25")
    with pytest.raises(Conflict, match="har allerede møte 1/26"):
        make_meeting(body, date(2026, 9, 1), number="1/26")


@pytest.mark.parametrize("text", ["", "9", "0/26", "9/2026", "ni/26", "9-26"])
def test_parse_number_rejects_bad_numbers(text):
    with pytest.raises(InvalidInput, match="gyldig nummer"):
        parse_number(text)


def test_parse_number_accepts_spaces():
    assert parse_number(" 9 / 26 ") == (9, 26)


def _concurrent_app(tmp_path):
    """An app whose threads get their own connections: PostgreSQL, or an SQLite file."""
    if PG_URL:
        return create_app(base_config())
    url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={}))
    with app.app_context():
        # The writers queue on SQLite's one write lock; on a loaded 2-core machine the last of
        # twenty may wait longer than the app's 10 s. The race is about numbers, not speed.
        event.listen(db.engine, "connect", _patient_sqlite)
        db.create_all()
    return app


def _patient_sqlite(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA busy_timeout=120000")


def test_parallel_secretaries_never_get_the_same_case_number(app, tmp_path):
    """Eight threads put a case on the same agenda at the same moment."""
    race_app = app if PG_URL else _concurrent_app(tmp_path)
    with race_app.app_context():
        body = make_body()
        meeting_id = make_meeting(body).id
        db.session.commit()
        db.session.remove()

    workers = 8
    barrier = threading.Barrier(workers)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def secretary(i: int) -> None:
        try:
            with race_app.app_context():
                meeting = db.session.get(Meeting, meeting_id)
                barrier.wait(timeout=10)
                item = add_case(meeting, f"Samtidig sak {i}")
                db.session.commit()
                numbers.append(item.treatment.number)
                db.session.remove()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=secretary, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(numbers, key=lambda n: int(n.split("/")[0])) == [f"{i}/26" for i in range(1, 9)]
    with race_app.app_context():
        stored = db.session.scalars(select(Treatment.seq).order_by(Treatment.seq)).all()
        assert stored == list(range(1, 9))
        assert db.session.scalar(select(Body.slug)) == "fagradet"
        db.session.remove()


def test_parallel_meeting_scheduling_gets_distinct_numbers(app, tmp_path):
    race_app = app if PG_URL else _concurrent_app(tmp_path)
    with race_app.app_context():
        body_id = make_body().id
        db.session.commit()
        db.session.remove()
    barrier = threading.Barrier(6)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def plan(i: int) -> None:
        try:
            with race_app.app_context():
                body = db.session.get(Body, body_id)
                barrier.wait(timeout=10)
                numbers.append(make_meeting(body, date(2026, 2, 1 + i)).number)
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # pragma: no cover
            errors.append(error)

    threads = [threading.Thread(target=plan, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(numbers) == [f"{i}/26" for i in range(1, 7)]
