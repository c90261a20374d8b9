"""Linking a case to earlier treatments, external treatments by hand, and finding treatments."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from govern.models import Treatment
from govern.models.audit import AuditEntry
from govern.services.cases import (
    ExternalTreatmentInput,
    add_external_treatment,
    delete_external_treatment,
    find_treatments,
    link_case,
    register_external_treatment,
    unlink_case,
    update_external_treatment,
)
from govern.services.errors import Conflict, GovernError, InvalidInput
from tests.conftest import add_case, make_body, make_meeting


def build_history(session) -> SimpleNamespace:
    """Two cases in Fagrådet, the newer continuing the older; the older was treated as 14/25
    in Nasjonalt e-helseråd; the newer is also on a draft meeting's agenda."""
    fagradet = make_body()
    ehr = make_body("nasjonalt-e-helserad", "Nasjonalt e-helseråd", external=True)
    nuit = make_body("nuit", "NUIT", external=True)
    january = make_meeting(fagradet, date(2026, 1, 22))
    january.minutes_status = "godkjent"
    older = add_case(
        january,
        "Felles journalløsning for kommunene",
        proposed_decision="Fagrådet drøfter saken.",
        decision="Fagrådet støtter retningen for journalløsningen.",
    ).treatment
    register_external_treatment(
        session,
        older.case,
        ehr,
        ExternalTreatmentInput(
            "14/25", date(2025, 6, 12), None, "Drøfting", "E-helserådet ba om en utredning."
        ),
    )
    april = make_meeting(fagradet, date(2026, 4, 29))
    newer = add_case(
        april, "Ærlig vurdering av journalløsningen", proposed_decision="Fagrådet anbefaler."
    ).treatment
    draft = make_meeting(fagradet, date(2026, 10, 7), status="planlagt")
    later = add_case(draft, None, "Beslutning", case=newer.case).treatment
    newer.case.follows = older.case
    session.commit()
    return SimpleNamespace(
        fagradet=fagradet, ehr=ehr, nuit=nuit, older=older, newer=newer, later=later, draft=draft
    )


@pytest.fixture
def h(session):
    return build_history(session)


ANONYMOUS = None


def numbers(treatments) -> list[str]:
    return [f"{t.number} {t.body.short_name}" for t in treatments]


def test_number_search_is_exact_and_can_name_the_body(session, h):
    found = find_treatments(session, ANONYMOUS, "14/25")
    assert numbers(found) == ["14/25 Nasjonalt e-helseråd"]
    assert numbers(find_treatments(session, ANONYMOUS, " 1 / 26 ")) == ["1/26 Fagrådet"]
    assert find_treatments(session, ANONYMOUS, "4/25") == []
    assert numbers(find_treatments(session, ANONYMOUS, "14/25 E-HELSERÅD")) == [
        "14/25 Nasjonalt e-helseråd"
    ]
    assert find_treatments(session, ANONYMOUS, "14/25 NUIT") == []
    assert find_treatments(session, ANONYMOUS, "14/25", body=h.fagradet) == []
    assert numbers(find_treatments(session, ANONYMOUS, "14/25", body=h.ehr.id)) == [
        "14/25 Nasjonalt e-helseråd"
    ]


def test_title_search_ignores_case_also_for_norwegian_letters(session, h):
    assert numbers(find_treatments(session, ANONYMOUS, "JOURNALLØSNING")) == [
        "2/26 Fagrådet",
        "1/26 Fagrådet",
        "14/25 Nasjonalt e-helseråd",
    ]
    assert numbers(find_treatments(session, ANONYMOUS, "ærlig")) == ["2/26 Fagrådet"]
    assert find_treatments(session, ANONYMOUS, "100%") == []
    assert find_treatments(session, ANONYMOUS, "   ") == []


def test_search_leaves_out_drafts_for_the_public_and_the_case_itself(session, h):
    assert "3/26 Fagrådet" not in numbers(find_treatments(session, ANONYMOUS, "ærlig"))
    admin = SimpleNamespace(is_authenticated=True, is_admin=True)
    assert "3/26 Fagrådet" in numbers(find_treatments(session, admin, "ærlig"))
    found = find_treatments(session, ANONYMOUS, "journal", exclude_case=h.newer.case)
    assert numbers(found) == ["1/26 Fagrådet", "14/25 Nasjonalt e-helseråd"]


def test_a_cycle_is_refused_and_nothing_changes(session, h):
    with pytest.raises(InvalidInput) as refused:
        link_case(session, h.older.case, h.newer.case, None)
    assert "videreføre seg selv" in refused.value.message
    session.rollback()
    assert h.older.case.follows is None
    with pytest.raises(InvalidInput):
        link_case(session, h.newer.case, h.newer.case, None)


def test_link_and_unlink_are_audited(session, h):
    unlink_case(session, h.newer.case, None)
    session.commit()
    assert h.newer.case.follows is None
    link_case(session, h.newer.case, h.older.case, None)
    session.commit()
    assert h.newer.case.follows is h.older.case
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["case.unlink", "case.link"]


def test_external_treatment_rules(session, h):
    case = h.newer.case

    def refused(body, number, on, error=GovernError):
        with pytest.raises(error) as caught:
            add_external_treatment(session, case, body, ExternalTreatmentInput(number, on), None)
        session.rollback()
        return caught.value

    wrong_year = refused(h.nuit, "3/25", date(2026, 2, 1), InvalidInput)
    assert wrong_year.field == "number" and "passer ikke med datoen" in wrong_year.message
    taken = refused(h.ehr, "14/25", date(2025, 9, 1), Conflict)
    assert taken.field == "number" and "allerede brukt i Nasjonalt e-helseråd" in taken.message
    internal = refused(h.fagradet, "9/26", date(2026, 2, 1), InvalidInput)
    assert internal.field == "body"
    bad = refused(h.nuit, "fjorten", None, InvalidInput)
    assert bad.field == "number"
    assert session.scalars(select(Treatment).where(Treatment.body_id == h.nuit.id)).all() == []


def test_update_and_delete_external_treatment(session, h):
    external = session.scalar(select(Treatment).where(Treatment.body_id == h.ehr.id))
    data = ExternalTreatmentInput("15/25", date(2025, 6, 12), None, "Beslutning", "Nytt vedtak.")
    update_external_treatment(session, external, h.ehr, data, None, external.version)
    session.commit()
    assert (external.number, external.sakstype, external.decision) == (
        "15/25",
        "Beslutning",
        "Nytt vedtak.",
    )
    moved = ExternalTreatmentInput("15/25", date(2025, 6, 12), None, "Beslutning", "Nytt vedtak.")
    update_external_treatment(session, external, h.nuit, moved, None, external.version)
    session.commit()
    assert external.body is h.nuit
    with pytest.raises(Conflict):  # an old version is refused
        update_external_treatment(session, external, h.nuit, moved, None, external.version - 1)
    session.rollback()
    with pytest.raises(InvalidInput):  # a meeting's treatment is not edited here
        update_external_treatment(session, h.newer, h.nuit, moved, None, h.newer.version)
    session.rollback()
    delete_external_treatment(session, external, None)
    session.commit()
    assert session.get(Treatment, external.id) is None
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["treatment.external.update", "treatment.external.update",
                       "treatment.external.delete"]  # fmt: skip
