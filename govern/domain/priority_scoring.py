"""The prioritisation model's arithmetic, without a database.

Rules (from the model for joint measures):

- Entry gates first: a measure must fit the goals and be in maturity phase 2–4 of five.
  Measures failing a gate are listed apart with the reason and are not ranked.
- Each participant scores each question 0–10. A participant's criterion score is the mean of
  the questions of that criterion the participant answered; the three criteria weigh the same.
- A measure's criterion score is the mean over the participants who answered that criterion;
  its total (0–30) is the sum of the three criterion scores. With complete scores this is the
  same as the mean over participants of each participant's total.
- Ranking: total descending; ties broken by the benefit-to-patients question (mean over the
  participants who answered it; none counts as lowest), then by code.
- A measure that passes the gates but has no score at all is listed as "ikke scoret".

The arithmetic is exact (fractions), so equal totals are really equal; figures are turned into
floats only for display.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from govern.i18n import current_language, lazy_gettext
from govern.i18n import gettext as _

CRITERIA = ("måloppnåelse", "kostnader", "nytte")
PHASE_NAMES = {
    1: lazy_gettext("idé"),
    2: lazy_gettext("konsept"),
    3: lazy_gettext("planlegging"),
    4: lazy_gettext("gjennomføring"),
    5: lazy_gettext("gevinstrealisering"),
}
PASSING_PHASES = (2, 3, 4)


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    criterion: str
    patient_benefit: bool = False


@dataclass(frozen=True)
class MeasureSpec:
    id: int
    code: str
    title: str
    fits_goals: bool = True
    phase: int = 2


@dataclass(frozen=True)
class ScoreSpec:
    measure_id: int
    participant: str
    question_id: int
    value: int


@dataclass
class Ranked:
    """A ranked measure: criterion scores, total and the tie-break figure (floats)."""

    rank: int
    code: str
    title: str
    criteria: dict[str, float]
    total: float
    patient_benefit: float | None
    participants: int
    measure_id: int = 0


@dataclass
class Excluded:
    code: str
    title: str
    reason: str
    measure_id: int = 0
    #: The gates' inputs, so the reason can be written again in another language.
    fits_goals: bool = True
    phase: int = 2


@dataclass
class Result:
    ranked: list[Ranked] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    unscored: list[MeasureSpec] = field(default_factory=list)


def gate_reason(fits_goals: bool, phase: int) -> str | None:
    """Why a measure fails the entry gates, in the current language; None when it passes."""
    reasons = []
    if not fits_goals:
        reasons.append(_("Passer ikke med målene"))
    if phase not in PASSING_PHASES:
        name = PHASE_NAMES.get(phase) or _("ukjent")
        reasons.append(_("Er i fase %(phase)s (%(name)s)", phase=phase, name=name))
    return "; ".join(reasons) or None


def _mean(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def measure_figures(
    questions: dict[int, QuestionSpec], scores: list[ScoreSpec]
) -> tuple[dict[str, Fraction], Fraction, Fraction | None, int]:
    """One measure's (criterion scores, total, patient-benefit mean, participants)."""
    per_participant: dict[str, dict[str, list[Fraction]]] = defaultdict(lambda: defaultdict(list))
    benefit: list[Fraction] = []
    for score in scores:
        question = questions[score.question_id]
        per_participant[score.participant][question.criterion].append(Fraction(score.value))
        if question.patient_benefit:
            benefit.append(Fraction(score.value))
    criteria: dict[str, Fraction] = {}
    for criterion in CRITERIA:
        means = [
            _mean(by_criterion[criterion])
            for by_criterion in per_participant.values()
            if by_criterion.get(criterion)
        ]
        criteria[criterion] = _mean(means) or Fraction(0)  # type: ignore[arg-type]
    total = sum(criteria.values(), Fraction(0))
    return criteria, total, _mean(benefit), len(per_participant)


def rank(
    questions: list[QuestionSpec], measures: list[MeasureSpec], scores: list[ScoreSpec]
) -> Result:
    """Gate, score and rank the measures of a round."""
    by_id = {q.id: q for q in questions}
    by_measure: dict[int, list[ScoreSpec]] = defaultdict(list)
    for score in scores:
        if score.question_id in by_id:
            by_measure[score.measure_id].append(score)
    result = Result()
    rows = []
    for measure in measures:
        reason = gate_reason(measure.fits_goals, measure.phase)
        if reason:
            result.excluded.append(
                Excluded(
                    measure.code,
                    measure.title,
                    reason,
                    measure.id,
                    measure.fits_goals,
                    measure.phase,
                )
            )
            continue
        if not by_measure.get(measure.id):
            result.unscored.append(measure)
            continue
        criteria, total, benefit, count = measure_figures(by_id, by_measure[measure.id])
        rows.append((measure, criteria, total, benefit, count))
    rows.sort(key=lambda r: (-r[2], -(r[3] if r[3] is not None else Fraction(-1)), r[0].code))
    for position, (measure, criteria, total, benefit, count) in enumerate(rows, start=1):
        result.ranked.append(
            Ranked(
                rank=position,
                code=measure.code,
                title=measure.title,
                criteria={c: float(v) for c, v in criteria.items()},
                total=float(total),
                patient_benefit=float(benefit) if benefit is not None else None,
                participants=count,
                measure_id=measure.id,
            )
        )
    return result


def points_text(value: float) -> str:
    """24.25 -> '24,3': one decimal, Norwegian comma (a point in English)."""
    rounded = Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(rounded) if current_language() == "en" else str(rounded).replace(".", ",")


def ranking_lines(ranked: list[Ranked]) -> list[str]:
    """'1. LM – Videre innføring av pasientens legemiddelliste (24,3 poeng)' …"""
    return [
        _(
            "%(rank)s. %(code)s – %(title)s (%(points)s poeng)",
            rank=r.rank,
            code=r.code,
            title=r.title,
            points=points_text(r.total),
        )
        for r in ranked
    ]
