"""Forms for keeping annual cycles: a new cycle, and an entry with its time given one of
five ways (only the chosen way's fields are read, so the form works without JavaScript)."""

from __future__ import annotations

from wtforms import Field, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from govern.forms.base import GovernForm, choices, version_field
from govern.models.bodies import ROLES
from govern.models.cycles import CycleEntry
from govern.services.cycles import PERIOD_NAMES, CycleInput, EntryInput
from govern.timeutil import MONTHS

#: The value of "nothing chosen" in the selects that refer to something by id.
NONE = 0

WHEN_PAIRS = [
    ("date", "Fast dato hvert år"),
    ("span", "Periode med datoer"),
    ("period", "Uke, måned, tertial, kvartal, halvår eller sesong"),
    ("meeting", "Før eller etter møtene"),
    ("entry", "Før eller etter en annen frist"),
]
WHEN_CHOICES = choices(WHEN_PAIRS)
MONTH_CHOICES = choices([(NONE, "– velg måned –"), *enumerate(MONTHS, 1)])
UNIT_CHOICES = choices([("", "– velg –"), *PERIOD_NAMES.items()])
OFFSET_UNITS = choices([("days", "dager"), ("weeks", "uker")])
DIRECTIONS = choices([("before", "før"), ("after", "etter")])
ANCHORS = choices([("each", "hvert møte"), ("next", "neste møte")])
COMPLETED_BY = choices(
    [
        ("", "– bare når noen merker den utført –"),
        ("innkalling", "når innkallingen sendes"),
        ("toppnotater", "når toppnotatene er klare"),
        ("referat_sendt", "når referatet sendes til medlemmene"),
        ("referat_godkjent", "når referatet godkjennes"),
    ]
)
ROLE_CHOICES = choices([("", "– ingen rolle –"), *((r, r) for r in ROLES)])

#: The fields each way of giving the time reads; the others are ignored, also when invalid.
KIND_FIELDS = {
    "date": ("day", "month"),
    "span": ("span_day", "span_month", "end_day", "end_month"),
    "period": ("period_unit", "period_start", "period_end"),
    "meeting": (
        "meeting_amount",
        "meeting_unit",
        "meeting_direction",
        "meeting_anchor",
        "completed_by",
    ),
    "entry": ("entry_amount", "entry_unit", "entry_direction", "relative_to"),
}


def _day(label: str) -> IntegerField:
    return IntegerField(label, validators=[Optional()])


def _amount() -> IntegerField:
    return IntegerField(
        "Hvor lenge",
        validators=[
            Optional(),
            NumberRange(min=0, message="Skriv et tall fra 0 og opp; velg før eller etter under"),
        ],
    )


def _offset(amount: int | None, unit: str, direction: str) -> int | None:
    if amount is None:
        return None
    days = amount * (7 if unit == "weeks" else 1)
    return -days if direction == "before" else days


def _offset_values(prefix: str, days: int | None) -> dict:
    if days is None:
        return {}
    weeks = days != 0 and days % 7 == 0
    return {
        f"{prefix}_amount": abs(days) // 7 if weeks else abs(days),
        f"{prefix}_unit": "weeks" if weeks else "days",
        f"{prefix}_direction": "before" if days < 0 else "after",
    }


class CycleForm(GovernForm):
    """A new cycle: its name (the address is made from it) and what it is for."""

    name = StringField("Navn", validators=[Length(max=200)])
    description = TextAreaField("Beskrivelse", validators=[Length(max=5000)])

    def refusal_field(self, name: str | None) -> Field:
        """The field a service's error belongs next to."""
        return self[name if name in ("name", "description") else "name"]

    def to_input(self) -> CycleInput:
        """The new cycle as the service takes it."""
        return CycleInput(name=self.name.data or "", description=self.description.data or "")


