"""The follow-up form: status, who is responsible, by when, and notes."""

from __future__ import annotations

from wtforms import DateField, Field, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from govern.domain.register import FOLLOW_UP_STATUS_NAMES
from govern.forms.base import GovernForm, choices, version_field
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext as _l
from govern.models.followups import FOLLOW_UP_STATUSES, FollowUp
from govern.services.followups import FollowUpInput

#: The value of "nothing chosen" in the organisation and person selects.
NONE = 0


class FollowUpForm(GovernForm):
    """A follow-up of a decision; the view fills in the organisation and person choices."""

    title = StringField(_l("Hva skal gjøres"), validators=[Length(max=2000)])
    status = SelectField(
        _l("Status"), choices=choices((s, FOLLOW_UP_STATUS_NAMES[s]) for s in FOLLOW_UP_STATUSES)
    )
    organisation = SelectField(_l("Ansvarlig organisasjon"), coerce=int, default=NONE)
    person = SelectField(_l("Ansvarlig person"), coerce=int, default=NONE)
    responsible = StringField(
        _l("Annen ansvarlig"),
        validators=[Length(max=300, message=_l("Skriv høyst 300 tegn."))],
    )
    due_on = DateField(
        _l("Frist"),
        validators=[Optional()],
        render_kw={"placeholder": _l("åååå-mm-dd")},
    )
    notes = TextAreaField(_l("Notater"), validators=[Length(max=10000)])
    version = version_field()

    def refusal_field(self, name: str | None) -> Field:
        """The field a service's error (error.field) belongs next to."""
        mapped = {"organisation_id": "organisation", "person_id": "person"}.get(name or "", name)
        return self[mapped if mapped and mapped in self else "status"]

    def set_choices(self, organisations, people) -> FollowUpForm:
        """The organisations and people to choose from."""
        self.organisation.choices = choices(
            [(NONE, _("– ingen –")), *((o.id, o.name) for o in organisations)]
        )
        self.person.choices = choices([(NONE, _("– ingen –")), *((p.id, p.label) for p in people)])
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
