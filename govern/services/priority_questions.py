"""The questions of a round under its three criteria: add, rename, reorder, remove.

A question's position within its criterion is its number (M1, K2, N3 …), which is also its
column in the import file. A question somebody has scored is the record of what they
answered: it is not renamed, moved or removed (nor is a neighbour moved past it). A closed
round's questions do not change at all. Every criterion keeps at least one question, and at
most one question (under Nytte) is the benefit to patients that breaks ties.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext, ngettext
from govern.models.priorities import (
    CRITERIA,
    CRITERION_LABELS,
    PrioritisationRound,
    PriorityQuestion,
    Score,
)
from govern.services import audit
from govern.services.errors import Conflict, InvalidInput
from govern.services.priorities import CLOSED

TEXT_LIMIT = 1000
#: What a scored question cannot undergo, as the refusal says it.
ACTIONS = {
    "edit": lazy_gettext("endres"),
    "move": lazy_gettext("flyttes"),
    "renumber": lazy_gettext("få nytt nummer"),
    "remove": lazy_gettext("fjernes"),
}


@dataclass(frozen=True)
class QuestionInput:
    criterion: str
    text: str
    patient_benefit: bool = False


def score_counts(session: Session, round_: PrioritisationRound) -> dict[int, int]:
    """Question id -> how many participants have scored it (questions without scores absent)."""
    ids = [q.id for q in round_.questions]
    if not ids:
        return {}
    rows = session.execute(
        select(Score.question_id, func.count(func.distinct(Score.participant)))
        .where(Score.question_id.in_(ids))
        .group_by(Score.question_id)
    )
    return {question_id: count for question_id, count in rows}


def _check_open(round_: PrioritisationRound) -> None:
    if round_.status == "lukket":
        raise Conflict(str(CLOSED), field="round")


def _check_unscored(session: Session, question: PriorityQuestion, action: str) -> None:
    """`action` is a key of ACTIONS."""
    count = score_counts(session, question.round).get(question.id, 0)
    if count:
        who = ngettext("én deltaker", "%(num)s deltakere", count)
        raise Conflict(
            _(
                "Spørsmål %(label)s har poeng fra %(who)s og kan ikke %(action)s. Tøm poengene "
                "for spørsmålet i poengregistreringen først, eller legg til et nytt spørsmål.",
                label=question.label,
                who=who,
                action=ACTIONS[action],
            ),
            field="question",
        )


def _check_text(
    round_: PrioritisationRound, data: QuestionInput, question: PriorityQuestion | None = None
) -> str:
    text = " ".join((data.text or "").split())
    if not text:
        raise InvalidInput(_("Skriv spørsmålet."), field="text")
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(
            _("Spørsmålet kan ha høyst %(limit)s tegn.", limit=TEXT_LIMIT), field="text"
        )
    for other in round_.questions:
        if other is not question and other.text.casefold() == text.casefold():
            raise InvalidInput(
                _("Runden har allerede dette spørsmålet (%(label)s).", label=other.label),
                field="text",
            )
    if data.patient_benefit:
        if data.criterion != "nytte":
            raise InvalidInput(
                _("Bare et spørsmål under Nytte kan avgjøre ved likt resultat."),
                field="patient_benefit",
            )
        holder = next(
            (q for q in round_.questions if q.patient_benefit and q is not question), None
        )
        if holder is not None:
            raise InvalidInput(
                _(
                    "Spørsmål %(label)s avgjør allerede ved likt resultat. Fjern merket der først.",
                    label=holder.label,
                ),
                field="patient_benefit",
            )
    return text


def add_question(
    session: Session, round_: PrioritisationRound, data: QuestionInput, actor=None
) -> PriorityQuestion:
    """A new question last under its criterion."""
    _check_open(round_)
    if data.criterion not in CRITERIA:
        raise InvalidInput(_("Velg Måloppnåelse, Kostnader eller Nytte."), field="criterion")
    text = _check_text(round_, data)
    siblings = [q for q in round_.questions if q.criterion == data.criterion]
    question = PriorityQuestion(
        round=round_,
        criterion=data.criterion,
        criterion_order=CRITERIA.index(data.criterion),
        position=max((q.position for q in siblings), default=0) + 1,
        text=text,
        patient_benefit=data.patient_benefit,
    )
    session.add(question)
    session.flush()
    _sort(round_)
    audit.record(
        session,
        actor,
        "priorities.question_add",
        round_,
        f"Spørsmål {question.label} lagt til i «{round_.title}»: {text}",
        body=round_.body,
    )
    return question


def edit_question(
    session: Session,
    question: PriorityQuestion,
    data: QuestionInput,
    original: str | None = None,
    actor=None,
) -> PriorityQuestion:
    """New wording (and tie-break mark) of a question nobody has scored yet.

    `original` is the text the form was opened with: if someone else changed the question
    in the meantime, the save is refused rather than overwriting theirs.
    """
    round_ = question.round
    _check_open(round_)
    if original is not None and original.split() != question.text.split():
        raise audit.stale_edit(_("Spørsmålet"))
    data = QuestionInput(question.criterion, data.text, data.patient_benefit)
    text = _check_text(round_, data, question)
    if text == question.text and data.patient_benefit == question.patient_benefit:
        return question
    _check_unscored(session, question, "edit")
    changes = audit.diff(question, {"text": text, "patient_benefit": data.patient_benefit})
    session.flush()
    audit.record(
        session,
        actor,
        "priorities.question_edit",
        round_,
        f"Spørsmål {question.label} endret i «{round_.title}»",
        body=round_.body,
        changes=changes,
    )
    return question


def move_question(
    session: Session, question: PriorityQuestion, direction: str, actor=None
) -> PriorityQuestion:
    """Swap a question with its neighbour above ('opp') or below ('ned') in its criterion."""
    round_ = question.round
    _check_open(round_)
    if direction not in ("opp", "ned"):
        raise InvalidInput(_("Velg opp eller ned."), field="question")
    siblings = _siblings(question)
    index = siblings.index(question)
    target = index - 1 if direction == "opp" else index + 1
    if not 0 <= target < len(siblings):
        message = (
            _("Spørsmål %(label)s står allerede øverst under %(criterion)s.")
            if direction == "opp"
            else _("Spørsmål %(label)s står allerede nederst under %(criterion)s.")
        )
        raise InvalidInput(
            message % {"label": question.label, "criterion": CRITERION_LABELS[question.criterion]},
            field="question",
        )
    other = siblings[target]
    # The neighbour's number changes too, so an import file made for the old order would
    # put its scores on the wrong question.
    _check_unscored(session, question, "move")
    _check_unscored(session, other, "renumber")
    label = question.label
    siblings[index], siblings[target] = other, question
    _renumber(session, siblings)
    audit.record(
        session,
        actor,
        "priorities.question_move",
        round_,
        f"Spørsmål {label} i «{round_.title}» flyttet {direction} og er nå {question.label}",
        body=round_.body,
    )
    return question


def remove_question(session: Session, question: PriorityQuestion, actor=None) -> str:
    """Remove a question nobody has scored; the ones after it move up. Returns its label."""
    round_ = question.round
    _check_open(round_)
    siblings = _siblings(question)
    if len(siblings) == 1:
        raise InvalidInput(
            _(
                "%(criterion)s må ha minst ett spørsmål.",
                criterion=CRITERION_LABELS[question.criterion],
            ),
            field="question",
        )
    _check_unscored(session, question, "remove")
    later = siblings[siblings.index(question) + 1 :]
    for other in later:
        _check_unscored(session, other, "renumber")
    label, text = question.label, question.text
    round_.questions.remove(question)
    session.delete(question)
    session.flush()
    _renumber(session, [q for q in siblings if q is not question])
    audit.record(
        session,
        actor,
        "priorities.question_remove",
        round_,
        f"Spørsmål {label} fjernet fra «{round_.title}»: {text}",
        body=round_.body,
    )
    return label


def _siblings(question: PriorityQuestion) -> list[PriorityQuestion]:
    return sorted(
        (q for q in question.round.questions if q.criterion == question.criterion),
        key=lambda q: q.position,
    )


def _renumber(session: Session, ordered: list[PriorityQuestion]) -> None:
    """Positions 1, 2, 3 … in the given order. The unique (round, criterion, position) is
    checked row by row on PostgreSQL, so the rows step through free negative numbers first."""
    for index, question in enumerate(ordered, start=1):
        question.position = -index
    session.flush()
    for index, question in enumerate(ordered, start=1):
        question.position = index
    session.flush()
    _sort(ordered[0].round if ordered else None)


def _sort(round_: PrioritisationRound | None) -> None:
    # The relationship keeps its load order; put it back in criterion and number order.
    if round_ is not None:
        round_.questions.sort(key=lambda q: (q.criterion_order, q.position))