class EntryForm(GovernForm):
    """An entry of a cycle; the view fills in the choices that depend on the cycle."""

    title = StringField("Tittel", validators=[Length(max=300)])
    responsible = StringField("Ansvarlig", validators=[Length(max=200)])
    recipient = StringField("Til", validators=[Length(max=200)])
    description = TextAreaField("Beskrivelse", validators=[Length(max=5000)])
    when_kind = RadioField("Når", choices=WHEN_CHOICES, default="date", validate_choice=False)

    day = _day("Dag")
    month = SelectField("Måned", choices=MONTH_CHOICES, coerce=int, default=NONE)

    span_day = _day("Fra dag")
    span_month = SelectField("Fra måned", choices=MONTH_CHOICES, coerce=int, default=NONE)
    end_day = _day("Til dag")
    end_month = SelectField("Til måned", choices=MONTH_CHOICES, coerce=int, default=NONE)

    period_unit = SelectField("Hva slags periode", choices=UNIT_CHOICES, default="")
    period_start = IntegerField("Fra nummer", validators=[Optional()])
    period_end = IntegerField("Til nummer", validators=[Optional()])

    meeting_amount = _amount()
    meeting_unit = SelectField("Enhet", choices=OFFSET_UNITS, default="weeks")
    meeting_direction = SelectField("Før eller etter", choices=DIRECTIONS, default="before")
    meeting_anchor = SelectField("Regnes fra", choices=ANCHORS, default="each")
    completed_by = SelectField("Utført av seg selv", choices=COMPLETED_BY, default="")

    entry_amount = _amount()
    entry_unit = SelectField("Enhet", choices=OFFSET_UNITS, default="weeks")
    entry_direction = SelectField("Før eller etter", choices=DIRECTIONS, default="after")
    relative_to = SelectField("Regnes fra fristen", coerce=int, default=NONE, validate_choice=False)

    reminder_days = IntegerField("Dager før", validators=[Optional()])
    reminder_role = SelectField("Til alle med rollen", choices=ROLE_CHOICES, default="sekretariat")
    reminder_person = SelectField("Til personen", coerce=int, default=NONE)

    #: The entry's version when the form was opened; a save on an older one is refused.
    version = version_field()

    def validate(self, extra_validators=None) -> bool:
        """Check the shared fields and the chosen way's fields; ignore the other ways'."""
        super().validate(extra_validators)
        for kind, names in KIND_FIELDS.items():
            if kind != self.when_kind.data:
                for name in names:
                    self[name].errors = []
        self._errors = None  # the cached summary may name fields cleared above
        return not any(f.errors for f in self)

    def refusal_field(self, name: str | None) -> Field:
        """The field a service's error (error.field) belongs next to."""
        kind = self.when_kind.data
        span = kind == "span"
        mapped = {
            "day": "span_day" if span else "day",
            "month": "span_month" if span else "month",
            "offset_days": f"{kind}_amount" if kind in ("meeting", "entry") else "when_kind",
            "relative_to_id": "relative_to",
            "reminder_person_id": "reminder_person",
        }.get(name or "", name)
        return self[mapped if mapped and mapped in self else "when_kind"]

    @staticmethod
    def values_of(entry: CycleEntry) -> dict:
        """The form's starting values: the entry as it is saved."""
        values = {
            "title": entry.title,
            "responsible": entry.responsible,
            "recipient": entry.recipient,
            "description": entry.description,
            "when_kind": entry.when_kind,
            "reminder_days": entry.reminder_days,
            "reminder_role": entry.reminder_role or "",
            "reminder_person": entry.reminder_person_id or NONE,
            "version": entry.version,
        }
        kind = entry.when_kind
        if kind == "date":
            values |= {"day": entry.day, "month": entry.month}
        elif kind == "span":
            values |= {"span_day": entry.day, "span_month": entry.month}
            values |= {"end_day": entry.end_day, "end_month": entry.end_month}
        elif kind == "period":
            values |= {"period_unit": entry.period_unit, "period_start": entry.period_start}
            values["period_end"] = entry.period_end
        elif kind == "meeting":
            values |= _offset_values("meeting", entry.offset_days)
            values["meeting_anchor"] = entry.meeting_anchor
            values["completed_by"] = entry.completed_by or ""
        else:
            values |= _offset_values("entry", entry.offset_days)
            values["relative_to"] = entry.relative_to_id or NONE
        return values

    def _time(self) -> dict:
        kind = self.when_kind.data
        if kind == "date":
            return {"day": self.day.data, "month": self.month.data or None}
        if kind == "span":
            return {
                "day": self.span_day.data,
                "month": self.span_month.data or None,
                "end_day": self.end_day.data,
                "end_month": self.end_month.data or None,
            }
        if kind == "period":
            return {
                "period_unit": self.period_unit.data or None,
                "period_start": self.period_start.data,
                "period_end": self.period_end.data,
            }
        if kind in ("meeting", "entry"):
            amount, unit, direction = (self[f"{kind}_{n}"] for n in ("amount", "unit", "direction"))
            time = {"offset_days": _offset(amount.data, unit.data, direction.data)}
            if kind == "meeting":
                return time | {
                    "meeting_anchor": self.meeting_anchor.data,
                    "completed_by": self.completed_by.data or None,
                }
            return time | {"relative_to_id": self.relative_to.data or None}
        return {}

    def to_input(self) -> EntryInput:
        """The entry as the service takes it: only the chosen way's time fields."""
        return EntryInput(
            title=self.title.data or "",
            when_kind=self.when_kind.data or "",
            responsible=self.responsible.data or "",
            recipient=self.recipient.data or "",
            description=self.description.data or "",
            reminder_days=self.reminder_days.data,
            reminder_role=self.reminder_role.data or None,
            reminder_person_id=self.reminder_person.data or None,
            **self._time(),
        )
