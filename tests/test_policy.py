"""The permission policy, asked with plain objects: no app, no request, no database.

A reader is anything with is_authenticated, is_admin, person_id and person.memberships;
the targets are model objects that were never added to a session. The day is an argument,
so a membership that ends or starts tomorrow is tested by asking about tomorrow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from govern import policy
from govern.models import Base
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.cycles import Cycle, CycleEntry
from govern.models.meetings import MEETING_STATUSES, MINUTES_STATUSES, Meeting

DAY = date(2026, 11, 23)


@dataclass
class Member:
    body_id: int
    role: str
    starts_on: date | None = None
    ends_on: date | None = None

    def active_on(self, day: date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


@dataclass
class PersonStub:
    memberships: list[Member] = field(default_factory=list)


@dataclass
class Reader:
    person_id: int | None = 7
    memberships: list[Member] = field(default_factory=list)
    is_admin: bool = False
    is_authenticated: bool = True

    @property
    def person(self) -> PersonStub:
        return PersonStub(self.memberships)


class Anonymous:
    is_authenticated = False
    is_admin = False
    person_id = None


FAGRADET = Body(id=1, slug="fagradet", short_name="Fagrådet")
NUIT = Body(id=2, slug="nuit", short_name="NUIT")


def member(role: str, body: Body = FAGRADET, **dates) -> Reader:
    return Reader(memberships=[Member(body.id, role, **dates)])


def meeting(status="innkalt", minutes="utkast", shared=False, body=FAGRADET) -> Meeting:
    return Meeting(
        body=body, body_id=body.id, status=status, minutes_status=minutes, agenda_shared=shared
    )


VISITORS = {"none": None, "anonymous": Anonymous(), "no roles": Reader()}


@pytest.mark.parametrize("who", VISITORS)
def test_a_visitor_reads_published_meetings_and_approved_minutes_only(who):
    reader = VISITORS[who]
    assert policy.can(reader, "read", meeting("innkalt"), on=DAY)
    assert not policy.can(reader, "read", meeting("planlagt"), on=DAY)
    assert not policy.can(reader, "read", meeting("planlagt", shared=True), on=DAY)
    assert policy.can(reader, "read_minutes", meeting(minutes="godkjent"), on=DAY)
    assert not policy.can(reader, "read_minutes", meeting(minutes="sendt"), on=DAY)
    assert not policy.can(reader, "prepare", FAGRADET, on=DAY)
    assert not policy.can(reader, "admin", on=DAY)
    assert policy.can(reader, "read", FAGRADET, on=DAY)
    assert policy.roles_in(reader, FAGRADET, on=DAY) == set()


def test_a_member_reads_shared_agendas_and_minutes_sent_to_members_of_their_body_only():
    reader = member("medlem")
    assert policy.can(reader, "read", meeting("planlagt", shared=True), on=DAY)
    assert not policy.can(reader, "read", meeting("planlagt"), on=DAY)
    assert not policy.can(reader, "read", meeting("planlagt", shared=True, body=NUIT), on=DAY)
    assert policy.can(reader, "read_minutes", meeting(minutes="sendt"), on=DAY)
    assert not policy.can(reader, "read_minutes", meeting(minutes="utkast"), on=DAY)
    assert not policy.can(reader, "read_minutes", meeting(minutes="sendt", body=NUIT), on=DAY)
    assert not policy.can(reader, "prepare", FAGRADET, on=DAY)
    assert policy.is_body_reader(reader, FAGRADET, on=DAY)
    assert not policy.is_body_reader(reader, NUIT, on=DAY)


def test_the_secretariat_prepares_and_reads_everything_of_its_body():
    reader = member("sekretariat")
    draft = meeting("planlagt", minutes="utkast")
    assert policy.can(reader, "prepare", FAGRADET, on=DAY)
    assert policy.can(reader, "prepare", draft, on=DAY)
    assert policy.can(reader, "read", draft, on=DAY)
    assert policy.can(reader, "read_minutes", draft, on=DAY)
    assert not policy.can(reader, "prepare", NUIT, on=DAY)
    assert policy.may_edit_cases(reader, on=DAY)
    assert not policy.may_edit_cases(member("medlem"), on=DAY)


def test_the_day_decides_which_memberships_count():
    reader = member("sekretariat", starts_on=DAY, ends_on=DAY + timedelta(days=30))
    assert not policy.can(reader, "prepare", FAGRADET, on=DAY - timedelta(days=1))
    assert policy.can(reader, "prepare", FAGRADET, on=DAY)
    assert policy.can(reader, "prepare", FAGRADET, on=DAY + timedelta(days=30))
    assert not policy.can(reader, "prepare", FAGRADET, on=DAY + timedelta(days=31))
    assert policy.body_ids_with(reader, {"sekretariat"}, on=DAY) == [1]
    assert policy.body_ids_with(reader, {"sekretariat"}, on=DAY - timedelta(days=1)) == []


def test_an_administrator_may_do_everything():
    admin = Reader(is_admin=True)
    assert policy.can(admin, "admin", on=DAY)
    assert policy.can(admin, "prepare", NUIT, on=DAY)
    assert policy.can(admin, "read", meeting("planlagt"), on=DAY)
    assert policy.may_edit_cases(admin, on=DAY)
    assert policy.is_admin(admin) and not policy.is_admin(Anonymous())


def test_a_shared_cycle_is_prepared_by_anyone_in_a_secretariat():
    shared = Cycle(body=None)
    entry = CycleEntry(cycle=shared)
    assert policy.can(member("sekretariat", NUIT), "prepare", shared, on=DAY)
    assert policy.can(member("sekretariat", NUIT), "prepare", entry, on=DAY)
    assert not policy.can(member("medlem"), "prepare", shared, on=DAY)
    assert not policy.can(Anonymous(), "prepare", shared, on=DAY)
    own = Cycle(body=FAGRADET)
    assert policy.can(member("sekretariat"), "prepare", own, on=DAY)
    assert not policy.can(member("sekretariat", NUIT), "prepare", own, on=DAY)


def test_the_memo_is_edited_by_the_case_owner_handler_and_the_secretariat():
    case = Case(sakseier_id=7, saksbehandler_id=8)
    treatment = Treatment(case=case, body=FAGRADET)
    assert policy.can(Reader(person_id=7), "edit_memo", treatment, on=DAY)
    assert policy.can(Reader(person_id=8), "edit_memo", treatment, on=DAY)
    assert not policy.can(Reader(person_id=9), "edit_memo", treatment, on=DAY)
    assert not policy.can(Anonymous(), "edit_memo", treatment, on=DAY)
    secretariat = Reader(person_id=9, memberships=[Member(1, "sekretariat")])
    assert policy.can(secretariat, "edit_memo", treatment, on=DAY)


def test_visible_treatments_and_linking():
    external = Treatment(body=NUIT, meeting=None)
    public = Treatment(body=FAGRADET, meeting=meeting("innkalt"))
    draft = Treatment(body=FAGRADET, meeting=meeting("planlagt"))
    history = [external, public, draft]
    assert policy.visible_treatments(None, history, on=DAY) == [external, public]
    assert policy.visible_treatments(member("sekretariat"), history, on=DAY) == history
    assert policy.may_link(member("sekretariat"), history, on=DAY)
    assert policy.may_link(member("sekretariat", NUIT), history, on=DAY)
    assert not policy.may_link(member("medlem"), history, on=DAY)
    assert policy.may_link(Reader(is_admin=True), [], on=DAY)


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        policy.can(None, "delete", FAGRADET, on=DAY)


# -- the SQL filters agree with can(), on a bare database: no app ---------------------------


READERS = {
    "anonymous": Anonymous(),
    "no roles": Reader(),
    "medlem": member("medlem"),
    "medlem i NUIT": member("medlem", NUIT),
    "sekretariat": member("sekretariat"),
    "sekretariat fra i morgen": member("sekretariat", starts_on=DAY + timedelta(days=1)),
    "admin": Reader(is_admin=True),
}


@pytest.fixture(scope="module")
def bare():
    """Every meeting state in two bodies, with a treatment each and one external treatment,
    in an in-memory SQLite database made by SQLAlchemy alone."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        fagradet = Body(slug="fagradet", name="Fagrådet", short_name="Fagrådet", kind="fagråd")
        nuit = Body(slug="nuit", name="NUIT", short_name="NUIT", kind="fagråd")
        session.add_all([fagradet, nuit])
        session.flush()
        assert (fagradet.id, nuit.id) == (FAGRADET.id, NUIT.id)
        case = Case(title="Sak")
        session.add(case)
        number = 0
        for body in (fagradet, nuit):
            for status in MEETING_STATUSES:
                for minutes in MINUTES_STATUSES:
                    for shared in (False, True):
                        if status == "referat godkjent" and minutes != "godkjent":
                            continue
                        number += 1
                        m = Meeting(
                            body=body,
                            year=2026,
                            seq=number,
                            status=status,
                            minutes_status=minutes,
                            agenda_shared=shared,
                        )
                        treatment = Treatment(
                            case=case, body=body, meeting=m, year=2026, seq=number
                        )
                        session.add(treatment)
        session.add(Treatment(case=case, body=nuit, meeting=None, year=2025, seq=999))
        session.flush()
        yield session
        session.rollback()


