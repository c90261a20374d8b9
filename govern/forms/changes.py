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
from govern.i18n import lazy_gettext as _l
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
    name = StringField(_l("Navn på produktområdet"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Beskrivelse"), validators=[Optional()])
    roadmap = TextAreaField(
        _l("Veikart"),
        description=_l("Én linje per punkt: «2026 H1: Tittel»"),
        validators=[Optional()],
    )
    hourly_rate = IntegerField(
        _l("Timepris (kr)"), default=1400, validators=[InputRequired(), NumberRange(1, 100_000)]
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
    name = StringField(_l("Utgivelse (navn eller versjon)"), validators=[InputRequired()])
    planned_on = DateField(_l("Planlagt dato"), validators=[InputRequired()])


class BudgetForm(ChangeForm):
    first = "year"
    year = IntegerField(_l("År"), validators=[InputRequired(), NumberRange(2000, 2100)])
    amount = IntegerField(
        _l("Vedlikeholdsvederlag (kr)"), validators=[InputRequired(), NumberRange(0)]
    )


class RequestForm(ChangeForm):
    title = StringField(_l("Tittel"), validators=[InputRequired(), Length(max=300)])
    organisation_id = SelectField(_l("Innmeldt av (region/HF)"), coerce=int, default=NONE)
    description = TextAreaField(_l("Beskrivelse"), validators=[Optional()])
    need = TextAreaField(_l("Behov"), validators=[Optional()])
    classification = SelectField(
        _l("Klassifisering"), choices=choices(CLASSIFICATION_LABELS.items()), default="utviklet"
    )
    statutory = BooleanField(_l("Myndighetskrav"))
    estimate_hours = IntegerField(_l("Estimat (timer)"), validators=[Optional(), NumberRange(0)])
    estimate_nok = IntegerField(
        _l("Estimat (kr)"),
        description=_l("Kroner teller mot budsjettet; er bare timer oppgitt, brukes timeprisen."),
        validators=[Optional(), NumberRange(0)],
    )
    year = IntegerField(_l("Budsjettår"), validators=[InputRequired(), NumberRange(2000, 2100)])
    version = version_field()

    def set_organisations(self, organisations) -> None:
        self.organisation_id.choices = choices(
            [(NONE, _l("– velg –")), *((o.id, o.name) for o in organisations)]
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
        _l("Ny status"),
        choices=choices((k, v) for k, v in STATUS_LABELS.items() if k != "eskalert"),
    )
    release_id = SelectField(_l("Utgivelse"), coerce=int, default=NONE)
    reason = TextAreaField(_l("Begrunnelse ved avvisning"), validators=[Optional()])
    note = StringField(_l("Merknad"), validators=[Optional(), Length(max=500)])


class EscalateForm(ChangeForm):
    first = "reason"
    meeting_id = SelectField(_l("Møte i produktrådet"), coerce=int, default=NONE)
    # The request's page has three forms with a reason: ids of their own (names unchanged).
    reason = TextAreaField(
        _l("Hvorfor eskaleres saken?"), id="escalate-reason", validators=[Optional()]
    )


class OutcomeForm(ChangeForm):
    first = "outcome"
    outcome = SelectField(
        _l("Produktrådet vedtok"),
        choices=choices([("prioritert", _l("Prioritert")), ("avvist", _l("Avvist"))]),
    )
    reason = TextAreaField(
        _l("Begrunnelse (ved avvisning)"), id="outcome-reason", validators=[Optional()]
    )


class PrioritiseForm(ChangeForm):
    first = "meeting_id"
    meeting_id = SelectField(_l("Møte"), coerce=int, default=NONE)


class EscalationMinutesForm(MinutesForm):
    """The referat of an escalated change request's case, with the outcome for the request."""

    outcome = SelectField(
        _l("Utfall for endringsønsket"),
        choices=choices(
            [
                ("", _l("– ikke avgjort –")),
                ("prioritert", _l("Prioritert")),
                ("avvist", _l("Avvist")),
            ]
        ),
        default="",
    )
    outcome_reason = TextAreaField(
        _l("Begrunnelse ved avvisning"), validators=[Optional(), Length(max=2000)]
    )

    @staticmethod
    def values_of(t, decided=None) -> dict:
        """The saved texts, and the outcome chosen before (a history event), if any."""
        values = MinutesForm.values_of(t)
        if decided is not None:
            values |= {"outcome": decided.to_status, "outcome_reason": decided.note}
        return values
