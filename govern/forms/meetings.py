"""Forms that plan a meeting, edit its days and place, and change its status."""

from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import Length, Optional

from govern.forms.base import GovernForm, version_field
from govern.i18n import lazy_gettext as _l
from govern.services import meeting_plans

#: Browsers send 10:00; people who type may write 10.00.
TIME_FORMATS = ["%H:%M", "%H.%M"]
MAX_DAYS = 4
STATUS_LABELS = {
    "planlagt": _l("Planlagt"),
    "innkalt": _l("Innkalt"),
    "gjennomført": _l("Gjennomført"),
}


def time_field(label: str) -> TimeField:
    """An optional time of day, as browsers send it or as people type it."""
    return TimeField(label, format=TIME_FORMATS, validators=[Optional()])


class DayRowForm(Form):
    """One row of the days table (no CSRF of its own: it lives inside a GovernForm)."""

    class Meta:
        locales = ("nb_NO", "nb")

    day_id = HiddenField()
    date = DateField(_l("Dato"), validators=[Optional()])
    start = time_field(_l("Start"))
    end = time_field(_l("Slutt"))

    def to_row(self) -> meeting_plans.DayRow:
        day_id = self.day_id.data or ""
        return meeting_plans.DayRow(
            date=self.date.data,
            start=self.start.data,
            end=self.end.data,
            day_id=int(day_id) if day_id.isdigit() else None,
        )


class MeetingForm(GovernForm):
    """Plan a meeting."""

    location = StringField(
        _l("Sted"), validators=[Length(max=300, message=_l("Stedet kan ha høyst 300 tegn"))]
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(k, v) for k, v in STATUS_LABELS.items()],
        default="planlagt",
    )
    days = FieldList(FormField(DayRowForm), min_entries=MAX_DAYS, max_entries=MAX_DAYS)
    agenda_shared = BooleanField(_l("Del dagsorden med medlemmene"))

    def to_input(self) -> meeting_plans.PlanInput:
        return meeting_plans.PlanInput(
            days=tuple(row.form.to_row() for row in self.days),
            location=self.location.data or "",
            status=self.status.data,
            agenda_shared=self.agenda_shared.data,
        )


class MeetingEditForm(GovernForm):
    """Change a meeting's place, days and sharing."""

    location = MeetingForm.location
    days = FieldList(FormField(DayRowForm), min_entries=MAX_DAYS, max_entries=MAX_DAYS)
    agenda_shared = BooleanField(_l("Del dagsorden med medlemmene"))
    move_items_to = SelectField(
        _l("Flytt punktene fra en dag som fjernes til"), choices={}, validate_choice=False
    )
    version = version_field()

    def to_input(self) -> meeting_plans.MeetingEdit:
        try:
            target = date.fromisoformat(self.move_items_to.data or "")
        except ValueError:
            target = None
        return meeting_plans.MeetingEdit(
            days=tuple(row.form.to_row() for row in self.days),
            version=self.version.data,
            location=self.location.data or "",
            agenda_shared=self.agenda_shared.data,
            move_items_to=target,
        )


class StatusForm(GovernForm):
    status = HiddenField()
    version = version_field()
    #: Set on the confirmation page: marking the meeting held approves the previous minutes.
    confirm = HiddenField()
    #: "meeting": back to the meeting page afterwards (else to «Rediger møte»).
    back = HiddenField()

    @property
    def confirmed(self) -> bool:
        return self.confirm.data == "1"
