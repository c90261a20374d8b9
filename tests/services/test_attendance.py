"""Recording attendance: one go for the whole meeting, with the rules a referat needs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from govern.models import Attendance
from govern.models.audit import AuditEntry
from govern.presentation import attendance_lists
from govern.services import attendance
from govern.services.attendance import AttendanceRow, set_attendance
from govern.services.audit import StaleEdit
from govern.services.errors import InvalidInput, NotFound
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import make_body, make_meeting, make_person

DAY1, DAY2 = date(2026, 4, 29), date(2026, 4, 30)


@pytest.fixture
def council(session):
    body = make_body()
    people = {
        "leder": make_person("Lise Leder", "Helse Vest RHF"),
        "knut": make_person("Knut Berglund", "Helsedirektoratet"),
        "stine": make_person("Stine Slørdal", "Helse Midt-Norge RHF"),
        "marthe": make_person("Marthe Dingen", "Helse Midt RHF"),
        "siv": make_person("Siv Ingebrigtsen", "Helsedirektoratet"),
        "old": make_person("Ole Tidligere", "KS"),
        "guest": make_person("Gunn Gjest", "FHI"),
    }
    add_membership(session, body, people["leder"], MembershipInput("leder"))
    add_membership(session, body, people["knut"], MembershipInput("medlem"))
    add_membership(session, body, people["stine"], MembershipInput("medlem"))
    add_membership(session, body, people["marthe"], MembershipInput("vara"), people["stine"])
    add_membership(session, body, people["siv"], MembershipInput("sekretariat"))
    add_membership(
        session, body, people["old"], MembershipInput("medlem", ends_on=date(2025, 12, 31))
    )
    meeting = make_meeting(body, DAY1, DAY2)
    session.commit()
    return meeting, people


def test_attendees_are_members_on_the_first_day_by_role_then_others_recorded(session, council):
    meeting, p = council
    names = [a.person.name for a in attendance.attendees(meeting)]
    assert names == [
        "Lise Leder", "Knut Berglund", "Stine Slørdal", "Marthe Dingen", "Siv Ingebrigtsen"
    ]  # fmt: skip
    set_attendance(session, None, meeting, [AttendanceRow(p["guest"].id, "deputy", p["knut"].id)])
    assert attendance.attendees(meeting)[-1].person.name == "Gunn Gjest"
    assert attendance.attendees(meeting)[-1].role is None


def test_saving_replaces_the_rows_in_one_go(session, council):
    meeting, p = council
    set_attendance(
        session,
        None,
        meeting,
        [
            AttendanceRow(p["leder"].id, "present"),
            AttendanceRow(p["knut"].id, "absent", days=(1,)),
            AttendanceRow(p["stine"].id, "absent"),
            AttendanceRow(p["marthe"].id, "deputy", p["stine"].id),
            AttendanceRow(p["siv"].id, "present"),
        ],
    )
    session.commit()
    lists = attendance_lists(meeting)
    assert "Knut Berglund, Helsedirektoratet – dag 1" in lists.absent
    assert "Knut Berglund, Helsedirektoratet" in lists.present
    assert lists.deputies == ["Marthe Dingen, Helse Midt RHF, stiller for Stine Slørdal"]
    assert lists.staff == ["Siv Ingebrigtsen"]

    # Knut turned up after all, Lise is left out: updated in place and removed.
    changes = set_attendance(
        session,
        None,
        meeting,
        [
            AttendanceRow(p["knut"].id, "present", days=(1, 2)),
            AttendanceRow(p["stine"].id, "absent"),
            AttendanceRow(p["marthe"].id, "deputy", p["stine"].id),
        ],
    )
    session.commit()
    rows = {a.person.name: a for a in session.scalars(select(Attendance))}
    assert set(rows) == {"Knut Berglund", "Stine Slørdal", "Marthe Dingen"}
    # Every day ticked is stored as "all days".
    assert rows["Knut Berglund"].status == "present" and rows["Knut Berglund"].days is None
    assert changes == {
        "Knut Berglund": ["ikke til stede – dag 1", "til stede"],
        "Lise Leder": ["til stede", None],
        "Siv Ingebrigtsen": ["til stede", None],
    }
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "meeting.attendance" and "1 til stede" in entry.summary


@pytest.mark.parametrize(
    ("row", "message", "field"),
    [
        (lambda p: AttendanceRow(p["marthe"].id, "deputy"), "Oppgi hvem Marthe Dingen stiller for", "rows[1].deputy_for"),
        (lambda p: AttendanceRow(p["marthe"].id, "deputy", p["marthe"].id), "kan ikke stille for seg selv", "rows[1].deputy_for"),
        (lambda p: AttendanceRow(p["marthe"].id, "present", p["stine"].id), "Bare en stedfortreder", "rows[1].deputy_for"),
        (lambda p: AttendanceRow(p["marthe"].id, "absent", days=(3,)), "Møtet har ingen dag 3", "rows[1].days"),
        (lambda p: AttendanceRow(p["leder"].id, "absent"), "Lise Leder er oppført to ganger", "rows[1].person"),
        (lambda p: AttendanceRow(p["marthe"].id, "late"), "Ukjent oppmøtestatus", "rows[1].status"),
    ],
)  # fmt: skip
def test_rules_are_checked_and_nothing_is_saved(session, council, row, message, field):
    meeting, p = council
    rows = [AttendanceRow(p["leder"].id, "present"), row(p)]
    with pytest.raises(InvalidInput) as refused:
        set_attendance(session, None, meeting, rows)
    assert message in refused.value.message and refused.value.field == field
    session.rollback()
    assert session.scalar(select(Attendance)) is None


def test_unknown_people_are_refused(session, council):
    meeting, p = council
    with pytest.raises(NotFound):
        set_attendance(session, None, meeting, [AttendanceRow(9999, "present")])
    with pytest.raises(NotFound):
        set_attendance(session, None, meeting, [AttendanceRow(p["guest"].id, "deputy", 9999)])


def test_a_form_opened_on_older_attendance_is_refused(session, council):
    meeting, p = council
    opened = attendance.fingerprint(meeting)
    set_attendance(session, None, meeting, [AttendanceRow(p["leder"].id, "present")], opened)
    session.commit()
    with pytest.raises(StaleEdit, match="Oppmøtet ble endret av noen andre"):
        set_attendance(session, None, meeting, [AttendanceRow(p["knut"].id, "present")], opened)
    session.rollback()
    assert [a.person.name for a in meeting.attendance] == ["Lise Leder"]
