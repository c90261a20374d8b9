"""Habilitet: a member declares inhabilitet in a case, the secretariat decides or records it;
the audit log has every step, bad input changes nothing, approved minutes lock it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from govern.models import AuditEntry, Recusal
from govern.services import accounts, memberships
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.recusals import (
    RecusalInput,
    decide_recusal,
    decided_recusals,
    declare_recusal,
    record_recusal,
    withdraw_recusal,
)
from tests.conftest import add_case, make_body, make_meeting, make_person

BASIS = "fvl. § 6 første ledd bokstav e"


@pytest.fixture
def council(session):
    """Fagrådet with a member (with an account), an observer, the secretariat, a meeting
    with a case, and a person outside the body."""
    body = make_body()
    meeting = make_meeting(body, date(2027, 4, 29))
    treatment = add_case(meeting, "Anskaffelse av analyseplattform").treatment
    people = {}
    for name, role in (("Jon Gupta", "medlem"), ("Siv Sekretær", "sekretariat")):
        person = make_person(name, email=f"{name.split()[0].lower()}@example.no")
        memberships.add_membership(session, body, person, memberships.MembershipInput(role))
        people[role] = accounts.create_account(session, person, person.email, password="x" * 12)
    outsider = make_person("Ola Utenfor")
    session.commit()
    return body, meeting, treatment, people["medlem"], people["sekretariat"], outsider


def _log(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.summary).order_by(AuditEntry.id)))


def test_a_member_declares_and_the_secretariat_decides(session, council):
    body, meeting, treatment, member, secretariat, _ = council
    recusal = declare_recusal(
        session, member, treatment, RecusalInput(BASIS, "Styremedlem hos leverandøren")
    )
    session.commit()
    assert (recusal.status, recusal.basis, recusal.reason) == (
        "meldt",
        BASIS,
        "Styremedlem hos leverandøren",
    )
    assert decided_recusals(treatment) == []  # not in the referat before it is decided
    decide_recusal(session, secretariat, recusal, True, "Innvilget")
    session.commit()
    assert recusal.status == "inhabil" and recusal.decided_by_id == secretariat.id
    assert decided_recusals(treatment) == [recusal]
    assert recusal.minutes_sentence == (
        "Jon Gupta fratrådte under behandlingen av saken (inhabil, fvl. § 6 første ledd bokstav e)."
    )
    log = _log(session)
    assert (
        f"Jon Gupta meldte seg inhabil i sak {treatment.number} ({meeting.title}) ({BASIS})" in log
    )
    assert f"Jon Gupta ble funnet inhabil i sak {treatment.number} ({meeting.title})" in log
    # Declaring again once decided inhabil is refused.
    with pytest.raises(Conflict, match="allerede registrert som inhabil"):
        declare_recusal(session, member, treatment, RecusalInput(BASIS))


def test_bad_input_is_refused_in_norwegian_and_saves_nothing(session, council):
    _, _, treatment, member, secretariat, outsider = council
    with pytest.raises(InvalidInput, match="Velg grunnlaget for inhabiliteten"):
        declare_recusal(session, member, treatment, RecusalInput("§ 99"))
    with pytest.raises(InvalidInput, match="høyst 4000 tegn"):
        declare_recusal(session, member, treatment, RecusalInput(BASIS, "x" * 4001))
    # The secretariat is not a member of the body: it records, it does not declare.
    with pytest.raises(InvalidInput, match="Bare medlemmer av organet"):
        declare_recusal(session, secretariat, treatment, RecusalInput(BASIS))
    with pytest.raises(InvalidInput, match="Ola Utenfor er ikke medlem av Fagrådet"):
        record_recusal(session, secretariat, treatment, outsider.id, RecusalInput(BASIS))
    with pytest.raises(NotFound, match="Velg medlemmet"):
        record_recusal(session, secretariat, treatment, 0, RecusalInput(BASIS))
    session.rollback()
    assert session.scalars(select(Recusal)).all() == []
    assert _log(session) == []


def test_the_secretariat_records_directly_and_a_member_withdraws_only_undecided(session, council):
    _, _, treatment, member, secretariat, _ = council
    person = member.person
    recusal = record_recusal(session, secretariat, treatment, person.id, RecusalInput(BASIS))
    session.commit()
    assert recusal.status == "inhabil"
    assert _log(session)[-1].startswith("Jon Gupta ble registrert som inhabil")
    with pytest.raises(Conflict, match="allerede avgjort"):
        withdraw_recusal(session, member, recusal)
    session.rollback()
    withdraw_recusal(session, secretariat, recusal)
    session.commit()
    assert session.scalars(select(Recusal)).all() == []
    mine = declare_recusal(session, member, treatment, RecusalInput("fvl. § 6 andre ledd"))
    session.commit()
    withdraw_recusal(session, member, mine)
    session.commit()
    assert session.scalars(select(Recusal)).all() == []
    assert "trukket" in _log(session)[-1]


def test_approved_minutes_lock_habilitet(session, council):
    _, meeting, treatment, member, secretariat, _ = council
    recusal = declare_recusal(session, member, treatment, RecusalInput(BASIS))
    meeting.status, meeting.minutes_status = "referat godkjent", "godkjent"
    session.commit()
    with pytest.raises(Conflict, match="godkjent og låst"):
        decide_recusal(session, secretariat, recusal, True)
    session.rollback()
    assert session.get(Recusal, recusal.id).status == "meldt"
