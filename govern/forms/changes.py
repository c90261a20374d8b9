"""Forms for the product area and its change requests."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from govern.forms.base import GovernForm, choices, version_field
from govern.forms.minutes import MinutesForm
from govern.models.changes import CLASSIFICATION_LABELS, STATUS_LABELS
from govern.services.changes import AreaInput, RequestInput

NONE = 0


class ChangeForm(GovernForm):
    """Shared: put a service's message on the field it names (or the first field)."""

    def refusal_field(self, name: str | None) -> Field:
        """The field a service's error belongs next to."""
        known = name and name in self._fields and name != "csrf_token"
        return self[name if known else self.first]

    first = "title"


class AreaForm(ChangeForm):
    first = "name"
    name = StringField("Navn på produktområdet", validators=[InputRequired(), Length(max=200)])
    description = TextAreaField("Beskrivelse", validators=[Optional()])
    roadmap = TextAreaField(
        "Veikart", description="Én linje per punkt: «2026 H1: Tittel»", validators=[Optional()]
    )
    hourly_rate = IntegerField(
        "Timepris (kr)", default=1400, validators=[InputRequired(), NumberRange(1, 100_000)]
    )

    def to_input(self) -> AreaInput:
        return AreaInput(
            self.name.data or "",
            self.description.data or "",
            self.roadmap.data or "",
            self.hourly_rate.data,
        )


class ReleaseForm(ChangeForm):
    first = "name"
    name = StringField("Utgivelse (navn eller versjon)", validators=[InputRequired()])
    planned_on = DateField("Planlagt dato", validators=[InputRequired()])


class BudgetForm(ChangeForm):
    first = "year"
    year = IntegerField("År", validators=[InputRequired(), NumberRange(2000, 2100)])
    amount = IntegerField("Vedlikeholdsvederlag (kr)", validators=[InputRequired(), NumberRange(0)])


class RequestForm(ChangeForm):
    title = StringField("Tittel", validators=[InputRequired(), Length(max=300)])
    organisation_id = SelectField("Innmeldt av (region/HF)", coerce=int, default=NONE)
    description = TextAreaField("Beskrivelse", validators=[Optional()])
    need = TextAreaField("Behov", validators=[Optional()])
    classification = SelectField(
        "Klassifisering", choices=choices(CLASSIFICATION_LABELS.items()), default="utviklet"
    )
    statutory = BooleanField("Myndighetskrav")
    estimate_hours = IntegerField("Estimat (timer)", validators=[Optional(), NumberRange(0)])
    estimate_nok = IntegerField(
        "Estimat (kr)",
        description="Kroner teller mot budsjettet; er bare timer oppgitt, brukes timeprisen.",
        validators=[Optional(), NumberRange(0)],
    )
    year = IntegerField("Budsjettår", validators=[InputRequired(), NumberRange(2000, 2100)])
    version = version_field()

    def set_organisations(self, organisations) -> None:
        self.organisation_id.choices = choices(
            [(NONE, "– velg –"), *((o.id, o.name) for o in organisations)]
        )

    def to_input(self) -> RequestInput:
        return RequestInput(
            title=self.title.data or "",
            classification=self.classification.data,
            year=self.year.data,
            description=self.description.data or "",
            need=self.need.data or "",
            organisation_id=self.organisation_id.data or None,
            statutory=bool(self.statutory.data),
            estimate_hours=self.estimate_hours.data,
            estimate_nok=self.estimate_nok.data,
        )


class StatusForm(ChangeForm):
    first = "status"
    status = SelectField(
        "Ny status",
        choices=choices((k, v) for k, v in STATUS_LABELS.items() if k != "eskalert"),
    )
    release_id = SelectField("Utgivelse", coerce=int, default=NONE)
    reason = TextAreaField("Begrunnelse ved avvisning", validators=[Optional()])
    note = StringField("Merknad", validators=[Optional(), Length(max=500)])


class EscalateForm(ChangeForm):
    first = "reason"
    meeting_id = SelectField("Møte i produktrådet", coerce=int, default=NONE)
    reason = TextAreaField("Hvorfor eskaleres saken?", validators=[Optional()])


class OutcomeForm(ChangeForm):
    first = "outcome"
    outcome = SelectField(
        "Produktrådet vedtok", choices=choices([("prioritert", "Prioritert"), ("avvist", "Avvist")])
    )
    reason = TextAreaField("Begrunnelse (ved avvisning)", validators=[Optional()])


class PrioritiseForm(ChangeForm):
    first = "meeting_id"
    meeting_id = SelectField("Møte", coerce=int, default=NONE)


class EscalationMinutesForm(MinutesForm):
    """The referat of an escalated change request's case, with the outcome for the request."""

    outcome = SelectField(
        "Utfall for endringsønsket",
        choices=choices(
            [("", "– ikke avgjort –"), ("prioritert", "Prioritert"), ("avvist", "Avvist")]
        ),
        default="",
    )
    outcome_reason = TextAreaField(
        "Begrunnelse ved avvisning", validators=[Optional(), Length(max=2000)]
    )

    @staticmethod
    def values_of(t, decided=None) -> dict:
        """The saved texts, and the outcome chosen before (a history event), if any."""
        values = MinutesForm.values_of(t)
        if decided is not None:
            values |= {"outcome": decided.to_status, "outcome_reason": decided.note}
        return values
