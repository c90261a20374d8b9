"""Bodies and memberships changed from the secretariat's pages: rules and the audit log."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from govern.models import AuditEntry, Body, Membership, Organisation
from govern.services import bodies, memberships
from govern.services.audit import StaleEdit
from govern.services.bodies import BodyInput, BodyUpdate
from govern.services.errors import Conflict, InvalidInput
from govern.services.memberships import MemberInput, MembershipInput, MembershipUpdate
from tests.conftest import make_body, make_person


def _log(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _details(body: Body, **changed) -> BodyUpdate:
    values = {
        "name": body.name,
        "short_name": body.short_name,
        "kind": body.kind,
        "status": body.status,
        "mandate": body.mandate,
        "external": body.external,
        "escalates_to_id": body.escalates_to_id,
    }
    return BodyUpdate(**(values | changed))


def test_register_body_sets_escalation_and_logs(session):
    top = make_body("produktradet", "Produktrådet")
    body = bodies.register_body(
        session, None, BodyInput("fagradet", "Fagrådet for X", "Fagrådet", "fagråd"), top.id
    )
    assert body.escalates_to is top
    (entry,) = _log(session, "body.create")
    assert entry.body_id == body.id and entry.summary == "Organet Fagrådet ble opprettet"


def test_create_body_keeps_its_messages(session):
    make_body()
    with pytest.raises(Conflict, match="Det finnes allerede et organ med adressen «fagradet»"):
        make_body()
    with pytest.raises(InvalidInput, match="små bokstaver a–z"):
        make_body("Fag rådet")
    with pytest.raises(InvalidInput, match="Ukjent type «forening»"):
        make_body("ny", kind="forening")


def test_update_body_records_what_changed(session):
    top = make_body("produktradet", "Produktrådet")
    body = make_body()
    changes = bodies.update_body(
        session,
        None,
        body,
        _details(body, name="Nytt navn", status="Planlagt", escalates_to_id=top.id),
        body.version,
    )
    session.flush()
    assert changes == {
        "name": ["Nasjonalt fagrådet for digitalisering", "Nytt navn"],
        "status": ["Etablert", "Planlagt"],
        "escalates_to": [None, "Nasjonalt produktrådet for digitalisering"],
    }
    (entry,) = _log(session, "body.update")
    assert entry.changes == changes and entry.summary == "Opplysningene om Fagrådet ble endret"
    assert body.version == 2
    assert bodies.update_body(session, None, body, _details(body), body.version) == {}


def test_update_body_refuses_a_stale_version(session):
    body = make_body()
    bodies.update_body(session, None, body, _details(body, name="Først"), body.version)
    with pytest.raises(StaleEdit, match="Organet ble endret av noen andre"):
        bodies.update_body(session, None, body, _details(body, name="Senere"), 1)
    assert body.name == "Først"


def test_update_body_turns_a_lost_update_into_a_stale_edit(session):
    body = make_body()
    session.commit()
    # Someone else saves between this request's version check and its write.
    session.execute(
        update(Body).where(Body.id == body.id).values(version=Body.version + 1),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(StaleEdit):
        bodies.update_body(session, None, body, _details(body, name="Mitt navn"), body.version)
    session.rollback()


def test_escalation_may_not_go_in_circles(session):
    a, b = make_body("a", "A"), make_body("b", "B")
    c = make_body("c", "C")
    bodies.set_escalation(a, b)
    bodies.set_escalation(b, c)
    with pytest.raises(InvalidInput, match="eskaleringen ville gått i ring"):
        bodies.update_body(session, None, c, _details(c, escalates_to_id=a.id), c.version)
    with pytest.raises(InvalidInput, match="kan ikke eskalere til seg selv"):
        bodies.update_body(session, None, c, _details(c, escalates_to_id=c.id), c.version)


def test_add_member_registers_a_new_person_and_organisation(session):
    body = make_body()
    membership = memberships.add_member(
        session,
        None,
        body,
        MemberInput(
            "medlem",
            new_name="Ola Nordmann",
            new_organisation="Nytt Helseforetak HF",
            new_email="Ola@Example.no",
            starts_on=date(2026, 1, 1),
        ),
    )
    assert membership.person.label == "Ola Nordmann, Nytt Helseforetak HF"
    assert membership.person.email == "ola@example.no"
    assert session.scalar(select(Organisation).where(Organisation.name == "Nytt Helseforetak HF"))
    assert [e.summary for e in _log(session, "person.create")] == [
        "Ola Nordmann, Nytt Helseforetak HF ble registrert"
    ]
    (entry,) = _log(session, "membership.create")
    assert entry.summary == "Ola Nordmann ble medlem i Fagrådet (fra 01.01.2026)"


def test_add_member_wants_one_person(session):
    body = make_body()
    kari = make_person("Kari Nordmann")
    with pytest.raises(InvalidInput, match="ikke begge") as both:
        memberships.add_member(session, None, body, MemberInput("medlem", kari.id, new_name="Ola"))
    assert both.value.field == "person_id"
    with pytest.raises(InvalidInput, match="Velg en person i listen, eller skriv navnet"):
        memberships.add_member(session, None, body, MemberInput("medlem"))
    with pytest.raises(InvalidInput, match="Navn må fylles ut") as nameless:
        memberships.add_member(session, None, body, MemberInput("medlem", new_organisation="KS"))
    assert nameless.value.field == "new_name"
    with pytest.raises(Conflict, match="allerede en person som heter Kari Nordmann") as twin:
        memberships.add_member(session, None, body, MemberInput("medlem", new_name="Kari Nordmann"))
    assert twin.value.field == "new_name"
    with pytest.raises(InvalidInput, match="ikke en gyldig e-postadresse") as email:
        memberships.add_member(
            session, None, body, MemberInput("medlem", new_name="O", new_email="x")
        )
    assert email.value.field == "new_email"


def test_deputy_rules(session):
    body = make_body()
    stine, marthe, outsider = (make_person(n) for n in ("Stine", "Marthe", "Utenfor"))
    memberships.add_membership(session, body, stine, MembershipInput("medlem"))
    with pytest.raises(InvalidInput, match="Bare en vara kan stille") as not_vara:
        memberships.add_member(
            session, None, body, MemberInput("medlem", marthe.id, deputy_for_id=stine.id)
        )
    assert not_vara.value.field == "deputy_for"
    with pytest.raises(InvalidInput, match="kan ikke være vara for seg selv"):
        memberships.add_member(
            session, None, body, MemberInput("vara", stine.id, deputy_for_id=stine.id)
        )
    with pytest.raises(InvalidInput, match="Utenfor er ikke medlem av Fagrådet"):
        memberships.add_member(
            session, None, body, MemberInput("vara", marthe.id, deputy_for_id=outsider.id)
        )
    vara = memberships.add_member(
        session, None, body, MemberInput("vara", marthe.id, deputy_for_id=stine.id)
    )
    assert vara.deputy_for is stine
    with pytest.raises(InvalidInput, match="Bare en vara kan stille"):
        memberships.update_membership(
            session, None, vara, MembershipUpdate("medlem", deputy_for_id=stine.id)
        )


def test_the_same_role_may_not_overlap_in_time(session):
    body = make_body()
    kari = make_person("Kari")
    first = memberships.add_member(
        session, None, body, MemberInput("medlem", kari.id, ends_on=date(2025, 12, 31))
    )
    with pytest.raises(
        Conflict, match=r"Kari har allerede rollen medlem i Fagrådet \(til 31.12.2025\)"
    ):
        memberships.add_member(
            session, None, body, MemberInput("medlem", kari.id, starts_on=date(2025, 6, 1))
        )
    later = memberships.add_member(
        session, None, body, MemberInput("medlem", kari.id, starts_on=date(2026, 1, 1))
    )
    memberships.add_member(
        session, None, body, MemberInput("leder", kari.id, starts_on=date(2025, 6, 1))
    )
    # Editing a membership does not collide with itself, only with the others.
    memberships.update_membership(
        session, None, first, MembershipUpdate("medlem", date(2024, 1, 1), date(2025, 12, 31))
    )
    with pytest.raises(Conflict):
        memberships.update_membership(
            session, None, later, MembershipUpdate("medlem", date(2025, 1, 1))
        )


def test_update_membership_records_changes(session):
    body = make_body()
    stine, marthe = make_person("Stine"), make_person("Marthe")
    memberships.add_membership(session, body, stine, MembershipInput("medlem"))
    membership = memberships.add_member(session, None, body, MemberInput("medlem", marthe.id))
    changes = memberships.update_membership(
        session, None, membership, MembershipUpdate("vara", date(2026, 2, 1), None, stine.id)
    )
    assert changes == {
        "role": ["medlem", "vara"],
        "starts_on": [None, "2026-02-01"],
        "deputy_for": [None, "Stine"],
    }
    with pytest.raises(InvalidInput, match="Perioden slutter før den begynner"):
        memberships.update_membership(
            session, None, membership, MembershipUpdate("vara", date(2026, 2, 1), date(2026, 1, 1))
        )
    assert (
        memberships.update_membership(
            session, None, membership, MembershipUpdate("vara", date(2026, 2, 1), None, stine.id)
        )
        == {}
    )


def test_end_membership(session):
    body = make_body()
    kari = make_person("Kari")
    membership = memberships.add_member(
        session, None, body, MemberInput("medlem", kari.id, starts_on=date(2026, 3, 1))
    )
    with pytest.raises(InvalidInput, match="begynte 01.03.2026 og kan ikke slutte før det"):
        memberships.end_membership(session, None, membership, date(2026, 2, 28))
    memberships.end_membership(session, None, membership, date(2026, 6, 30))
    assert session.get(Membership, membership.id).ends_on == date(2026, 6, 30)
    with pytest.raises(InvalidInput, match="slutter allerede 30.06.2026"):
        memberships.end_membership(session, None, membership, date(2026, 7, 31))
    (entry,) = _log(session, "membership.end")
    assert entry.changes == {"ends_on": [None, "2026-06-30"]}
    assert entry.summary == (
        "Medlemskapet til Kari (medlem) i Fagrådet ble avsluttet; siste dag 30.06.2026"
    )
