"""Forms of the minutes: attendance, the referat per case, corrections."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from govern.forms.base import GovernForm, choices, version_field
from govern.i18n import lazy_gettext as _l
from govern.models.cases import Treatment
from govern.services.attendance import AttendanceRow
from govern.services.minutes import MinutesInput, split_inputs
from govern.services.minutes_corrections import CorrectionInput
from govern.services.minutes_meeting import CaseMinutes

#: "Not recorded" is an empty status: the person gets no attendance row.
STATUS_CHOICES = [
    SelectChoice("present", _l("til stede")),
    SelectChoice("absent", _l("ikke til stede")),
    SelectChoice("deputy", _l("stedfortreder")),
    SelectChoice("", _l("ikke registrert")),
]
#: The value of "nobody chosen" in the selects of people.
NONE = 0
TEXT_LIMIT = 50_000


def _day_boxes(label: str) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )


class AttendanceRowForm(GovernForm):
    """One person's row; part of AttendanceForm, which carries the CSRF token."""

    class Meta:
        csrf = False

    person_id = IntegerField(widget=HiddenInput())
    #: Quick choices, one click each, rather than a select per row.
    status = RadioField(_l("Oppmøte"), choices=STATUS_CHOICES, default="")
    deputy_for = SelectField(_l("Stiller for"), coerce=int, default=NONE)
    days = _day_boxes(_l("Bare disse dagene"))


class AttendanceForm(GovernForm):
    rows = FieldList(FormField(AttendanceRowForm))
    #: The attendance as it was when the form was opened (see services.attendance.fingerprint).
    fingerprint = HiddenField()
    new_person = SelectField(
        _l("Person som ikke er medlem"), coerce=int, default=NONE, validators=[Optional()]
    )
    new_for = SelectField(_l("Stiller for"), coerce=int, default=NONE, validators=[Optional()])
    new_days = _day_boxes(_l("Bare disse dagene"))
    #: "Alle til stede": every row not registered (varas not called in aside) as present.
    all_present = SubmitField(_l("Alle til stede"))

    def set_choices(self, members: list[tuple[int, str]], others: list[tuple[int, str]], days: int):
        """Choices of every select: whom one may stand in for, people to add, the days. (The
        page does not offer a person to stand in for him- or herself; posted, the service
        refuses it with its own message.)"""
        deputy_choices = choices([(NONE, _l("– velg –")), *members])
        day_choices = choices([(n, _l("Dag %(n)s", n=n)) for n in range(1, days + 1)])
        for entry in self.rows:
            entry.form.deputy_for.choices = deputy_choices
            entry.form.days.choices = day_choices
        self.new_person.choices = choices([(NONE, _l("– ingen –")), *others])
        self.new_for.choices = deputy_choices
        self.new_days.choices = day_choices

    def to_input(self, skip: frozenset[int] = frozenset()) -> tuple[list[AttendanceRow], list]:
        """The rows for the service, and for each the form row its errors belong to.

        "Stiller for" only counts for a stedfortreder (a vara's row comes preselected).
        With "Alle til stede" pressed, rows not registered are present, except the people
        in `skip` (varas not called in).
        """
        rows, targets = [], []
        for entry in self.rows:
            f = entry.form
            if not f.status.data and self.all_present.data and f.person_id.data not in skip:
                f.status.data = "present"
            if not f.status.data:
                continue
            deputy = f.status.data == "deputy"
            rows.append(
                AttendanceRow(
                    person_id=f.person_id.data,
                    status=f.status.data,
                    deputy_for_id=(f.deputy_for.data or None) if deputy else None,
                    days=tuple(f.days.data or ()),
                )
            )
            targets.append(f)
        if self.new_person.data:
            rows.append(
                AttendanceRow(
                    person_id=self.new_person.data,
                    status="deputy",
                    deputy_for_id=self.new_for.data or None,
                    days=tuple(self.new_days.data or ()),
                )
            )
            targets.append(None)
        return rows, targets

    def field_for(self, target, name: str):
        """The field a service error about `name` of a row (None: the added person) goes to."""
        if target is None:
            return {"deputy_for": self.new_for, "days": self.new_days}.get(name, self.new_person)
        return {"deputy_for": target.deputy_for, "days": target.days}.get(name, target.status)


