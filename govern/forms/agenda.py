"""Forms of the agenda editor: cases, breaks, headings and points, added and edited."""

from __future__ import annotations

from wtforms import (
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from govern.forms.base import GovernForm, SingleLine, version_field
from govern.forms.meetings import time_field
from govern.i18n import lazy_gettext as _l
from govern.models.cases import SAKSTYPE_LABELS, SAKSTYPER
from govern.services import agenda

TITLE_MAX = Length(max=500, message=_l("Tittelen kan ha høyst 500 tegn"))


def _duration() -> IntegerField:
    return IntegerField(
        _l("Varighet (minutter)"),
        validators=[
            Optional(),
            NumberRange(0, 24 * 60, message=_l("Varigheten må være mellom 0 og 1440 minutter")),
        ],
    )


class CaseItemForm(GovernForm):
    """Put a new case on the agenda."""

    title = TextAreaField(
        _l("Tittel"), validators=[DataRequired(_l("Skriv sakens tittel")), TITLE_MAX, SingleLine()]
    )
    sakstype = SelectField(
        _l("Sakstype"),
        choices=[SelectChoice(s, SAKSTYPE_LABELS[s]) for s in SAKSTYPER],
        default="Drøfting",
    )
    summary = TextAreaField(_l("Sammendrag"))
    proposed_decision = TextAreaField(_l("Forslag til vedtak"))
    presenter = StringField(
        _l("Innleder"), validators=[Length(max=300, message=_l("Innleder kan ha høyst 300 tegn"))]
    )
    duration_minutes = _duration()
    day = SelectField(_l("Dag"), coerce=int)
    start_time = time_field(_l("Starttid (valgfri)"))

    def to_input(self) -> agenda.CaseItemInput:
        return agenda.CaseItemInput(
            sakstype=self.sakstype.data,
            day=self.day.data,
            start_time=self.start_time.data,
            title=(self.title.data or "").strip() or None,
            summary=self.summary.data or "",
            proposed_decision=self.proposed_decision.data or "",
            presenter=self.presenter.data or "",
            duration_minutes=self.duration_minutes.data,
        )


class ExistingCaseForm(CaseItemForm):
    """Put a case registered before (perhaps treated in another body) on the agenda."""

    #: Picked through the search above the form (services.case_picker), not from a list.
    case_id = IntegerField(
        _l("Sak"), widget=HiddenInput(), validators=[InputRequired(_l("Finn og velg en sak først"))]
    )
    title = TextAreaField(
        _l("Tittel i dette organet (valgfri)"), validators=[TITLE_MAX, SingleLine()]
    )


class EntryForm(GovernForm):
    """A break ("Lunsj", "Pause") or a heading."""

    title = StringField(_l("Tekst"), validators=[DataRequired(_l("Skriv teksten")), TITLE_MAX])
    duration_minutes = _duration()
    day = SelectField(_l("Dag"), coerce=int)
    start_time = time_field(_l("Starttid (valgfri)"))

    def to_input(self, kind: str) -> agenda.EntryInput:
        return agenda.EntryInput(
            kind=kind,
            title=self.title.data or "",
            day=self.day.data or 1,
            start_time=self.start_time.data,
            duration_minutes=self.duration_minutes.data,
        )


class PointForm(EntryForm):
    """An unnumbered sub-point under a case item."""

    parent_id = SelectField(_l("Under sak"), coerce=int)
    day = None

    def to_input(self, kind: str = "point") -> agenda.EntryInput:
        return agenda.EntryInput(
            kind="point",
            title=self.title.data or "",
            start_time=self.start_time.data,
            duration_minutes=self.duration_minutes.data,
        )


class CaseEditForm(GovernForm):
    title = TextAreaField(
        _l("Tittel i dette organet"),
        validators=[DataRequired(_l("Skriv sakens tittel")), TITLE_MAX, SingleLine()],
    )
    sakstype = CaseItemForm.sakstype
    summary = TextAreaField(_l("Sammendrag"))
    proposed_decision = TextAreaField(_l("Forslag til vedtak"))
    presenter = CaseItemForm.presenter
    duration_minutes = _duration()
    start_time = time_field(_l("Starttid (tom: følger punktet før)"))
    item_version = version_field()
    treatment_version = version_field()

    def to_input(self) -> agenda.CaseEdit:
        return agenda.CaseEdit(
            title=self.title.data or "",
            sakstype=self.sakstype.data,
            item_version=self.item_version.data,
            treatment_version=self.treatment_version.data,
            summary=self.summary.data or "",
            proposed_decision=self.proposed_decision.data or "",
            presenter=self.presenter.data or "",
            duration_minutes=self.duration_minutes.data,
            start_time=self.start_time.data,
        )


class EntryEditForm(GovernForm):
    title = StringField(_l("Tekst"), validators=[DataRequired(_l("Skriv teksten")), TITLE_MAX])
    duration_minutes = _duration()
    start_time = time_field(_l("Starttid (tom: følger punktet før)"))
    version = version_field()

    def to_input(self) -> agenda.EntryEdit:
        return agenda.EntryEdit(
            title=self.title.data or "",
            version=self.version.data,
            duration_minutes=self.duration_minutes.data,
            start_time=self.start_time.data,
        )
