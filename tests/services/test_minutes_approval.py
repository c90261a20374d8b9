"""Approval follows the meeting that approves: the body's rule, the confirmation, postponing,
the lock on attendance, and partial attendance as the seed's referat writes it."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from sqlalchemy import select

from govern.exports.exchange import build_exchange
from govern.exports.referat import build_referat
from govern.models import Body, Meeting, Treatment
from govern.models.minutes import MinutesRevision
from govern.presentation import attendance_lists, revision_note
from govern.services import (
    attendance,
    meeting_status,
    meetings,
    minutes,
    minutes_approval,
    minutes_locking,
)
from govern.services.attendance import AttendanceRow
from govern.services.errors import Conflict, InvalidInput
from govern.services.exchange import import_exchange
from govern.services.memberships import MembershipInput, add_membership
from govern.services.minutes import MinutesInput
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.exports.test_documents import facts
from tests.services.test_exchange import DEMO


def record(session, t: Treatment, decision="Vedtatt.", postponed=None):
    return minutes.record_minutes(
        session, None, t, MinutesInput(t.version, decision=decision, postponed=postponed)
    )


class Series:
    """Three meetings of Fagrådet, each with a Godkjenning item first and one case."""

    def __init__(self, session, rule: str = "held"):
        self.body = make_body()
        self.body.minutes_approved_when = rule
        self.meetings, self.approvals, self.cases = [], [], []
        for day in (date(2026, 1, 21), date(2026, 4, 29), date(2026, 9, 16)):
            m = make_meeting(self.body, day)
            self.approvals.append(add_case(m, "Godkjenning", sakstype="Godkjenning").treatment)
            self.cases.append(add_case(m, "Sak").treatment)
            self.meetings.append(m)
        session.commit()

    def close(self, session, i: int) -> None:
        """Meeting i held, every vedtak written, its minutes sent (confirmed)."""
        m = self.meetings[i]
        if m.status == "innkalt":
            meeting_status.change_status(session, m, "gjennomført", m.version, confirmed=True)
        for t in (self.approvals[i], self.cases[i]):
            if not t.decision:
                record(session, t)
        minutes_locking.send_minutes(session, None, m, confirmed=True)
        session.commit()


@pytest.fixture
def series(session):
    return Series(session)


def test_a_vedtak_in_a_planned_or_called_meeting_approves_nothing(session, series):
    first, second, _ = series.meetings
    series.close(session, 0)
    for status in ("planlagt", "innkalt"):
        second.status = status
        result = record(session, series.approvals[1], f"Godkjent ({status}).")
        assert result.approval_due is None
        assert first.minutes_status == "sendt" and first.status == "gjennomført"
    with pytest.raises(Conflict, match="Møte 2/26 har status «innkalt»"):
        minutes_locking.approve_previous_minutes(session, None, series.approvals[1])


def test_marking_the_approving_meeting_held_approves_once_confirmed(session, series):
    first, second, _ = series.meetings
    series.close(session, 0)
    record(session, series.approvals[1], "Fagrådet godkjenner referatet.")
    session.commit()
    due = minutes_approval.approval_due(session, second, held=True)
    assert due.meetings == [first] and due.ready
    assert minutes_locking.approval_summary(due.minutes[0]) == (
        "Referatet fra møte 1/26 i Fagrådet (2 saker, 2 vedtak, oppmøte for 0 personer, 0 vedlegg)"
    )
    with pytest.raises(Conflict, match="godkjennes og låses referatet fra møte 1/26"):
        meeting_status.change_status(session, second, "gjennomført", second.version)
    session.rollback()
    assert second.status == "innkalt" and first.minutes_status == "sendt"
    approved = meeting_status.change_status(
        session, second, "gjennomført", second.version, confirmed=True
    )
    session.commit()
    assert approved == [first]
    assert (first.status, first.minutes_status) == ("referat godkjent", "godkjent")
    assert first.minutes_approved_by is series.approvals[1]
    # The approving meeting's own minutes are open; the approved ones are locked.
    with pytest.raises(Conflict, match="godkjent og låst"):
        record(session, series.cases[0], "Endret.")
    session.rollback()
    with pytest.raises(Conflict, match="kan ikke lenger endre status"):
        meeting_status.change_status(session, first, "avlyst", first.version)


def test_without_a_vedtak_marking_held_approves_nothing(session, series):
    first, second, _ = series.meetings
    series.close(session, 0)
    assert minutes_approval.approval_due(session, second, held=True) is None
    assert meeting_status.change_status(session, second, "gjennomført", second.version) == []
    assert first.minutes_status == "sendt"


def test_the_body_may_approve_when_the_approving_minutes_are_sent(session):
    s = Series(session, rule="minutes_sent")
    first, second, _ = s.meetings
    s.close(session, 0)
    record(session, s.approvals[1], "Godkjent.")
    # Marking 2/26 held approves nothing under this rule.
    assert meeting_status.change_status(session, second, "gjennomført", second.version) == []
    assert first.minutes_status == "sendt"
    plan = minutes_approval.plan_approval(session, second)
    assert "Send referatet fra møte 2/26 først" in plan.blocked
    record(session, s.cases[1])
    check = minutes_locking.check_send(session, second)
    assert check.approval is not None and check.needs_confirmation
    assert minutes_locking.send_warnings(check) == [
        "Oppmøtet er ikke registrert",
        "Referatet fra møte 1/26 i Fagrådet (2 saker, 2 vedtak, oppmøte for 0 personer, "
        "0 vedlegg) godkjennes og låses",
    ]
    with pytest.raises(Conflict, match="Bekreft utsendingen"):
        minutes_locking.send_minutes(session, None, second)
    assert minutes_locking.send_minutes(session, None, second, confirmed=True) == [first]
    assert first.minutes_locked and second.minutes_status == "sendt"


def test_postponing_is_a_decision_and_a_later_meeting_approves(session, series):
    first, second, third = series.meetings
    series.close(session, 0)
    with pytest.raises(InvalidInput, match="Bare godkjenningssaken"):
        record(session, series.cases[1], "Noe.", postponed=True)
    with pytest.raises(InvalidInput, match="Skriv vedtaket"):
        record(session, series.approvals[1], "", postponed=True)
    session.rollback()
    record(session, series.approvals[1], minutes.POSTPONED_TEXT, postponed=True)
    assert series.approvals[1].minutes_postponed
    # Held without approving; 2/26's own minutes are not blocked.
    assert meeting_status.change_status(session, second, "gjennomført", second.version) == []
    assert "utsetter godkjenningen" in minutes_approval.plan_approval(session, second).blocked
    series.close(session, 1)
    assert first.minutes_status == second.minutes_status == "sendt"
    # 3/26 approves both: the postponed minutes and the latest ones.
    assert minutes_approval.minutes_to_approve(session, third) == [first, second]
    record(session, series.approvals[2], "Fagrådet godkjenner referatene fra 1/26 og 2/26.")
    approved = meeting_status.change_status(
        session, third, "gjennomført", third.version, confirmed=True
    )
    assert approved == [first, second]
    assert first.minutes_locked and second.minutes_locked
    assert first.minutes_approved_by is second.minutes_approved_by is series.approvals[2]


def test_unsent_minutes_block_the_approval_with_a_clear_message(session, series):
    first, second, _ = series.meetings
    meeting_status.change_status(session, first, "gjennomført", first.version)
    record(session, series.approvals[1], "Godkjent.")
    plan = minutes_approval.plan_approval(session, second, held=True)
    assert "er ikke sendt til medlemmene ennå" in plan.blocked
    # Not ready: marking held goes on without approving (and without a confirmation).
    assert minutes_approval.approval_due(session, second, held=True) is None
    assert meeting_status.change_status(session, second, "gjennomført", second.version) == []


def _two_day_council(session):
    body = make_body()
    knut = make_person("Knut Berglund", "Helsedirektoratet")
    lise = make_person("Lise Leder", "Helse Vest RHF")
    add_membership(session, body, lise, MembershipInput("leder"))
    add_membership(session, body, knut, MembershipInput("medlem"))
    meeting = make_meeting(body, date(2026, 1, 21), date(2026, 1, 22))
    case = add_case(meeting, "Sak").treatment
    meeting.status = "gjennomført"
    record(session, case)
    return meeting, lise, knut


@pytest.mark.parametrize(
    "knut_row",
    [("present", (1,)), ("absent", (2,))],
    ids=["til stede bare dag 1", "ikke til stede dag 2"],
)
def test_partial_attendance_reads_the_same_however_it_is_entered(session, knut_row):
    meeting, lise, knut = _two_day_council(session)
    status, days = knut_row
    attendance.set_attendance(
        session,
        None,
        meeting,
        [AttendanceRow(lise.id, "present"), AttendanceRow(knut.id, status, days=days)],
    )
    session.commit()
    lists = attendance_lists(meeting)
    assert lists.present == ["Lise Leder, Helse Vest RHF", "Knut Berglund, Helsedirektoratet"]
    assert lists.absent == ["Knut Berglund, Helsedirektoratet – dag 2"]
    header = facts(Document(BytesIO(build_referat(meeting))).tables[0])
    assert header["Ikke til stede"] == "Knut Berglund, Helsedirektoratet – dag 2"
    assert header["Medlemmer"] == [
        "Lise Leder, Helse Vest RHF",
        "Knut Berglund, Helsedirektoratet",
    ]


def test_locked_attendance_is_corrected_only_as_a_revision(session):
    meeting, lise, knut = _two_day_council(session)
    attendance.set_attendance(session, None, meeting, [AttendanceRow(lise.id, "present")])
    meeting.minutes_status, meeting.status = "godkjent", "referat godkjent"
    session.commit()
    with pytest.raises(Conflict, match="oppmøtet kan ikke endres"):
        attendance.set_attendance(session, None, meeting, [AttendanceRow(knut.id, "present")])
    with pytest.raises(Conflict, match="godkjent og låst"):
        meetings.record_attendance(session, meeting, knut, "present")
    session.rollback()
    with pytest.raises(InvalidInput, match="hvorfor"):
        attendance.correct_attendance(session, None, meeting, [], " ")
    rows = [AttendanceRow(lise.id, "present"), AttendanceRow(knut.id, "absent", days=(1,))]
    revision = attendance.correct_attendance(session, None, meeting, rows, "Knut manglet")
    session.commit()
    assert revision.number == 2
    assert revision.changes == [
        {
            "field": "attendance",
            "person": "Knut Berglund",
            "before": "ikke registrert",
            "after": "ikke til stede – dag 1",
        }
    ]
    assert revision_note(revision) == "Rettet i revisjon 2: Knut manglet (oppmøte)"
    doc = Document(BytesIO(build_referat(meeting)))
    texts = [p.text for p in doc.paragraphs]
    assert "Rettet i revisjon 2: Knut manglet (oppmøte)" in texts
    header = facts(doc.tables[0])
    assert header["Ikke til stede"] == "Knut Berglund, Helsedirektoratet – dag 1"
    assert session.scalar(select(MinutesRevision.number)) == 2


def test_the_rule_and_the_minutes_state_travel_in_the_exchange_format(session):
    document = json.loads(DEMO.read_text(encoding="utf-8"))
    # An old file has no rule: the default holds.
    assert all("minutes_approved_when" not in b for b in document["bodies"])
    document["bodies"][0]["minutes_approved_when"] = "minutes_sent"
    import_exchange(session, document)
    session.commit()
    body = session.scalar(select(Body).where(Body.slug == document["bodies"][0]["slug"]))
    assert body.minutes_approved_when == "minutes_sent"
    others = session.scalars(select(Body.minutes_approved_when).where(Body.id != body.id))
    assert set(others) == {"held"}
    january = session.scalar(
        select(Meeting).join(Meeting.body).where(Body.slug == "fagradet", Meeting.seq == 1)
    )
    assert (january.status, january.minutes_status) == ("gjennomført", "sendt")
    exported = build_exchange(session)
    assert exported["bodies"][0]["minutes_approved_when"] == "minutes_sent"
    assert exported["meetings"][0]["minutes"] == "sendt"
