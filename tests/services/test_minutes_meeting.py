"""The referat of a whole meeting saved at once (govern.services.minutes_meeting): every case
or none, with each refusal placed at its case."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from govern.models import Treatment
from govern.models.audit import AuditEntry
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.minutes import MinutesInput
from govern.services.minutes_meeting import (
    CaseMinutes,
    CasesChanged,
    CasesInvalid,
    cases_of,
    record_meeting_minutes,
)
from tests.conftest import add_case, make_body, make_meeting


@pytest.fixture
def meeting(session):
    body = make_body()
    meeting = make_meeting(body, date(2026, 4, 29))
    add_case(meeting, "Godkjenning", sakstype="Godkjenning", proposed_decision="Godkjent.")
    add_case(meeting, "Arkitektur", proposed_decision="Fagrådet støtter retningen.")
    add_case(meeting, "Eventuelt", sakstype="Eventuelt")
    session.commit()
    return meeting


def _entries(meeting, decisions: list[str], inputs=()) -> list[CaseMinutes]:
    return [
        CaseMinutes(t.id, MinutesInput(t.version, "", tuple(inputs), d))
        for t, d in zip(cases_of(meeting), decisions, strict=True)
    ]


def _logged(session) -> int:
    return session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "treatment.minutes")
    )


def test_every_case_is_recorded_in_agenda_order(session, meeting):
    results = record_meeting_minutes(
        session, None, meeting, _entries(meeting, ["Godkjent.", "Støttet.", ""], ["Et innspill"])
    )
    session.commit()
    assert [r.treatment.decision for r in results] == ["Godkjent.", "Støttet.", ""]
    assert [i.text for i in cases_of(meeting)[1].inputs] == ["Et innspill"]
    assert _logged(session) == 3


def test_a_held_meeting_refuses_all_when_one_case_has_no_vedtak(session, meeting):
    meeting.status = "gjennomført"
    session.commit()
    entries = _entries(meeting, ["Godkjent.", "", ""], ["Et innspill"])
    with pytest.raises(CasesInvalid) as refused:
        record_meeting_minutes(session, None, meeting, entries)
    session.rollback()
    assert isinstance(refused.value, InvalidInput)
    # Eventuelt needs none; the case without vedtak is named by its place in the form.
    assert refused.value.errors == {
        "cases[1].decision": "Vedtak må fylles ut når møtet er gjennomført"
    }
    assert [t.decision for t in cases_of(meeting)] == ["", "", ""]
    assert _logged(session) == 0


def test_a_case_saved_meanwhile_refuses_all(session, meeting):
    entries = _entries(meeting, ["Godkjent.", "Støttet.", ""])
    session.get(Treatment, cases_of(meeting)[1].id).decision = "Lagret av en annen."
    session.commit()
    with pytest.raises(CasesChanged) as refused:
        record_meeting_minutes(session, None, meeting, entries)
    session.rollback()
    number = cases_of(meeting)[1].number
    assert isinstance(refused.value, Conflict) and refused.value.stale == [number]
    assert f"Sak {number} ble endret av noen andre" in refused.value.message
    assert set(refused.value.errors) == {"cases[1].version"}
    assert [t.decision for t in cases_of(meeting)] == ["", "Lagret av en annen.", ""]


def test_locked_minutes_and_other_meetings_cases_are_refused(session, meeting):
    other = make_meeting(meeting.body, date(2026, 6, 3))
    stray = add_case(other, "Annen sak").treatment
    session.commit()
    with pytest.raises(NotFound):
        record_meeting_minutes(
            session, None, meeting, [CaseMinutes(stray.id, MinutesInput(stray.version))]
        )
    meeting.status, meeting.minutes_status = "referat godkjent", "godkjent"
    session.commit()
    with pytest.raises(Conflict, match="Referatet er godkjent og låst"):
        record_meeting_minutes(session, None, meeting, _entries(meeting, ["A", "B", ""]))
