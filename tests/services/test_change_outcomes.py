"""Meeting decisions reaching change requests when the minutes are approved: the
endringsråd's prioritisation, and the produktråd's outcome for an escalated request."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from govern.models import AuditEntry, ChangeRequest
from govern.services import change_outcomes as outcomes
from govern.services import changes, minutes, minutes_locking
from govern.services.change_decisions import (
    escalate,
    record_escalation_outcome,
    record_prioritisation,
)
from govern.services.errors import Conflict, InvalidInput
from govern.services.minutes import MinutesInput
from tests.conftest import add_case, make_meeting
from tests.services.test_changes import area, request, to  # noqa: F401  (fixture)


def write(session, t, decision="Vedtatt."):
    return minutes.record_minutes(session, None, t, MinutesInput(t.version, "", (), decision))


def approve(session, meeting, on: date):
    """Hold the meeting, write every vedtak, send the minutes, and approve them under the
    next meeting's Godkjenning item once that is held; returns the approving treatment."""
    meeting.status = "gjennomført"
    for item in meeting.items:
        if item.kind == "case" and not item.treatment.decision:
            write(session, item.treatment)
    minutes_locking.send_minutes(session, None, meeting, confirmed=True)
    next_meeting = make_meeting(meeting.body, on)
    approval = add_case(next_meeting, "Godkjenning", sakstype="Godkjenning")
    write(session, approval.treatment, "Referatet er godkjent.")
    # The approving meeting is held; the secretariat confirms the approval.
    next_meeting.status = "gjennomført"
    assert minutes_locking.approve_previous_minutes(session, None, approval.treatment) == [meeting]
    session.commit()
    return approval.treatment


@pytest.fixture
def ranked(session, area):  # noqa: F811
    """Three vurderte requests of 400 000 kr against a budget of 1 000 000 kr, and a meeting."""
    rs = [request(session, area, t, nok=400_000) for t in ("Dosering", "Rapport", "Varsel")]
    for r in rs:
        to(session, r, "vurdert")
    to(session, rs[1], "prioritert")
    meeting = make_meeting(area.body, date(2026, 5, 6))
    return rs, meeting


def test_prioritisation_prioritises_the_requests_within_the_budget_on_approval(session, ranked):
    (a, b, c), meeting = ranked
    treatment = record_prioritisation(session, a.area, meeting, 2026, None)
    assert [e.to_status for e in (a.events[-1], b.events[-1], c.events[-1])] == [
        "prioritert",
        "prioritert",
        None,
    ]
    assert "under budsjettgrensen" in c.events[-1].note
    write(session, treatment)
    session.commit()
    assert [r.status for r in (a, b, c)] == ["vurdert", "prioritert", "vurdert"]
    events_before = len(b.events)

    approve(session, meeting, date(2026, 6, 3))

    assert [r.status for r in (a, b, c)] == ["prioritert", "prioritert", "vurdert"]
    last = a.events[-1]
    assert (last.from_status, last.to_status, last.treatment) == (
        "vurdert",
        "prioritert",
        treatment,
    )
    assert last.note == (
        f"Endringsrådet Medikasjon vedtok «prioritert» i sak {treatment.number}, møte 1/26 "
        "(referatet er godkjent)"
    )
    assert last.decided_in == f"Endringsrådet Medikasjon, møte 1/26, sak {treatment.number}"
    assert len(b.events) == events_before  # already prioritised: nothing to write
    assert c.events[-1].from_status is None  # below the line: only its rank


def test_prioritisation_respects_the_status_rules(session, ranked):
    (a, b, c), meeting = ranked
    treatment = record_prioritisation(session, a.area, meeting, 2026, None)
    # Between the meeting and the approval the request is rejected, or sent back.
    to(session, a, "avvist", reason="Dekkes av standard")
    to(session, b, "vurdert", "registrert")
    approve(session, meeting, date(2026, 6, 3))
    assert (a.status, b.status) == ("avvist", "registrert")
    assert (
        a.events[-1].treatment is treatment and "ikke ført: ønsket er avvist" in a.events[-1].note
    )
    assert "ikke ført: ønsket er registrert" in b.events[-1].note
    assert a.rejection_reason == "Dekkes av standard"


def test_nothing_changes_before_the_minutes_are_approved(session, ranked):
    (a, _, _), meeting = ranked
    treatment = record_prioritisation(session, a.area, meeting, 2026, None)
    meeting.status = "gjennomført"
    write(session, treatment)
    minutes_locking.send_minutes(session, None, meeting, confirmed=True)
    session.commit()
    assert a.status == "vurdert" and meeting.minutes_status == "sendt"


