"""The follow-up form: status, who is responsible, by when, and notes."""

from __future__ import annotations

from wtforms import DateField, Field, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from govern.forms.base import GovernForm, choices, version_field
from govern.models.followups import FOLLOW_UP_STATUSES, FollowUp
from govern.services.followups import FollowUpInput

#: The value of "nothing chosen" in the organisation and person selects.
NONE = 0


class FollowUpForm(GovernForm):
    """A follow-up of a decision; the view fills in the organisation and person choices."""

    title = StringField("Hva skal gjøres", validators=[Length(max=2000)])
    status = SelectField("Status", choices=choices((s, s.capitalize()) for s in FOLLOW_UP_STATUSES))
    organisation = SelectField("Ansvarlig organisasjon", coerce=int, default=NONE)
    person = SelectField("Ansvarlig person", coerce=int, default=NONE)
    responsible = StringField(
        "Annen ansvarlig",
        validators=[Length(max=300, message="Skriv høyst 300 tegn.")],
    )
    due_on = DateField(
        "Frist",
        validators=[Optional()],
        render_kw={"placeholder": "åååå-mm-dd"},
    )
    notes = TextAreaField("Notater", validators=[Length(max=10000)])
    version = version_field()

    def refusal_field(self, name: str | None) -> Field:
        """The field a service's error (error.field) belongs next to."""
        mapped = {"organisation_id": "organisation", "person_id": "person"}.get(name or "", name)
        return self[mapped if mapped and mapped in self else "status"]

    def set_choices(self, organisations, people) -> FollowUpForm:
        """The organisations and people to choose from."""
        self.organisation.choices = choices(
            [(NONE, "– ingen –"), *((o.id, o.name) for o in organisations)]
        )
        self.person.choices = choices([(NONE, "– ingen –"), *((p.id, p.label) for p in people)])
        return self

    @staticmethod
    def values_of(follow_up: FollowUp) -> dict:
        """The form's starting values: the follow-up as it is saved."""
        return {
            "title": follow_up.title,
            "status": follow_up.status,
            "organisation": follow_up.organisation_id or NONE,
            "person": follow_up.person_id or NONE,
            "responsible": follow_up.responsible,
            "due_on": follow_up.due_on,
            "notes": follow_up.notes,
            "version": follow_up.version,
        }

    def to_input(self) -> FollowUpInput:
        """The follow-up as the service takes it."""
        return FollowUpInput(
            status=self.status.data or "",
            title=self.title.data or "",
            organisation_id=self.organisation.data or None,
            person_id=self.person.data or None,
            responsible=self.responsible.data or "",
            due_on=self.due_on.data,
            notes=self.notes.data or "",
        )
