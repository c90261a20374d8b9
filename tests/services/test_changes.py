"""Change requests: status rules, budget sums, the ranked backlog and escalation."""

from __future__ import annotations

from datetime import date

import pytest

from govern.services import change_decisions as decisions
from govern.services import changes
from govern.services.errors import GovernError
from tests.conftest import make_body, make_meeting


@pytest.fixture
def area(session):
    produktrad = make_body("produktrad", "Produktrådet", kind="produktråd")
    body = make_body("endringsrad", "Endringsrådet Medikasjon", kind="endringsråd")
    body.escalates_to = produktrad
    area = changes.save_area(session, body, changes.AreaInput("Medikasjon", hourly_rate=1000))
    changes.set_budget(session, area, 2026, 1_000_000)
    return area


def request(session, area, title="Ønske", nok=None, hours=None, year=2026):
    data = changes.RequestInput(
        title=title,
        classification="utviklet",
        year=year,
        estimate_nok=nok,
        estimate_hours=hours,
    )
    return changes.create_request(session, area, data)


def to(session, r, *statuses, **kw):
    for status in statuses:
        changes.set_status(session, r, status, **kw)


def test_numbers_and_first_event(session, area):
    first, second = request(session, area, "A"), request(session, area, "B")
    assert (first.number, second.number) == ("EØ-001", "EØ-002")
    assert [(e.from_status, e.to_status) for e in first.events] == [(None, "registrert")]


def test_no_levert_or_planlagt_without_a_release(session, area):
    r = request(session, area, nok=10)
    to(session, r, "vurdert", "prioritert")
    with pytest.raises(GovernError, match="utgivelsen") as error:
        changes.set_status(session, r, "planlagt")
    assert error.value.field == "release_id"
    release = changes.add_release(session, area, "2026.2", date(2026, 6, 1))
    to(session, r, "planlagt", release=release)
    to(session, r, "levert")
    assert r.release is release and r.status == "levert"
    assert [e.to_status for e in r.events] == [
        "registrert",
        "vurdert",
        "prioritert",
        "planlagt",
        "levert",
    ]


def test_status_rules(session, area):
    r = request(session, area)
    with pytest.raises(GovernError, match="kan ikke settes til levert"):
        changes.set_status(session, r, "levert")
    with pytest.raises(GovernError, match="hvorfor") as error:
        changes.set_status(session, r, "avvist")
    assert error.value.field == "reason" and r.status == "registrert"
    to(session, r, "avvist", reason="Dekkes av standardfunksjonalitet")
    assert r.rejection_reason == "Dekkes av standardfunksjonalitet"
    to(session, r, "registrert")
    assert r.rejection_reason == ""
    with pytest.raises(GovernError, match="Eskaler"):
        changes.set_status(session, r, "eskalert")


def test_hours_count_at_the_hourly_rate(session, area):
    assert request(session, area, hours=10).cost_nok == 10_000
    assert request(session, area, hours=10, nok=5).cost_nok == 5


def test_budget_sums_and_the_budget_line(session, area):
    rs = [request(session, area, str(i), nok=n) for i, n in enumerate((300_000, 400_000, 500_000))]
    for r in rs:
        to(session, r, "vurdert")
    to(session, rs[0], "prioritert")
    release = changes.add_release(session, area, "2026.1", date(2026, 3, 1))
    done = request(session, area, "levert", nok=200_000)
    to(session, done, "vurdert", "prioritert", "planlagt", "levert", release=release)
    request(session, area, "annet år", nok=999, year=2027)
    status = changes.budget_status(session, area, 2026)
    assert (status.budget, status.committed, status.remaining) == (1_000_000, 500_000, 500_000)
    assert status.percent == 50
    plan = changes.backlog(session, area, 2026)
    assert plan.available == 800_000
    assert [line.running for line in plan.lines] == [300_000, 700_000, 1_200_000]
    assert plan.cut == 2 and [line.within for line in plan.lines] == [True, True, False]


def test_reorder(session, area):
    a, b, c = (request(session, area, t, nok=1) for t in "abc")
    for r in (a, b, c):
        to(session, r, "vurdert")
    changes.move_request(session, c, -1)
    changes.move_request(session, c, -1)
    changes.move_request(session, a, +1)
    assert [line.request.title for line in changes.backlog(session, area, 2026).lines] == [
        "c",
        "b",
        "a",
    ]
    changes.move_request(session, c, -1)  # already first: stays
    assert c.rank == 1


def test_prioritisation_becomes_a_decision_with_a_case_number(session, area):
    meeting = make_meeting(area.body, date(2026, 5, 6))
    a, b = (
        request(session, area, "Dosering", nok=600_000),
        request(session, area, "Rapport", nok=600_000),
    )
    to(session, a, "vurdert")
    to(session, b, "vurdert")
    treatment = decisions.record_prioritisation(session, area, meeting, 2026, None)
    assert treatment.sakstype == "Beslutning" and treatment.number == "1/26"
    assert treatment.meeting is meeting and treatment.body is area.body
    lines = treatment.proposed_decision.splitlines()
    assert lines[1].startswith("1. EØ-001 Dosering – 600 000 kr (sum 600 000 kr)")
    assert "Budsjettet er brukt opp her" in lines[2]
    assert lines[3].startswith("2. EØ-002 Rapport")
    assert a.events[-1].treatment is treatment and "nr. 1 i sak 1/26" in a.events[-1].note


def test_escalation_both_ways(session, area):
    produktrad = area.body.escalates_to
    meeting = make_meeting(produktrad, date(2026, 6, 10))
    r = request(session, area, "Stor ombygging", nok=3_000_000)
    to(session, r, "vurdert")
    with pytest.raises(GovernError, match="hvorfor"):
        decisions.escalate(session, r, meeting, "")
    treatment = decisions.escalate(session, r, meeting, "Over budsjettrammen")
    assert r.status == "eskalert" and r.escalation is treatment
    assert treatment.body is produktrad and treatment.number == "1/26"
    assert "EØ-001" in treatment.summary and "Over budsjettrammen" in treatment.summary
    treatment.decision = "Produktrådet prioriterer ønsket innenfor økt ramme."
    decisions.record_escalation_outcome(session, r, "prioritert")
    assert r.status == "prioritert"
    assert "vedtok i sak 1/26: Produktrådet prioriterer" in r.events[-1].note
    assert r.events[-1].treatment is treatment


def test_escalation_rejected_needs_a_reason(session, area):
    meeting = make_meeting(area.body.escalates_to, date(2026, 6, 10))
    r = request(session, area)
    decisions.escalate(session, r, meeting, "Uenighet i rådet")
    with pytest.raises(GovernError, match="hvorfor"):
        decisions.record_escalation_outcome(session, r, "avvist")
    decisions.record_escalation_outcome(session, r, "avvist", "Ikke i tråd med veikartet")
    assert r.status == "avvist" and r.rejection_reason == "Ikke i tråd med veikartet"


def test_no_escalation_without_a_target_body(session, area):
    area.body.escalates_to = None
    r = request(session, area)
    with pytest.raises(GovernError, match="ikke noe organ å eskalere til"):
        decisions.escalate(session, r, None, "Uenighet")
    assert r.status == "registrert"


def test_escalation_without_meeting_takes_the_next_or_refuses(session, area):
    r = request(session, area)
    with pytest.raises(GovernError, match="ikke noe planlagt møte"):
        decisions.escalate(session, r, None, "Uenighet")
    meeting = make_meeting(area.body.escalates_to, date(2099, 1, 5), status="planlagt")
    assert decisions.escalate(session, r, None, "Uenighet").meeting is meeting
