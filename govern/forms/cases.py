"""Forms of the case page: finding an earlier treatment, and external treatments by hand."""

from __future__ import annotations

from wtforms import DateField, Field, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from govern.forms.base import GovernForm, choices, version_field
from govern.i18n import lazy_gettext as _l
from govern.models.cases import SAKSTYPE_LABELS, SAKSTYPER, Treatment
from govern.services.cases import ExternalTreatmentInput

#: The value of "any body" / "nothing chosen" in selects.
NONE = 0


class FindTreatmentForm(GovernForm):
    """Search for the earlier treatment a case continues (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Saksnummer eller ord fra tittelen"),
        validators=[Length(max=200, message=_l("Skriv høyst %(max)s tegn.", max=200))],
        render_kw={"placeholder": "14/25"},
    )
    body = SelectField(_l("Organ"), coerce=int, default=NONE)

    def set_choices(self, bodies) -> FindTreatmentForm:
        """The bodies to search in."""
        self.body.choices = choices(
            [(NONE, _l("Alle organer")), *((b.id, b.short_name) for b in bodies)]
        )
        return self


class ExternalTreatmentForm(GovernForm):
    """A treatment in an external body (Nasjonalt e-helseråd, NUIT …), registered by hand."""

    body = SelectField(_l("Eksternt organ"), coerce=int, default=NONE)
    number = StringField(
        _l("Saksnummer"),
        validators=[Length(max=20, message=_l("Skriv høyst %(max)s tegn.", max=20))],
        render_kw={"placeholder": "14/25"},
    )
    decided_on = DateField(
        _l("Dato"), validators=[Optional()], render_kw={"placeholder": _l("åååå-mm-dd")}
    )
    title = StringField(
        _l("Tittel i organet"),
        validators=[Length(max=500, message=_l("Skriv høyst %(max)s tegn.", max=500))],
    )
    sakstype = SelectField(
        _l("Sakstype"),
        choices=choices([("", _l("– ingen –")), *((s, SAKSTYPE_LABELS[s]) for s in SAKSTYPER)]),
    )
    decision = TextAreaField(_l("Vedtak"), validators=[Length(max=20000)])
    version = version_field()

    def set_choices(self, bodies) -> ExternalTreatmentForm:
        """The external bodies to choose from."""
        self.body.choices = choices(
            [(NONE, _l("– velg organ –")), *((b.id, b.short_name) for b in bodies)]
        )
        return self

    def refusal_field(self, name: str | None) -> Field:
        """The field a service's error belongs next to."""
        return self[name if name and name in self else "number"]

    @staticmethod
    def values_of(treatment: Treatment) -> dict:
        """The form's starting values: the treatment as it is saved."""
        return {
            "body": treatment.body_id,
            "number": treatment.number,
            "decided_on": treatment.decided_on,
            "title": treatment.title or "",
            "sakstype": treatment.sakstype or "",
            "decision": treatment.decision,
            "version": treatment.version,
        }

    def to_input(self) -> ExternalTreatmentInput:
        """The treatment as the service takes it."""
        return ExternalTreatmentInput(
            number=(self.number.data or "").strip(),
            decided_on=self.decided_on.data,
            title=(self.title.data or "").strip() or None,
            sakstype=self.sakstype.data or None,
            decision=self.decision.data or "",
        )
