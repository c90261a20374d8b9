"""Forms of the prioritisation pages: rounds, measures, questions, the score grid, the import,
and the result going into a case (attachment or decision).

The forms check shape; the rules (a code used twice, a closed round, a scored question …)
are the services'. `add_errors` puts a service's messages next to the fields they name.
"""

from __future__ import annotations

from babel.support import LazyProxy
from flask_wtf.file import FileField
from wtforms import BooleanField, Field, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Regexp, ValidationError
from wtforms.widgets import HiddenInput

from govern.domain.priority_scoring import PHASE_NAMES
from govern.forms.base import GovernForm, choices, show_refusal
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext as _l
from govern.models.priorities import CRITERIA, CRITERION_LABELS
from govern.services.errors import GovernError
from govern.services.priorities import MeasureInput, RoundInput, parse_value
from govern.services.priority_questions import TEXT_LIMIT, QuestionInput

#: The value of "nobody chosen" in the select of members.
NONE = 0
PICK_CASE = _l("Velg en sak på en av organets møter.")


class PriorityForm(GovernForm):
    """Shared: a service's message goes next to the field it names (else the form's top)."""

    #: Service field names that are called something else in the form.
    aliases: dict[str, str] = {}

    def refusal_field(self, name: str | None) -> Field | None:
        """The field of that name, also where the service calls it something else."""
        return super().refusal_field(self.aliases.get(name or "", name))

    def add_errors(self, errors: dict[str | None, str], default: str | None = None) -> None:
        """Show the messages: a field of the form gets its own, the rest go next to `default`
        (or on top of the form)."""
        for name, message in errors.items():
            show_refusal(self, GovernError(message, field=name), at=default)


def _phase_label(number: int) -> LazyProxy:
    """'2 – konsept', in the language of the page it is shown on."""
    return LazyProxy(lambda: f"{number} – {PHASE_NAMES[number]}", enable_cache=False)


def _in_choices(message: str):
    """The chosen value is one of the field's choices (with a message of our own)."""

    def check(form, field) -> None:
        if not field.data or field.data not in [c[0] for c in field.iter_choices()]:
            raise ValidationError(message)

    return check


class RoundForm(PriorityForm):
    title = StringField(
        _l("Tittel"),
        validators=[
            InputRequired(_l("Skriv en tittel.")),
            Length(max=300, message=_l("Tittelen kan ha høyst 300 tegn.")),
        ],
    )
    year = StringField(
        _l("År"),
        validators=[
            InputRequired(_l("Skriv året med fire sifre, for eksempel 2026.")),
            Regexp(r"^\s*\d{4}\s*$", message=_l("Skriv året med fire sifre, for eksempel 2026.")),
        ],
    )
    description = TextAreaField(_l("Beskrivelse"))

    def to_input(self) -> RoundInput:
        return RoundInput(
            self.title.data or "", int(self.year.data.strip()), self.description.data or ""
        )


class MeasureForm(PriorityForm):
    code = StringField(_l("Kode"), description=_l("For eksempel LM, JD-1 eller KI-1."))
    title = StringField(
        _l("Tiltak"), validators=[Length(max=400, message=_l("Navnet kan ha høyst 400 tegn."))]
    )
    description = TextAreaField(_l("Beskrivelse"))
    fits_goals = SelectField(
        _l("Bidrar til målbildet og er med i veikartet"),
        choices=choices([("ja", _l("Ja")), ("nei", _l("Nei"))]),
        default="ja",
        validate_choice=False,
        validators=[AnyOf(["ja", "nei"], message=_l("Velg ja eller nei."))],
    )
    phase = SelectField(
        _l("Modenhet (fase)"),
        choices=choices((str(n), _phase_label(n)) for n in PHASE_NAMES),
        default="2",
        validate_choice=False,
        validators=[AnyOf([str(n) for n in PHASE_NAMES], message=_l("Velg en fase fra 1 til 5."))],
    )
    gate_note = TextAreaField(_l("Vurdering"))

    @staticmethod
    def values_of(measure) -> dict:
        return {
            "code": measure.code,
            "title": measure.title,
            "description": measure.description,
            "fits_goals": "ja" if measure.fits_goals else "nei",
            "phase": str(measure.phase),
            "gate_note": measure.gate_note,
        }

    def to_input(self) -> MeasureInput:
        return MeasureInput(
            code=self.code.data or "",
            title=self.title.data or "",
            description=self.description.data or "",
            fits_goals=self.fits_goals.data == "ja",
            phase=int(self.phase.data),
            gate_note=self.gate_note.data or "",
        )


