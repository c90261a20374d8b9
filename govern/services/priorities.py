"""Prioritisation rounds: create a round, keep its measures, enter and import scores.

Score entry and import are all-or-nothing: every cell or row is checked first, and any error
stops the whole save with Norwegian messages (per field or per row). The import layouts are
described in govern.services.priority_import and on the import page. Who may score is in
govern.services.priority_participants, the questions' editing in priority_questions, and the
ranking written into a decision in priority_decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from govern.domain import priority_scoring as scoring
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext, use_language
from govern.models.bodies import Body
from govern.models.priorities import CRITERIA, Measure, PrioritisationRound, PriorityQuestion, Score
from govern.services import audit
from govern.services.errors import GovernError, InvalidInput
from govern.services.priority_participants import Participant, resolve_participant

#: The model's questions per criterion, from its description of the three criteria.
#: (criterion, text, benefit to patients)
DEFAULT_QUESTIONS = (
    ("måloppnåelse", lazy_gettext("I hvor stor grad realiserer tiltaket informasjonsbehov i målbildet for helhetlig samhandling?"), False),  # noqa: E501
    ("måloppnåelse", lazy_gettext("I hvor stor grad samsvarer tiltaket med sektorens prioriteringer?"), False),
    ("kostnader", lazy_gettext("Teknisk kompleksitet: behov for teknisk utvikling eller tilrettelegging nasjonalt og/eller lokalt (10 = lav kostnad)"), False),  # noqa: E501
    ("kostnader", lazy_gettext("Organisatorisk kompleksitet: innføringsløp, opplæring og endrede arbeidsprosesser (10 = lav kostnad)"), False),  # noqa: E501
    ("kostnader", lazy_gettext("Behov for juridisk og/eller semantisk utvikling (10 = lav kostnad)"), False),
    ("nytte", lazy_gettext("Nytte for pasienter og innbyggere, inkludert pårørende: pasientsikkerhet og en enklere hverdag"), True),  # noqa: E501
    ("nytte", lazy_gettext("Nytte for helsepersonell: enklere og bedre arbeidshverdag, tryggere beslutningsgrunnlag"), False),  # noqa: E501
    ("nytte", lazy_gettext("Indirekte nytte: realiserer sentral infrastruktur for framtidig nytte"), False),
)  # fmt: skip


class FormErrors(GovernError):
    """Several errors at once: `errors` maps a field (or 'rad 3') to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Skjemaet har feil. Ingenting er lagret."))
        self.errors = errors


@dataclass(frozen=True)
class RoundInput:
    title: str
    year: int
    description: str = ""


@dataclass(frozen=True)
class MeasureInput:
    code: str
    title: str
    description: str = ""
    fits_goals: bool = True
    phase: int = 2
    gate_note: str = ""


def create_round(
    session: Session,
    body: Body,
    data: RoundInput,
    questions: tuple[tuple[str, str, bool], ...] = DEFAULT_QUESTIONS,
    actor=None,
) -> PrioritisationRound:
    """A new open round with the given (criterion, text, patients) questions or the model's."""
    if not data.title.strip():
        raise InvalidInput(_("Skriv en tittel."), field="title")
    if not 1970 <= data.year <= 2200:
        raise InvalidInput(_("Skriv et år mellom 1970 og 2200."), field="year")
    round_ = PrioritisationRound(
        body=body, title=data.title.strip(), year=data.year, description=data.description.strip()
    )
    positions = dict.fromkeys(CRITERIA, 0)
    # The model's questions are written in the body's document language, as its papers are.
    with use_language(body.document_language):
        questions = tuple((c, str(text), patients) for c, text, patients in questions)
    for criterion, text, patients in questions:
        if criterion not in CRITERIA:
            raise InvalidInput(
                _("Ukjent kriterium «%(criterion)s».", criterion=criterion), field="criterion"
            )
        positions[criterion] += 1
        round_.questions.append(
            PriorityQuestion(
                criterion=criterion,
                criterion_order=CRITERIA.index(criterion),
                position=positions[criterion],
                text=text,
                patient_benefit=patients,
            )
        )
    session.add(round_)
    session.flush()
    audit.record(
        session,
        actor,
        "priorities.create",
        round_,
        f"Prioriteringsrunde «{round_.title}» opprettet",
        body=body,
    )
    return round_


CLOSED = lazy_gettext("Runden er lukket. Åpne den igjen for å endre tiltak eller poeng.")


def check_open(round_: PrioritisationRound) -> None:
    """A closed round's measures and scores are the record of its result."""
    if round_.status == "lukket":
        raise FormErrors({"round": str(CLOSED)})


def set_status(session: Session, round_: PrioritisationRound, status: str, actor=None) -> None:
    if status not in ("åpen", "lukket"):
        raise InvalidInput(_("Velg åpen eller lukket."), field="status")
    changes = audit.diff(round_, {"status": status})
    session.flush()
    audit.record(
        session,
        actor,
        "priorities.status",
        round_,
        f"Prioriteringsrunde «{round_.title}» {'lukket' if status == 'lukket' else 'åpnet'}",
        body=round_.body,
        changes=changes,
    )