@pytest.mark.parametrize("who", READERS)
def test_the_sql_filters_agree_with_can(bare, who):
    reader = READERS[who]
    treatments = bare.scalars(select(Treatment)).all()
    meetings = bare.scalars(select(Meeting)).all()

    def ids(stmt):
        return set(bare.scalars(stmt))

    meeting_ids = ids(select(Meeting.id).where(policy.visible_meetings_filter(reader, on=DAY)))
    assert meeting_ids == {m.id for m in meetings if policy.can(reader, "read", m, on=DAY)}
    of_fagradet = ids(
        select(Meeting.id).where(
            Meeting.body_id == FAGRADET.id, policy.visible_meeting_filter(reader, FAGRADET, on=DAY)
        )
    )
    assert of_fagradet == {m for m in meeting_ids if bare.get(Meeting, m).body_id == FAGRADET.id}

    visible = {t.id for t in policy.visible_treatments(reader, treatments, on=DAY)}
    joined = select(Treatment.id).outerjoin(Treatment.meeting)
    assert ids(joined.where(policy.visible_treatment_filter(reader, on=DAY))) == visible
    assert ids(select(Treatment.id).where(policy.visible_treatment_exists(reader, on=DAY))) == (
        visible
    )
    decisions = {
        t
        for t in visible
        if (m := bare.get(Treatment, t).meeting) is None
        or policy.can(reader, "read_minutes", m, on=DAY)
    }
    assert ids(joined.where(policy.visible_decision_filter(reader, on=DAY))) == decisions
