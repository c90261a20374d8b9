"""Follow-ups of decisions: the rules, closing and reopening, stale edits, the overdue list."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from govern.models.audit import AuditEntry
from govern.models.followups import FollowUp
from govern.services import people
from govern.services.audit import StaleEdit
from govern.services.errors import InvalidInput
from govern.services.followups import (
    FollowUpInput,
    add_follow_up,
    delete_follow_up,
    overdue_followups,
    update_follow_up,
)
from tests.conftest import add_case, make_body, make_meeting


@pytest.fixture
def decision(session):
    body = make_body()
    meeting = make_meeting(body, date(2026, 1, 21))
    item = add_case(meeting, "Nasjonal e-helsestrategi")
    item.treatment.decision = "Fagrådet slutter seg til forslaget."
    session.commit()
    return item.treatment


def test_add_needs_someone_responsible(session, decision):
    with pytest.raises(InvalidInput) as error:
        add_follow_up(session, decision, FollowUpInput(responsible="  "))
    assert error.value.field == "responsible"
    assert "ansvarlig" in error.value.message
    assert session.scalars(select(FollowUp)).all() == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (FollowUpInput(status="ferdig", responsible="FHI"), "status"),
        (FollowUpInput(responsible="FHI", due_on=date(2025, 12, 1)), "due_on"),
        (FollowUpInput(responsible="FHI", due_on=date(2199, 1, 1)), "due_on"),
        (FollowUpInput(organisation_id=999), "organisation_id"),
        (FollowUpInput(person_id=999), "person_id"),
    ],
)
def test_bad_values_are_refused_naming_the_field(session, decision, data, field):
    with pytest.raises(InvalidInput) as error:
        add_follow_up(session, decision, data)
    assert error.value.field == field


def test_add_with_organisation_person_and_audit(session, decision):
    organisation = people.get_or_create_organisation(session, "Folkehelseinstituttet")
    person = people.create_person(session, people.PersonInput("Kari Nordmann", "Helsedirektoratet"))
    follow_up = add_follow_up(
        session,
        decision,
        FollowUpInput(
            title="Utred konsekvenser",
            organisation_id=organisation.id,
            person_id=person.id,
            due_on=date(2026, 6, 1),
        ),
    )
    session.commit()
    assert follow_up.status == "ikke startet"
    assert follow_up.closed_at is None
    assert follow_up.responsible_text == "Kari Nordmann, Folkehelseinstituttet"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "followup.create"))
    assert "1/26" in entry.summary


def test_closing_sets_closed_at_and_reopening_clears_it(session, decision):
    follow_up = add_follow_up(session, decision, FollowUpInput(responsible="FHI"))
    session.commit()
    update_follow_up(
        session, follow_up, FollowUpInput(status="fullført", responsible="FHI"), follow_up.version
    )
    session.commit()
    assert follow_up.closed_at is not None
    first_closed = follow_up.closed_at
    update_follow_up(
        session, follow_up, FollowUpInput(status="bortfalt", responsible="FHI"), follow_up.version
    )
    assert follow_up.closed_at == first_closed
    update_follow_up(
        session, follow_up, FollowUpInput(status="pågår", responsible="FHI"), follow_up.version
    )
    session.commit()
    assert follow_up.closed_at is None
    changes = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "followup.update").order_by(AuditEntry.id)
    ).all()
    assert changes[-1].changes["status"] == ["bortfalt", "pågår"]


def test_stale_update_and_delete_are_refused(session, decision):
    follow_up = add_follow_up(session, decision, FollowUpInput(responsible="FHI"))
    session.commit()
    opened = follow_up.version
    update_follow_up(session, follow_up, FollowUpInput(responsible="Helsedirektoratet"), opened)
    session.commit()
    with pytest.raises(StaleEdit):
        update_follow_up(session, follow_up, FollowUpInput(responsible="NHN"), opened)
    with pytest.raises(StaleEdit):
        delete_follow_up(session, follow_up, opened)
    delete_follow_up(session, follow_up, follow_up.version)
    session.commit()
    assert session.scalars(select(FollowUp)).all() == []


def test_overdue_only_open_past_due_in_the_given_bodies(session, decision):
    other = make_body("nufa", "NUFA")
    other_meeting = make_meeting(other, date(2026, 1, 22))
    other_item = add_case(other_meeting, "Annen sak")
    today = date(2026, 5, 1)
    late = add_follow_up(
        session, decision, FollowUpInput(responsible="FHI", due_on=date(2026, 3, 1))
    )
    add_follow_up(session, decision, FollowUpInput(responsible="FHI", due_on=date(2026, 6, 1)))
    add_follow_up(
        session,
        decision,
        FollowUpInput(status="fullført", responsible="FHI", due_on=date(2026, 2, 1)),
    )
    add_follow_up(session, decision, FollowUpInput(responsible="Uten frist"))
    add_follow_up(
        session, other_item.treatment, FollowUpInput(responsible="NHN", due_on=date(2026, 2, 1))
    )
    session.commit()
    found = overdue_followups(session, [decision.body], today)
    assert [f.id for f in found] == [late.id]
    assert found[0].is_overdue(today)
    assert overdue_followups(session, [], today) == []
