"""Openness (offentleglova) in the pure policy: exempt cases, exempt Vedlegg, closed items and
members-only bodies, asked with plain readers; the SQL forms agree with the functions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from govern import openness, policy
from govern.models import Base
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.meetings import Attachment, Meeting
from govern.models.people import Person
from tests.test_policy import DAY, FAGRADET, NUIT, Anonymous, Reader, meeting, member

OWNER_ID = 41
BASIS = "Offl. § 23 første ledd"
PRODUKTRAD = Body(id=3, slug="produktrad", short_name="Produktrådet", members_only=True)


def exempt_case(**fields) -> tuple[Case, Treatment]:
    """An exempt case treated at a Fagrådet meeting, owned (sakseier) by person OWNER_ID."""
    case = Case(
        title="Kontrakt til Leverandør AS for 48 millioner",
        public_title="Kontrakt om plattform",
        exempt_basis=BASIS,
        sakseier_id=OWNER_ID,
        **fields,
    )
    treatment = Treatment(
        case=case, body=FAGRADET, body_id=FAGRADET.id, meeting=meeting("innkalt"), seq=1, year=2026
    )
    return case, treatment


READERS = {
    "visitor": None,
    "anonymous": Anonymous(),
    "no roles": Reader(),
    "member of another body": member("medlem", NUIT),
    "secretariat of another body": member("sekretariat", NUIT),
    "member": member("medlem"),
    "vara": member("vara"),
    "secretariat": member("sekretariat"),
    "owner": Reader(person_id=OWNER_ID),
    "admin": Reader(is_admin=True),
}
INSIDERS = {"member", "vara", "secretariat", "owner", "admin"}


@pytest.mark.parametrize("who", READERS)
def test_an_exempt_case_is_seen_by_the_bodys_readers_its_owners_and_administrators(who):
    case, treatment = exempt_case()
    reader = READERS[who]
    inside = who in INSIDERS
    assert openness.may_see_case(reader, case, on=DAY) is inside
    assert openness.may_see_case(reader, treatment, on=DAY) is inside
    assert openness.may_see_treatment(reader, treatment, on=DAY) is inside
    shown = openness.shown_title(reader, treatment, on=DAY)
    assert shown == (case.title if inside else "Kontrakt om plattform")
    held_back = openness.held_back_text(reader, treatment, on=DAY)
    assert held_back == (None if inside else "Unntatt offentlighet, Offl. § 23 første ledd")


def test_without_a_public_title_the_public_sees_unntatt_offentlighet():
    case, _ = exempt_case()
    case.public_title = ""
    assert openness.shown_title(None, case, on=DAY) == "Unntatt offentlighet"
    assert openness.shown_title(Reader(is_admin=True), case, on=DAY) == case.title


def test_a_public_case_is_seen_by_everybody_with_its_own_title():
    case = Case(title="Strategisk retning kjernejournal")
    treatment = Treatment(case=case, body=FAGRADET, body_id=FAGRADET.id, title="Retning")
    assert openness.may_see_case(None, case, on=DAY)
    assert openness.shown_title(None, treatment, on=DAY) == "Retning"
    assert openness.held_back_text(None, treatment, on=DAY) is None
    assert not openness.is_exempt(case, on=DAY)


def test_the_exemption_lifts_on_its_date():
    case, _ = exempt_case(exempt_until=DAY)
    assert openness.is_exempt(case, on=DAY - timedelta(days=1))
    assert not openness.may_see_case(None, case, on=DAY - timedelta(days=1))
    assert not openness.is_exempt(case, on=DAY)
    assert openness.may_see_case(None, case, on=DAY)
    assert openness.shown_title(None, case, on=DAY) == case.title


def test_a_membership_that_has_ended_no_longer_opens_the_case():
    case, _ = exempt_case()
    former = member("medlem", ends_on=DAY - timedelta(days=1))
    assert not openness.may_see_case(former, case, on=DAY)
    assert openness.may_see_case(former, case, on=DAY - timedelta(days=1))


@pytest.mark.parametrize("who", READERS)
def test_a_closed_item_is_seen_by_the_bodys_readers_the_owners_and_administrators(who):
    case = Case(title="Orientering", sakseier_id=OWNER_ID)
    treatment = Treatment(
        case=case,
        body=FAGRADET,
        body_id=FAGRADET.id,
        meeting=meeting(),
        meeting_id=5,
        closed_basis="Offl. § 14",
    )
    reader = READERS[who]
    inside = who in INSIDERS
    assert openness.may_see_closed_item(reader, treatment, on=DAY) is inside
    assert openness.may_see_treatment(reader, treatment, on=DAY) is inside
    # The title of a closed item of a public case stays public.
    assert openness.shown_title(reader, treatment, on=DAY) == "Orientering"
    assert openness.held_back_text(reader, treatment, on=DAY) == (
        None if inside else "Lukket behandling, Offl. § 14"
    )


@pytest.mark.parametrize("who", READERS)
def test_an_exempt_vedlegg_on_a_public_case(who):
    case = Case(title="Strategisk retning kjernejournal", sakseier_id=OWNER_ID)
    m = meeting()
    treatment = Treatment(case=case, body=FAGRADET, body_id=FAGRADET.id, meeting=m)
    attachment = Attachment(
        meeting=m,
        treatment=treatment,
        seq=6,
        suffix="A",
        title="Vurdering",
        exempt_basis="Offl. § 14",
    )
    public = Attachment(meeting=m, treatment=treatment, seq=6, suffix="", title="Toppnotat")
    reader = READERS[who]
    assert openness.may_see_case(reader, case, on=DAY)
    assert openness.may_see_attachment(reader, attachment, on=DAY) is (who in INSIDERS)
    assert openness.may_see_attachment(reader, public, on=DAY)


@pytest.mark.parametrize("who", READERS)
def test_a_vedlegg_of_an_exempt_case_is_held_back_with_it(who):
    case, treatment = exempt_case()
    attachment = Attachment(
        meeting=treatment.meeting, treatment=treatment, seq=1, title="Toppnotat", source="toppnotat"
    )
    assert openness.may_see_attachment(READERS[who], attachment, on=DAY) is (who in INSIDERS)


def test_a_members_only_body_is_read_by_its_members_secretariat_and_administrators_only():
    m = meeting("innkalt", minutes="godkjent", body=PRODUKTRAD)
    for reader in (None, Anonymous(), Reader(), member("medlem"), member("sekretariat")):
        assert not policy.may_read_body(reader, PRODUKTRAD, on=DAY)
        assert not policy.can(reader, "read", PRODUKTRAD, on=DAY)
        assert not policy.can(reader, "read", m, on=DAY)
        assert not policy.can(reader, "read_minutes", m, on=DAY)
    for reader in (member("medlem", PRODUKTRAD), member("observatør", PRODUKTRAD)):
        assert policy.may_read_body(reader, PRODUKTRAD, on=DAY)
        assert policy.can(reader, "read", m, on=DAY)
        assert policy.can(reader, "read_minutes", m, on=DAY)
    secretariat = member("sekretariat", PRODUKTRAD)
    assert policy.can(secretariat, "read", meeting("planlagt", body=PRODUKTRAD), on=DAY)
    assert policy.may_read_body(Reader(is_admin=True), PRODUKTRAD, on=DAY)
    assert policy.may_read_body(None, FAGRADET, on=DAY)


# -- the SQL forms agree with the functions ----------------------------------------------


@pytest.fixture
def bare():
    """Bodies (one members-only), public, exempt, lifted and closed treatments, Vedlegg."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        bodies = [
            Body(slug=b.slug, name=b.short_name, short_name=b.short_name, kind="fagråd")
            for b in (FAGRADET, NUIT, PRODUKTRAD)
        ]
        bodies[2].members_only = True
        session.add_all([*bodies, Person(id=OWNER_ID, name="Eier")])
        session.flush()
        assert [b.id for b in bodies] == [FAGRADET.id, NUIT.id, PRODUKTRAD.id]
        variants = [
            {},
            {"exempt_basis": BASIS},
            {"exempt_basis": BASIS, "exempt_until": DAY},
            {"exempt_basis": BASIS, "exempt_until": DAY + timedelta(days=1)},
            {"exempt_basis": BASIS, "sakseier_id": OWNER_ID},
            {"sakseier_id": OWNER_ID},
        ]
        seq = 0
        for body in bodies:
            m = Meeting(body=body, year=2026, seq=body.id, status="innkalt")
            for fields in variants:
                for closed in (None, "Offl. § 14"):
                    seq += 1
                    case = Case(title=f"Sak {seq}", **fields)
                    t = Treatment(
                        case=case, body=body, meeting=m, year=2026, seq=seq, closed_basis=closed
                    )
                    session.add(t)
                    for n, exempt in enumerate((None, "Offl. § 14"), start=1):
                        session.add(
                            Attachment(
                                meeting=m,
                                treatment=t,
                                seq=seq,
                                suffix="AB"[n - 1],
                                title="V",
                                exempt_basis=exempt,
                            )
                        )
        # A case also treated in NUIT: NUIT's readers see it in Fagrådet as well.
        shared = Case(title="Delt", exempt_basis=BASIS)
        session.add(Treatment(case=shared, body=bodies[0], year=2026, seq=900))
        session.add(Treatment(case=shared, body=bodies[1], year=2026, seq=901))
        session.add(
            Attachment(meeting=m, treatment=None, seq=999, title="Løst", exempt_basis=BASIS)
        )
        session.flush()
        yield session
        session.rollback()


