"""The product_areas section of the exchange format: import, export, round trip, bad input."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from govern.exports.exchange import build_exchange
from govern.models import Body, ChangeRequest, Meeting
from govern.services import changes, meeting_status, minutes, minutes_locking
from govern.services.exchange import ExchangeError, import_exchange
from tests.conftest import add_case, make_meeting
from tests.services.test_exchange import DEMO


@pytest.fixture
def document():
    return json.loads(DEMO.read_text(encoding="utf-8"))


def test_demo_round_trip(session, demo, document):
    assert build_exchange(session)["product_areas"] == document["product_areas"]


def test_demo_area_budget_and_escalation(session, demo):
    body = session.scalar(select(Body).where(Body.slug == "endringsrad-medikasjon"))
    area = changes.area_of(session, body)
    statuses = {r.status for r in changes.requests_of(session, area)}
    assert statuses == {
        "registrert", "vurdert", "prioritert", "planlagt", "levert", "avvist", "eskalert",
    }  # fmt: skip
    status = changes.budget_status(session, area, 2026)
    assert (status.budget, status.committed) == (4_800_000, 2_810_000)
    plan = changes.backlog(session, area, 2026)
    assert plan.cut is not None and plan.lines[plan.cut].request.number == "EØ-011"
    escalated = session.scalar(select(ChangeRequest).where(ChangeRequest.status == "eskalert"))
    assert escalated.escalation.body.slug == "produktrad-dips-arena"
    assert escalated.escalation.number == "3/26"
    # The history names the meetings' decisions: the escalation, and the produktråd's outcome
    # waiting for its minutes to be approved.
    assert [(e.change_label, e.decided_in) for e in escalated.events if e.treatment] == [
        ("Vurdert → Eskalert", "Produktrådet, møte 1/26, sak 3/26"),
        ("Vedtatt: Prioritert", "Produktrådet, møte 1/26, sak 3/26"),
    ]
    decided = {
        r.number
        for r in changes.requests_of(session, area)
        for e in r.events
        if e.from_meeting and e.to_status == "prioritert" and r.status == "vurdert"
    }
    assert decided == {"EØ-008", "EØ-009", "EØ-010"}


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [
        (lambda r: r.update(status="levert", release=None), "requests[0].release", "utgivelse"),
        (
            lambda r: r.update(status="avvist", rejection_reason=""),
            "rejection_reason",
            "begrunnelse",
        ),
        (lambda r: r.update(organisation="Ukjent RHF"), "organisation", "ukjent organisasjon"),
        (lambda r: r.update(classification="annet"), "classification", "skal være en av"),
        (lambda r: r.update(escalation={"case": "finnes-ikke", "body": "x"}), "case", "ukjent sak"),
        (
            lambda r: r["events"][0].update(body="produktrad-dips-arena", case_number="9/26"),
            "events[0].case_number",
            "har ingen sak 9/26",
        ),
    ],
)
def test_bad_requests_name_the_place(session, document, mutate, where, message):
    request = document["product_areas"][0]["requests"][0]
    mutate(request)
    request = {k: v for k, v in request.items() if v is not None}
    document["product_areas"][0]["requests"][0] = request
    with pytest.raises(ExchangeError, match=message) as error:
        import_exchange(session, document)
    assert where in error.value.field


def test_demo_outcome_flows_back_when_the_produktrad_approves_its_minutes(session, demo):
    produktrad = session.scalar(select(Body).where(Body.slug == "produktrad-dips-arena"))
    first = session.scalar(select(Meeting).where(Meeting.body_id == produktrad.id))
    minutes_locking.send_minutes(session, None, first)
    second = make_meeting(produktrad, date(2026, 6, 2))
    approval = add_case(second, "Godkjenning", "Godkjenning")
    t = approval.treatment
    minutes.record_minutes(session, None, t, minutes.MinutesInput(t.version, decision="Godkjent."))
    # Approved when the approving meeting is marked held, as the secretariat confirms.
    waiting = session.scalar(select(ChangeRequest).where(ChangeRequest.seq == 3))
    assert waiting.status != "prioritert"
    meeting_status.change_status(session, second, "gjennomført", second.version, confirmed=True)
    request = session.scalar(select(ChangeRequest).where(ChangeRequest.seq == 3))
    assert request.status == "prioritert"
    assert request.events[-1].note.startswith("Produktrådet vedtok i sak 3/26, møte 1/26")