def _check_measure(round_: PrioritisationRound, data: MeasureInput, measure: Measure | None):
    check_open(round_)
    errors = {}
    code = data.code.strip()
    if not code:
        errors["code"] = _("Skriv en kort kode, for eksempel «LM» eller «JD-1».")
    elif len(code) > 20:
        errors["code"] = _("Koden kan ha høyst 20 tegn.")
    elif any(m.code.lower() == code.lower() and m is not measure for m in round_.measures):
        errors["code"] = _("Runden har allerede et tiltak med koden «%(code)s».", code=code)
    if not data.title.strip():
        errors["title"] = _("Skriv tiltakets navn.")
    if data.phase not in scoring.PHASE_NAMES:
        errors["phase"] = _("Velg en fase fra 1 til 5.")
    if errors:
        raise FormErrors(errors)


def add_measure(
    session: Session, round_: PrioritisationRound, data: MeasureInput, actor=None
) -> Measure:
    _check_measure(round_, data, None)
    position = max((m.position for m in round_.measures), default=0) + 1
    measure = Measure(round=round_, position=position)
    _apply(measure, data)
    session.add(measure)
    session.flush()
    audit.record(
        session,
        actor,
        "priorities.measure_add",
        measure,
        f"Tiltak {measure.code} lagt til i «{round_.title}»",
        body=round_.body,
    )
    return measure


def edit_measure(session: Session, measure: Measure, data: MeasureInput, actor=None) -> Measure:
    _check_measure(measure.round, data, measure)
    before = {k: getattr(measure, k) for k in ("code", "title", "fits_goals", "phase")}
    _apply(measure, data)
    changes = {
        k: [old, getattr(measure, k)] for k, old in before.items() if old != getattr(measure, k)
    }
    session.flush()
    audit.record(
        session,
        actor,
        "priorities.measure_edit",
        measure,
        f"Tiltak {measure.code} endret",
        body=measure.round.body,
        changes=changes,
    )
    return measure


def _apply(measure: Measure, data: MeasureInput) -> None:
    measure.code = data.code.strip()
    measure.title = data.title.strip()
    measure.description = data.description.strip()
    measure.fits_goals = data.fits_goals
    measure.phase = data.phase
    measure.gate_note = data.gate_note.strip()


def gate_reason(measure: Measure) -> str | None:
    return scoring.gate_reason(measure.fits_goals, measure.phase)


def passing(round_: PrioritisationRound) -> list[Measure]:
    return [m for m in round_.measures if gate_reason(m) is None]


def result(session: Session, round_: PrioritisationRound) -> scoring.Result:
    """The round's gates and ranking."""
    scores = session.scalars(select(Score).join(Measure).where(Measure.round_id == round_.id)).all()
    return scoring.rank(
        [scoring.QuestionSpec(q.id, q.criterion, q.patient_benefit) for q in round_.questions],
        [
            scoring.MeasureSpec(m.id, m.code, m.title, m.fits_goals, m.phase)
            for m in round_.measures
        ],
        [scoring.ScoreSpec(s.measure_id, s.participant, s.question_id, s.value) for s in scores],
    )


def parse_value(text: str) -> int | None:
    """'7' -> 7, '' -> None; anything else raises ValueError with a Norwegian message."""
    text = (text or "").strip()
    if text == "":
        return None
    if not text.isdigit() or not 0 <= int(text) <= 10:
        raise ValueError(_("«%(text)s» er ikke et helt tall fra 0 til 10.", text=text))
    return int(text)


def score_field(measure: Measure, question: PriorityQuestion) -> str:
    return f"s-{measure.id}-{question.id}"


def save_scores(
    session: Session,
    round_: PrioritisationRound,
    participant: str,
    cells: dict[str, str],
    actor=None,
    person_id: int | None = None,
) -> int:
    """Replace one participant's scores with the grid's (empty cell = no answer).

    The participant is a member picked by `person_id` or a typed name (an outside expert).
    """
    check_open(round_)
    errors: dict[str, str] = {}
    who = None
    try:
        who = resolve_participant(session, round_, participant, person_id)
    except GovernError as error:
        errors[error.field or "participant"] = error.message
    values: dict[tuple[Measure, PriorityQuestion], int] = {}
    for measure in passing(round_):
        for question in round_.questions:
            key = score_field(measure, question)
            try:
                value = parse_value(cells.get(key, ""))
            except ValueError as error:
                errors[key] = f"{measure.code} {question.label}: {error}"
                continue
            if value is not None:
                values[(measure, question)] = value
    if errors or who is None:
        raise FormErrors(errors)
    count = _replace(session, round_, {who.name: values}, {who.name: who})
    audit.record(
        session,
        actor,
        "priorities.scores",
        round_,
        f"{count} poeng registrert for {who.name} i «{round_.title}»",
        body=round_.body,
    )
    return count


def _replace(
    session: Session,
    round_: PrioritisationRound,
    by_participant: dict[str, dict[tuple[Measure, PriorityQuestion], int]],
    who: dict[str, Participant] | None = None,
) -> int:
    """Replace the participants' scores; a member's earlier scores under another of their
    names (or their person) are replaced too, so no one is counted twice."""
    measure_ids = [m.id for m in round_.measures]
    count = 0
    for name, values in by_participant.items():
        found = (who or {}).get(name) or Participant(name, None, (name,))
        same = Score.participant.in_({name, *found.aliases})
        if found.person_id is not None:
            same = or_(same, Score.person_id == found.person_id)
        session.execute(delete(Score).where(same, Score.measure_id.in_(measure_ids)))
        for (measure, question), value in values.items():
            session.add(
                Score(
                    measure=measure,
                    question=question,
                    participant=name,
                    person_id=found.person_id,
                    value=value,
                )
            )
            count += 1
    session.flush()
    return count
