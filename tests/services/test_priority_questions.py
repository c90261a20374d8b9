"""The questions of a round: add, rename, reorder, remove, and the refusals that keep scores
meaning what the participants answered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govern.models import AuditEntry, PriorityQuestion, Score
from govern.services import priorities, priority_questions
from govern.services.audit import StaleEdit
from govern.services.errors import Conflict, InvalidInput
from govern.services.priority_questions import QuestionInput
from tests.services.test_priorities import new_round


@pytest.fixture
def round_(session):
    r = new_round(session)
    session.commit()
    return r


def labels(round_) -> list[str]:
    return [f"{q.label} {q.text[:12]}" for q in round_.questions]


def by_label(round_, label: str) -> PriorityQuestion:
    return next(q for q in round_.questions if q.label == label)


def score(session, round_, label: str, value: int = 7, who: str = "Ola") -> None:
    question = by_label(round_, label)
    cells = {priorities.score_field(round_.measures[0], question): str(value)}
    priorities.save_scores(session, round_, who, cells)
    session.commit()


def test_add_puts_the_question_last_under_its_criterion(session, round_):
    data = QuestionInput("kostnader", "  Driftskostnader   over tid  ")
    question = priority_questions.add_question(session, round_, data)
    session.commit()
    assert question.label == "K4" and question.text == "Driftskostnader over tid"
    assert [q.label for q in round_.questions] == [
        *("M1", "M2", "K1", "K2", "K3", "K4", "N1", "N2", "N3")
    ]
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.summary == "Spørsmål K4 lagt til i «Runde 1»: Driftskostnader over tid"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (QuestionInput("pris", "Noe"), "criterion", "Velg Måloppnåelse, Kostnader eller Nytte."),
        (QuestionInput("nytte", "   "), "text", "Skriv spørsmålet."),
        (QuestionInput("nytte", "x" * 1001), "text", "Spørsmålet kan ha høyst 1000 tegn."),
        (
            QuestionInput(
                "nytte", "i hvor stor grad samsvarer tiltaket med sektorens prioriteringer?"
            ),
            "text",
            "Runden har allerede dette spørsmålet (M2).",
        ),
        (
            QuestionInput("kostnader", "Ny", patient_benefit=True),
            "patient_benefit",
            "Bare et spørsmål under Nytte kan avgjøre ved likt resultat.",
        ),
        (
            QuestionInput("nytte", "Ny", patient_benefit=True),
            "patient_benefit",
            "Spørsmål N1 avgjør allerede ved likt resultat. Fjern merket der først.",
        ),
    ],
)
def test_add_refuses_bad_questions(session, round_, data, field, message):
    with pytest.raises(InvalidInput) as error:
        priority_questions.add_question(session, round_, data)
    assert (error.value.field, error.value.message) == (field, message)
    session.rollback()
    assert len(session.scalars(select(PriorityQuestion)).all()) == 8


def test_rename_an_unscored_question_and_move_the_tie_break(session, round_):
    n1, n2 = by_label(round_, "N1"), by_label(round_, "N2")
    priority_questions.edit_question(session, n1, QuestionInput("nytte", n1.text, False), n1.text)
    priority_questions.edit_question(
        session, n2, QuestionInput("nytte", "Nytte for helsepersonell", True), n2.text
    )
    session.commit()
    assert n2.text == "Nytte for helsepersonell" and n2.patient_benefit
    assert not n1.patient_benefit
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.summary == "Spørsmål N2 endret i «Runde 1»"
    assert entry.changes["text"][1] == "Nytte for helsepersonell"


def test_rename_refused_when_scored_or_changed_by_someone_else(session, round_):
    m1 = by_label(round_, "M1")
    score(session, round_, "M1")
    score(session, round_, "M1", who="Kari")
    with pytest.raises(Conflict) as error:
        priority_questions.edit_question(session, m1, QuestionInput("måloppnåelse", "Nytt"))
    assert error.value.message.startswith(
        "Spørsmål M1 har poeng fra 2 deltakere og kan ikke endres."
    )
    session.rollback()
    m2 = by_label(round_, "M2")
    with pytest.raises(StaleEdit):
        priority_questions.edit_question(
            session, m2, QuestionInput("måloppnåelse", "Mitt"), "Teksten jeg så"
        )
    session.rollback()
    assert by_label(round_, "M1").text.startswith("I hvor stor grad realiserer")


def test_reorder_swaps_within_the_criterion_and_renumbers(session, round_):
    k3 = by_label(round_, "K3")
    text = k3.text
    priority_questions.move_question(session, k3, "opp")
    session.commit()
    session.expire_all()
    assert by_label(round_, "K2").text == text
    assert [q.label for q in round_.questions][2:5] == ["K1", "K2", "K3"]
    with pytest.raises(InvalidInput, match="står allerede øverst under Måloppnåelse"):
        priority_questions.move_question(session, by_label(round_, "M1"), "opp")
    with pytest.raises(InvalidInput, match="står allerede nederst under Nytte"):
        priority_questions.move_question(session, by_label(round_, "N3"), "ned")


def test_reorder_refused_for_a_scored_question_and_its_neighbour(session, round_):
    score(session, round_, "N2")
    with pytest.raises(Conflict, match="Spørsmål N2 har poeng fra én deltaker og kan ikke flyttes"):
        priority_questions.move_question(session, by_label(round_, "N2"), "ned")
    session.rollback()
    with pytest.raises(Conflict, match="Spørsmål N2 har poeng .* kan ikke få nytt nummer"):
        priority_questions.move_question(session, by_label(round_, "N1"), "ned")
    session.rollback()
    assert by_label(round_, "N1").patient_benefit


def test_remove_renumbers_the_rest_and_keeps_one_per_criterion(session, round_):
    priority_questions.remove_question(session, by_label(round_, "K1"))
    session.commit()
    session.expire_all()
    assert [q.label for q in round_.questions] == ["M1", "M2", "K1", "K2", "N1", "N2", "N3"]
    assert by_label(round_, "K1").text.startswith("Organisatorisk kompleksitet")
    priority_questions.remove_question(session, by_label(round_, "M2"))
    session.commit()
    with pytest.raises(InvalidInput, match="Måloppnåelse må ha minst ett spørsmål."):
        priority_questions.remove_question(session, by_label(round_, "M1"))
    session.rollback()
    score(session, round_, "N3")
    with pytest.raises(Conflict, match="N3 har poeng .* kan ikke fjernes"):
        priority_questions.remove_question(session, by_label(round_, "N3"))
    session.rollback()
    with pytest.raises(Conflict, match="N3 har poeng .* kan ikke få nytt nummer"):
        priority_questions.remove_question(session, by_label(round_, "N2"))
    session.rollback()
    assert len(session.scalars(select(PriorityQuestion)).all()) == 6
    assert len(session.scalars(select(Score)).all()) == 1


def test_a_closed_round_keeps_its_questions(session, round_):
    priorities.set_status(session, round_, "lukket")
    session.commit()
    closed = "Runden er lukket. Åpne den igjen for å endre tiltak eller poeng."
    for work in (
        lambda: priority_questions.add_question(session, round_, QuestionInput("nytte", "Ny")),
        lambda: priority_questions.move_question(session, by_label(round_, "M1"), "ned"),
        lambda: priority_questions.remove_question(session, by_label(round_, "M1")),
        lambda: priority_questions.edit_question(
            session, by_label(round_, "M1"), QuestionInput("måloppnåelse", "Ny")
        ),
    ):
        with pytest.raises(Conflict) as error:
            work()
        assert error.value.message == closed
        session.rollback()
    assert len(session.scalars(select(PriorityQuestion)).all()) == 8


def test_scores_follow_their_question_after_a_reorder(session, round_):
    # A question added and moved before scoring: the grid and the ranking use the new order.
    added = priority_questions.add_question(session, round_, QuestionInput("nytte", "Ny nytte"))
    priority_questions.move_question(session, added, "opp")
    session.commit()
    assert added.label == "N3"
    lm = round_.measures[0]
    cells = {
        priorities.score_field(lm, q): "10" for q in round_.questions if q.criterion == "nytte"
    }
    cells[priorities.score_field(lm, added)] = "2"
    priorities.save_scores(session, round_, "Ola", cells)
    session.commit()
    result = priorities.result(session, round_)
    assert result.ranked[0].criteria["nytte"] == pytest.approx((10 + 10 + 2 + 10) / 4)