class MinutesForm(GovernForm):
    version = version_field()
    presentation = TextAreaField(
        _l("Hva ble lagt frem, og av hvem"), validators=[Length(max=TEXT_LIMIT)]
    )
    inputs = TextAreaField(_l("Innspill"), validators=[Length(max=TEXT_LIMIT)])
    decision = TextAreaField(_l("Vedtak"), validators=[Length(max=TEXT_LIMIT)])
    #: Only shown (and read) on the meeting's Godkjenning item.
    postponed = BooleanField(_l("Referatet fra forrige møte godkjennes ikke / utsettes"))
    #: Whether this is the Godkjenning item (set by the view, not posted).
    approval_item = False

    @staticmethod
    def values_of(t: Treatment) -> dict:
        """The saved texts; an empty vedtak starts as the forslag til vedtak."""
        return {
            "version": t.version,
            "presentation": t.presentation,
            "inputs": "\n".join(i.text for i in t.inputs),
            "decision": t.decision or t.proposed_decision,
            "postponed": t.minutes_postponed,
        }

    def to_input(self) -> MinutesInput:
        return MinutesInput(
            version=self.version.data,
            presentation=self.presentation.data or "",
            inputs=split_inputs(self.inputs.data),
            decision=self.decision.data or "",
            postponed=bool(self.postponed.data) if self.approval_item else None,
        )


class CaseMinutesForm(MinutesForm):
    """One case's referat on the whole meeting's page; part of MeetingMinutesForm, which
    carries the CSRF token."""

    class Meta:
        csrf = False

    treatment_id = IntegerField(widget=HiddenInput())

    @staticmethod
    def values_of(t: Treatment) -> dict:
        return {**MinutesForm.values_of(t), "treatment_id": t.id}


class MeetingMinutesForm(GovernForm):
    """The referat of every case of a meeting, saved with one «Lagre»."""

    cases = FieldList(FormField(CaseMinutesForm))

    def mark_approval_item(self, approval_ids: set[int]) -> None:
        """Offer (and read) the postponement only on the Godkjenning item."""
        for entry in self.cases:
            entry.form.approval_item = entry.form.treatment_id.data in approval_ids

    def to_input(self) -> list[CaseMinutes]:
        return [
            CaseMinutes(entry.form.treatment_id.data or 0, entry.form.to_input())
            for entry in self.cases
        ]


class CorrectionForm(MinutesForm):
    """The minutes' texts of one case, corrected after approval, with the reason why."""

    treatment_id = IntegerField(widget=HiddenInput())
    reason = TextAreaField(
        _l("Begrunnelse for rettelsen"),
        validators=[DataRequired(_l("Skriv hvorfor referatet rettes")), Length(max=2000)],
    )

    @staticmethod
    def values_of(t: Treatment) -> dict:
        return {
            "treatment_id": t.id,
            "version": t.version,
            "presentation": t.presentation,
            "inputs": "\n".join(i.text for i in t.inputs),
            "decision": t.decision,
        }

    def to_input(self) -> CorrectionInput:
        return CorrectionInput(
            version=self.version.data,
            reason=self.reason.data or "",
            decision=self.decision.data or "",
            inputs=split_inputs(self.inputs.data),
            presentation=self.presentation.data or "",
        )


class AttendanceCorrectionForm(AttendanceForm):
    """The attendance of approved minutes, corrected, with the reason why (a new revision)."""

    reason = TextAreaField(
        _l("Begrunnelse for rettelsen"),
        validators=[DataRequired(_l("Skriv hvorfor oppmøtet rettes")), Length(max=2000)],
    )