@pytest.fixture
def escalated(session, area):  # noqa: F811
    """A request escalated to the produktråd's meeting 1/26 as its case 1/26."""
    meeting = make_meeting(area.body.escalates_to, date(2026, 6, 10))
    r = request(session, area, "Stor ombygging", nok=3_000_000)
    to(session, r, "vurdert")
    treatment = escalate(session, r, meeting, "Over budsjettrammen")
    session.commit()
    return r, treatment


def test_the_produktrad_outcome_flows_back_when_its_minutes_are_approved(session, escalated):
    r, treatment = escalated
    with pytest.raises(InvalidInput, match="hvorfor endringsønsket avvises") as error:
        outcomes.choose_escalation_outcome(session, r, treatment, "avvist", "  ")
    assert error.value.field == "outcome_reason"
    with pytest.raises(InvalidInput, match="prioritert eller avvist"):
        outcomes.choose_escalation_outcome(session, r, treatment, "levert")
    outcomes.choose_escalation_outcome(session, r, treatment, "avvist", "Ikke i tråd med veikartet")
    chosen = outcomes.decided_outcome(r, treatment)
    assert (chosen.to_status, chosen.note, r.status) == (
        "avvist",
        "Ikke i tråd med veikartet",
        "eskalert",
    )
    # The same choice saved again writes nothing more.
    count = len(r.events)
    assert (
        outcomes.choose_escalation_outcome(
            session, r, treatment, "avvist", "Ikke i tråd med veikartet"
        )
        is None
    )
    assert len(r.events) == count
    write(session, treatment, "Produktrådet avviser endringsønsket.")
    session.commit()

    approve(session, treatment.meeting, date(2026, 9, 2))

    assert r.status == "avvist" and r.rejection_reason == "Ikke i tråd med veikartet"
    last = r.events[-1]
    assert (last.from_status, last.to_status, last.treatment) == ("eskalert", "avvist", treatment)
    assert last.note == (
        "Produktrådet vedtok i sak 1/26, møte 1/26 (referatet er godkjent): "
        "Produktrådet avviser endringsønsket."
    )
    logged = session.scalars(
        select(AuditEntry.summary).where(AuditEntry.action == "change.outcome")
    )
    assert list(logged) == ["EØ-001: Produktrådet vedtok «avvist» i sak 1/26"]


def test_a_withdrawn_outcome_changes_nothing(session, escalated):
    r, treatment = escalated
    outcomes.choose_escalation_outcome(session, r, treatment, "prioritert")
    outcomes.choose_escalation_outcome(session, r, treatment, "")
    assert outcomes.decided_outcome(r, treatment) is None
    approve(session, treatment.meeting, date(2026, 9, 2))
    assert r.status == "eskalert"


def test_an_outcome_recorded_by_hand_is_not_recorded_twice(session, escalated):
    r, treatment = escalated
    outcomes.choose_escalation_outcome(session, r, treatment, "prioritert")
    treatment.decision = "Produktrådet prioriterer ønsket."
    record_escalation_outcome(session, r, "prioritert")
    session.commit()
    count = len(r.events)
    with pytest.raises(Conflict, match="ikke lenger eskalert"):
        outcomes.choose_escalation_outcome(session, r, treatment, "avvist", "Likevel ikke")
    session.rollback()
    approve(session, treatment.meeting, date(2026, 9, 2))
    assert r.status == "prioritert" and len(r.events) == count


def test_no_outcome_on_locked_minutes_or_for_another_case(session, escalated, area):  # noqa: F811
    r, treatment = escalated
    approve(session, treatment.meeting, date(2026, 9, 2))
    with pytest.raises(Conflict, match="godkjent og låst"):
        outcomes.choose_escalation_outcome(session, r, treatment, "prioritert")
    session.rollback()
    other = add_case(treatment.meeting, "Annen sak").treatment
    with pytest.raises(Conflict, match="ikke et eskalert endringsønske"):
        outcomes.choose_escalation_outcome(session, r, other, "prioritert")


def test_links_of_finds_escalations_and_prioritisations(session, escalated, ranked):
    r, treatment = escalated
    (a, b, c), meeting = ranked
    prioritisation = record_prioritisation(session, a.area, meeting, 2026, None)
    links = outcomes.links_of(session, [treatment.id, prioritisation.id])
    assert links.escalation_of(treatment) is r and links.escalation_of(prioritisation) is None
    assert [e.request for e in links.prioritised(prioritisation)] == [a, b, c]
    assert links.prioritised(treatment) == []
    assert outcomes.links_of(session, []).escalated == {}


def test_approval_of_an_ordinary_meeting_touches_no_request(session, ranked):
    (a, _, _), meeting = ranked
    add_case(meeting, "Orientering", sakstype="Orientering")
    approve(session, meeting, date(2026, 6, 3))
    assert session.get(ChangeRequest, a.id).status == "vurdert"
    assert changes.budget_status(session, a.area, 2026).committed == 400_000
