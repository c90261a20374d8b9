"""Who scores: the body's members in the round's year, picked or named, and outside experts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from govern.exports.exchange import build_exchange
from govern.models import Score
from govern.services import memberships, priorities
from govern.services.errors import InvalidInput
from govern.services.exchange import import_exchange
from govern.services.memberships import MembershipInput
from govern.services.priorities import FormErrors
from govern.services.priority_import import import_scores
from govern.services.priority_participants import members, participants, resolve_participant
from tests.conftest import make_person
from tests.services.test_priorities import new_round


@pytest.fixture
def round_(session):
    r = new_round(session)
    for name, organisation, role, starts, ends in (
        ("Jon Gupta", "Helse Sør-Øst RHF", "medlem", None, None),
        ("Anne Berg", "KS", "nestleder", date(2026, 6, 1), None),
        ("Gammel Leder", "FHI", "leder", date(2020, 1, 1), date(2025, 12, 31)),
        ("Siv Sekretær", "Helsedirektoratet", "sekretariat", None, None),
    ):
        person = make_person(name, organisation)
        memberships.add_membership(session, r.body, person, MembershipInput(role, starts, ends))
    session.commit()
    return r


def test_members_are_the_bodys_members_in_the_rounds_year(session, round_):
    # Not the secretariat, not someone whose membership ended before the round's year.
    assert [p.label for p in members(session, round_)] == [
        "Anne Berg, KS",
        "Jon Gupta, Helse Sør-Øst RHF",
    ]


def test_resolve_a_pick_a_typed_member_and_an_outside_expert(session, round_):
    jon = next(p for p in members(session, round_) if p.name == "Jon Gupta")
    picked = resolve_participant(session, round_, "", jon.id)
    assert (picked.name, picked.person_id) == ("Jon Gupta, Helse Sør-Øst RHF", jon.id)
    typed = resolve_participant(session, round_, "  jon gupta ")
    assert (typed.name, typed.person_id) == ("Jon Gupta, Helse Sør-Øst RHF", jon.id)
    expert = resolve_participant(session, round_, "Kari Ekspert")
    assert (expert.name, expert.person_id) == ("Kari Ekspert", None)
    for name, person_id, field, message in (
        ("", None, "participant", "Skriv deltakerens navn."),
        ("Kari", jon.id, "participant", "ikke begge"),
        ("", 999_999, "person_id", "Velg et av medlemmene i Fagrådet."),
        ("x" * 201, None, "participant", "Navnet kan ha høyst 200 tegn."),
    ):
        with pytest.raises(InvalidInput) as error:
            resolve_participant(session, round_, name, person_id)
        assert error.value.field == field and message in error.value.message


def test_scores_of_a_member_are_replaced_under_any_of_their_names(session, round_):
    lm = round_.measures[0]
    jon = next(p for p in members(session, round_) if p.name == "Jon Gupta")
    cells = {priorities.score_field(lm, q): "6" for q in round_.questions}
    priorities.save_scores(session, round_, "Jon Gupta", cells)
    text = "deltaker;tiltak;spørsmål;poeng\nJon Gupta, Helse Sør-Øst RHF;LM;M1;9\nKari;LM;M1;2\n"
    assert import_scores(session, round_, "poeng.csv", text.encode()) == 2
    session.commit()
    assert participants(session, round_) == ["Jon Gupta, Helse Sør-Øst RHF", "Kari"]
    rows = session.scalars(select(Score).where(Score.person_id == jon.id)).all()
    assert [(r.participant, r.value) for r in rows] == [("Jon Gupta, Helse Sør-Øst RHF", 9)]
    assert session.scalar(select(Score.person_id).where(Score.participant == "Kari")) is None


def test_a_member_twice_in_one_long_file_is_a_row_error(session, round_):
    text = (
        "deltaker;tiltak;spørsmål;poeng\nJon Gupta;LM;M1;9\njon gupta, helse sør-øst rhf;LM;M1;2\n"
    )
    with pytest.raises(FormErrors) as error:
        import_scores(session, round_, "poeng.csv", text.encode())
    assert error.value.errors == {
        "rad 3": "Rad 3: Jon Gupta, Helse Sør-Øst RHF har allerede poeng for LM M1."
    }


def test_exchange_round_trip_keeps_the_member(session, round_):
    jon = next(p for p in members(session, round_) if p.name == "Jon Gupta")
    lm = round_.measures[0]
    cells = {priorities.score_field(lm, q): "6" for q in round_.questions}
    priorities.save_scores(session, round_, "", cells, person_id=jon.id)
    priorities.save_scores(session, round_, "Kari Ekspert", cells)
    session.commit()
    section = build_exchange(session)["prioritisation_rounds"]
    assert [s["participant"] for s in section[0]["scores"]] == [
        "Jon Gupta, Helse Sør-Øst RHF",
        "Kari Ekspert",
    ]
    session.delete(round_)
    session.flush()
    import_exchange(session, {"format": "govern/1", "prioritisation_rounds": section})
    linked = {(s.participant, s.person_id) for s in session.scalars(select(Score))}
    assert linked == {("Jon Gupta, Helse Sør-Øst RHF", jon.id), ("Kari Ekspert", None)}
    assert build_exchange(session)["prioritisation_rounds"] == section
