"""The `prioritisation_rounds` section of the exchange export (see services.exchange_priorities)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern.models.priorities import Measure, PrioritisationRound


def build_rounds(session: Session) -> list[dict[str, Any]]:
    rounds = session.scalars(
        select(PrioritisationRound)
        .options(
            selectinload(PrioritisationRound.body),
            selectinload(PrioritisationRound.questions),
            selectinload(PrioritisationRound.measures).selectinload(Measure.scores),
        )
        .order_by(PrioritisationRound.id)
    ).all()
    return [_round(r) for r in rounds]


def _round(round_: PrioritisationRound) -> dict[str, Any]:
    labels = {q.id: q.label for q in round_.questions}
    scores: list[dict[str, Any]] = []
    for measure in round_.measures:
        by_participant: dict[str, dict[str, int]] = defaultdict(dict)
        for score in sorted(measure.scores, key=lambda s: (s.participant, s.question_id)):
            by_participant[score.participant][labels[score.question_id]] = score.value
        scores += [
            {"participant": name, "measure": measure.code, "values": values}
            for name, values in sorted(by_participant.items())
        ]
    document: dict[str, Any] = {
        "body": round_.body.slug,
        "title": round_.title,
        "year": round_.year,
        "description": round_.description,
        "status": round_.status,
        "questions": [
            {"criterion": q.criterion, "text": q.text, "patient_benefit": q.patient_benefit}
            for q in round_.questions
        ],
        "measures": [_measure(m) for m in round_.measures],
        "scores": scores,
    }
    return document


def _measure(measure: Measure) -> dict[str, Any]:
    data: dict[str, Any] = {"code": measure.code, "title": measure.title}
    if measure.description:
        data["description"] = measure.description
    data["fits_goals"] = measure.fits_goals
    data["phase"] = measure.phase
    if measure.gate_note:
        data["gate_note"] = measure.gate_note
    return data


__all__ = ["build_rounds"]