class QuestionForm(PriorityForm):
    """A question: its criterion is chosen when it is added and kept after."""

    aliases = {"question": "text"}
    criterion = SelectField(
        _l("Kriterium"),
        choices=choices((c, CRITERION_LABELS[c]) for c in CRITERIA),
        default="måloppnåelse",
        validate_choice=False,
        validators=[AnyOf(list(CRITERIA), message=_l("Velg Måloppnåelse, Kostnader eller Nytte."))],
    )
    text = TextAreaField(
        _l("Spørsmål"),
        validators=[
            InputRequired(_l("Skriv spørsmålet.")),
            Length(
                max=TEXT_LIMIT,
                message=_l("Spørsmålet kan ha høyst %(limit)s tegn.", limit=TEXT_LIMIT),
            ),
        ],
        render_kw={"rows": 2},
    )
    patient_benefit = BooleanField(_l("Nytte for pasienter: avgjør ved likt resultat"))
    #: The wording the form was opened with; a save over someone else's change is refused.
    original = StringField(widget=HiddenInput())

    def to_input(self, criterion: str | None = None) -> QuestionInput:
        return QuestionInput(
            criterion or self.criterion.data or "",
            self.text.data or "",
            bool(self.patient_benefit.data),
        )


class ScoreGridForm(PriorityForm):
    """One participant's scores: a member from the list or an outside expert by name, then a
    cell per passing measure and question (added by `score_grid_form`)."""

    aliases = {"person_id": "person"}
    person = SelectField(_l("Medlem"), default=str(NONE), validate_choice=False)
    participant = StringField(
        _l("Ekstern deltaker (navn)"),
        description=_l(
            "For en deltaker som ikke er medlem av organet, for eksempel en fagekspert."
        ),
        validators=[Length(max=200, message=_l("Navnet kan ha høyst 200 tegn."))],
    )

    def set_members(self, people) -> None:
        self.person.choices = choices(
            [(str(NONE), _l("– velg –")), *((str(p.id), p.label) for p in people)]
        )

    @property
    def person_id(self) -> int | None:
        value = (self.person.data or "").strip()
        return int(value) if value.isdigit() and int(value) != NONE else None

    def validate_person(self, field) -> None:
        if (field.data or "").strip() and not field.data.strip().isdigit():
            raise ValidationError(_l("Velg et medlem i listen."))

    def validate_participant(self, field) -> None:
        typed = (field.data or "").strip()
        if self.person_id and typed:
            raise ValidationError(
                _("Velg et medlem eller skriv navnet på en ekstern deltaker, ikke begge.")
            )
        if not self.person_id and not typed:
            raise ValidationError(
                _("Skriv deltakerens navn. Et medlem av organet kan velges i listen over.")
            )

    def cells(self) -> dict[str, str]:
        """The grid's cells by name (s-<measure>-<question>), as typed."""
        return {name: f.data or "" for name, f in self._fields.items() if name.startswith("s-")}


def _score_cell(form, field) -> None:
    try:
        parse_value(field.data)
    except ValueError as error:
        raise ValidationError(f"{field.label.text}: {error}") from None


def score_grid_form(measures, questions, field_name, **kwargs) -> ScoreGridForm:
    """The grid form of these measures and questions (a cell each, named by `field_name`)."""

    class Grid(ScoreGridForm):
        pass

    for measure in measures:
        for question in questions:
            cell = StringField(f"{measure.code} {question.label}", validators=[_score_cell])
            setattr(Grid, field_name(measure, question), cell)
    return Grid(**kwargs)


class ImportForm(PriorityForm):
    aliases = {"round": "file"}
    file = FileField(_l("Fil (.xlsx eller .csv)"))

    def validate_file(self, field) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Velg en fil."))


class StatusForm(PriorityForm):
    status = StringField(
        widget=HiddenInput(),
        validators=[AnyOf(["åpen", "lukket"], message=_l("Velg åpen eller lukket."))],
    )


class AttachForm(PriorityForm):
    """The result as a Vedlegg of a case on one of the body's meetings (so in its toppnotat)."""

    treatment_id = SelectField(
        _l("Sak"), coerce=str, validate_choice=False, validators=[_in_choices(PICK_CASE)]
    )

    def set_treatments(self, treatments) -> None:
        self.treatment_id.choices = choices(
            (str(t.id), f"{t.number} {t.display_title}") for t in treatments
        )


class DecisionForm(PriorityForm):
    """The ranking as numbered lines in a case's forslag til vedtak or vedtak. The case's value
    is "id:version", the version the page was shown with."""

    aliases = {"version": "treatment"}
    treatment = SelectField(_l("Sak"), validate_choice=False)
    field = SelectField(
        _l("Skriv inn i"),
        choices=choices(
            [("proposed_decision", _l("Forslag til vedtak")), ("decision", _l("Vedtak"))]
        ),
        default="proposed_decision",
        validate_choice=False,
    )

    def set_treatments(self, treatments) -> None:
        self.treatment.choices = choices(
            (f"{t.id}:{t.version}", _case_label(t)) for t in treatments
        )

    def validate_treatment(self, field) -> None:
        chosen, _sep, version = (field.data or "").partition(":")
        if not chosen.isdigit():
            raise ValidationError(PICK_CASE)

    def chosen(self) -> tuple[int, int | None]:
        """(treatment id, the version the page showed) – after validation."""
        chosen, _sep, version = self.treatment.data.partition(":")
        return int(chosen), int(version) if version.isdigit() else None


def _case_label(treatment) -> str:
    locked = " " + _("(referatet er godkjent)") if treatment.meeting.minutes_locked else ""
    return f"{treatment.number} {treatment.display_title}{locked}"
