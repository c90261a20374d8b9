"""Forms of the planning area: meetings, the agenda editor and attachments."""

from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from govern.forms.base import GovernForm, SingleLine, version_field
from govern.models.cases import SAKSTYPER
from govern.services import agenda, meetings
from govern.services.attachments import SOURCE_LABELS, UploadInput

#: Browsers send 10:00; people who type may write 10.00.
TIME_FORMATS = ["%H:%M", "%H.%M"]
MAX_DAYS = 4
TITLE_MAX = Length(max=500, message="Tittelen kan ha høyst 500 tegn")
STATUS_LABELS = {"planlagt": "Planlagt", "innkalt": "Innkalt", "gjennomført": "Gjennomført"}


def _time(label: str) -> TimeField:
    return TimeField(label, format=TIME_FORMATS, validators=[Optional()])


def _duration() -> IntegerField:
    return IntegerField(
        "Varighet (minutter)",
        validators=[
            Optional(),
            NumberRange(0, 24 * 60, message="Varigheten må være mellom 0 og 1440 minutter"),
        ],
    )


class DayRowForm(Form):
    """One row of the days table (no CSRF of its own: it lives inside a GovernForm)."""

    class Meta:
        locales = ("nb_NO", "nb")

    day_id = HiddenField()
    date = DateField("Dato", validators=[Optional()])
    start = _time("Start")
    end = _time("Slutt")

    def to_row(self) -> meetings.DayRow:
        day_id = self.day_id.data or ""
        return meetings.DayRow(
            date=self.date.data,
            start=self.start.data,
            end=self.end.data,
            day_id=int(day_id) if day_id.isdigit() else None,
        )


class MeetingForm(GovernForm):
    """Plan a meeting."""

    location = StringField(
        "Sted", validators=[Length(max=300, message="Stedet kan ha høyst 300 tegn")]
    )
    status = SelectField("Status", choices=STATUS_LABELS, default="planlagt")
    days = FieldList(FormField(DayRowForm), min_entries=MAX_DAYS, max_entries=MAX_DAYS)
    agenda_shared = BooleanField("Del dagsorden med medlemmene")

    def to_input(self) -> meetings.PlanInput:
        return meetings.PlanInput(
            days=tuple(row.form.to_row() for row in self.days),
            location=self.location.data or "",
            status=self.status.data,
            agenda_shared=self.agenda_shared.data,
        )


class MeetingEditForm(GovernForm):
    """Change a meeting's place, days and sharing."""

    location = MeetingForm.location
    days = FieldList(FormField(DayRowForm), min_entries=MAX_DAYS, max_entries=MAX_DAYS)
    agenda_shared = BooleanField("Del dagsorden med medlemmene")
    move_items_to = SelectField(
        "Flytt punktene fra en dag som fjernes til", choices={}, validate_choice=False
    )
    version = version_field()

    def to_input(self) -> meetings.MeetingEdit:
        try:
            target = date.fromisoformat(self.move_items_to.data or "")
        except ValueError:
            target = None
        return meetings.MeetingEdit(
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

    @property
    def confirmed(self) -> bool:
        return self.confirm.data == "1"


class CaseItemForm(GovernForm):
    """Put a new case on the agenda."""

    title = TextAreaField(
        "Tittel", validators=[DataRequired("Skriv sakens tittel"), TITLE_MAX, SingleLine()]
    )
    sakstype = SelectField("Sakstype", choices=list(SAKSTYPER), default="Drøfting")
    summary = TextAreaField("Sammendrag")
    proposed_decision = TextAreaField("Forslag til vedtak")
    presenter = StringField(
        "Innleder", validators=[Length(max=300, message="Innleder kan ha høyst 300 tegn")]
    )
    duration_minutes = _duration()
    day = SelectField("Dag", coerce=int)
    start_time = _time("Starttid (valgfri)")

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

    case_id = SelectField("Sak", coerce=int, validators=[InputRequired("Velg en sak")])
    title = TextAreaField("Tittel i dette organet (valgfri)", validators=[TITLE_MAX, SingleLine()])


class EntryForm(GovernForm):
    """A break ("Lunsj", "Pause") or a heading."""

    title = StringField("Tekst", validators=[DataRequired("Skriv teksten"), TITLE_MAX])
    duration_minutes = _duration()
    day = SelectField("Dag", coerce=int)
    start_time = _time("Starttid (valgfri)")

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

    parent_id = SelectField("Under sak", coerce=int)
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
        "Tittel i dette organet",
        validators=[DataRequired("Skriv sakens tittel"), TITLE_MAX, SingleLine()],
    )
    sakstype = CaseItemForm.sakstype
    summary = TextAreaField("Sammendrag")
    proposed_decision = TextAreaField("Forslag til vedtak")
    presenter = CaseItemForm.presenter
    duration_minutes = _duration()
    start_time = _time("Starttid (tom: følger punktet før)")
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
    title = StringField("Tekst", validators=[DataRequired("Skriv teksten"), TITLE_MAX])
    duration_minutes = _duration()
    start_time = _time("Starttid (tom: følger punktet før)")
    version = version_field()

    def to_input(self) -> agenda.EntryEdit:
        return agenda.EntryEdit(
            title=self.title.data or "",
            version=self.version.data,
            duration_minutes=self.duration_minutes.data,
            start_time=self.start_time.data,
        )


class AttachmentForm(GovernForm):
    source = RadioField(
        "Dokument",
        choices=[SelectChoice(value, label) for value, label in SOURCE_LABELS.items()],
        default="file",
    )
    file = FileField("Fil (PDF, Word, Excel eller PowerPoint, høyst 20 MB)")
    title = StringField("Tittel", validators=[TITLE_MAX])
    number = StringField(
        "Vedleggsnummer", validators=[Length(max=8, message="Skriv f.eks. 6 eller 6A")]
    )
    treatment_id = SelectField("Hører til sak", coerce=int, default=0)

    def to_input(self, content: bytes) -> UploadInput:
        return UploadInput(
            filename=self.file.data.filename if self.file.data else "",
            content=content,
            title=self.title.data or "",
            number=self.number.data or "",
            treatment_id=self.treatment_id.data or None,
            source=self.source.data or "file",
        )


class AttachmentFileForm(GovernForm):
    file = FileField("Fil")
