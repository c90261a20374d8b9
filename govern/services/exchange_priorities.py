"""The `prioritisation_rounds` section of the exchange format.

A round names its body; its questions may be left out (the model's default questions are
used); measures carry their gates; scores are one object per participant and measure with
the values by question label (M1, K2, N3 …). Rounds and measures are created through
govern.services.priorities, so the file meets the pages' rules. See docs/exchange-format.md.
"""

from __future__ import annotations

from govern.i18n import gettext as _
from govern.models.priorities import CRITERIA, ROUND_STATUSES
from govern.services import priorities
from govern.services.exchange_reader import ExchangeError, ImportContext, Node
from govern.services.priority_participants import Participant, members, resolve_participant

ROUND_KEYS = {"body", "title", "year", "description", "status", "questions", "measures", "scores"}
QUESTION_KEYS = {"criterion", "text", "patient_benefit"}
MEASURE_KEYS = {"code", "title", "description", "fits_goals", "phase", "gate_note"}
SCORE_KEYS = {"participant", "measure", "values"}


def import_rounds(importer: ImportContext, root: Node) -> int:
    """Create the file's prioritisation rounds; returns how many."""
    nodes = root.items("prioritisation_rounds", ROUND_KEYS)
    for node in nodes:
        _round(importer, node)
    return len(nodes)


def _round(importer: ImportContext, node: Node) -> None:
    session = importer.session
    body = importer.body_ref(node, "body")
    data = priorities.RoundInput(
        title=node.text("title"),
        year=node.integer("year", 0),
        description=node.text("description", required=False),
    )
    questions = node.items("questions", QUESTION_KEYS)
    extra = (_questions(questions),) if questions else ()
    round_ = importer.call(node, priorities.create_round, session, body, data, *extra)
    status = node.text("status", required=False, default="åpen")
    if status not in ROUND_STATUSES:
        raise ExchangeError(
            _("skal være en av %(values)s", values=", ".join(ROUND_STATUSES)),
            field=node.where("status"),
        )
    for measure_node in node.items("measures", MEASURE_KEYS):
        fits = measure_node.value.get("fits_goals", True)
        if not isinstance(fits, bool):
            raise ExchangeError(
                _("skal være true eller false"), field=measure_node.where("fits_goals")
            )
        data = priorities.MeasureInput(
            code=measure_node.text("code"),
            title=measure_node.text("title"),
            description=measure_node.text("description", required=False),
            fits_goals=fits,
            phase=measure_node.integer("phase", 2),
            gate_note=measure_node.text("gate_note", required=False),
        )
        try:
            priorities.add_measure(session, round_, data)
        except priorities.FormErrors as error:
            field, message = next(iter(error.errors.items()))
            raise ExchangeError(message, field=measure_node.where(field)) from None
    _scores(importer, round_, node.items("scores", SCORE_KEYS))
    # Set last: a closed round refuses new measures and scores.
    round_.status = status


def _questions(nodes: list[Node]) -> tuple[tuple[str, str, bool], ...]:
    for node in nodes:
        if node.text("criterion") not in CRITERIA:
            raise ExchangeError(
                _("skal være en av %(values)s", values=", ".join(CRITERIA)),
                field=node.where("criterion"),
            )
    return tuple((n.text("criterion"), n.text("text"), n.flag("patient_benefit")) for n in nodes)


def _scores(importer: ImportContext, round_, nodes: list[Node]) -> None:
    importer.session.flush()
    measures = {m.code: m for m in priorities.passing(round_)}
    questions = {q.label: q for q in round_.questions}
    values: dict[str, dict] = {}
    people = members(importer.session, round_)
    who: dict[str, Participant] = {}
    for node in nodes:
        name = node.text("participant")
        if len(name) > 200:
            raise ExchangeError(_("kan ha høyst 200 tegn"), field=node.where("participant"))
        # A member's name or "Name, Organisation" links the scores to that member.
        participant = resolve_participant(importer.session, round_, name, people=people)
        name = participant.name
        who[name] = participant
        code = node.text("measure")
        if code not in measures:
            raise ExchangeError(
                _("ukjent eller ikke godkjent tiltak «%(code)s»", code=code),
                field=node.where("measure"),
            )
        raw = node.value.get("values")
        if not isinstance(raw, dict):
            raise ExchangeError(
                _("skal være et objekt med poeng per spørsmål"), field=node.where("values")
            )
        for label, value in raw.items():
            where = f"{node.where('values')}.{label}"
            if label not in questions:
                raise ExchangeError(_("ukjent spørsmål"), field=where)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
                raise ExchangeError(_("skal være et heltall fra 0 til 10"), field=where)
            values.setdefault(name, {})[(measures[code], questions[label])] = value
    priorities._replace(importer.session, round_, values, who)