SQL_READERS = {
    **READERS,
    "member of the members-only body": member("medlem", PRODUKTRAD),
    "owner in NUIT": Reader(person_id=OWNER_ID, memberships=member("medlem", NUIT).memberships),
}


@pytest.mark.parametrize("who", SQL_READERS)
def test_the_sql_forms_agree_with_the_functions(bare, who):
    reader = SQL_READERS[who]

    def ids(stmt):
        return set(bare.scalars(stmt))

    cases = bare.scalars(select(Case)).all()
    assert ids(select(Case.id).where(openness.case_content_filter(reader, on=DAY))) == {
        c.id for c in cases if openness.may_see_case(reader, c, on=DAY)
    }
    treatments = bare.scalars(select(Treatment)).all()
    assert ids(select(Treatment.id).where(openness.treatment_content_filter(reader, on=DAY))) == {
        t.id for t in treatments if openness.may_see_treatment(reader, t, on=DAY)
    }
    attachments = bare.scalars(select(Attachment)).all()
    assert ids(select(Attachment.id).where(openness.attachment_filter(reader, on=DAY))) == {
        a.id for a in attachments if openness.may_see_attachment(reader, a, on=DAY)
    }
    bodies = bare.scalars(select(Body)).all()
    assert ids(select(Body.id).where(policy.visible_bodies_filter(reader, on=DAY))) == {
        b.id for b in bodies if policy.may_read_body(reader, b, on=DAY)
    }
    meetings = bare.scalars(select(Meeting)).all()
    assert ids(select(Meeting.id).where(policy.visible_meetings_filter(reader, on=DAY))) == {
        m.id for m in meetings if policy.can(reader, "read", m, on=DAY)
    }
    visible = {t.id for t in policy.visible_treatments(reader, treatments, on=DAY)}
    joined = select(Treatment.id).outerjoin(Treatment.meeting)
    assert ids(joined.where(policy.visible_treatment_filter(reader, on=DAY))) == visible
    assert ids(select(Treatment.id).where(policy.visible_treatment_exists(reader, on=DAY))) == (
        visible
    )
