"""Forms for keeping annual cycles: a new cycle, and an entry with its time given one of
five ways (only the chosen way's fields are read, so the form works without JavaScript)."""

from __future__ import annotations

from babel.support import LazyProxy
from wtforms import Field, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from govern.forms.base import GovernForm, choices, version_field
from govern.i18n import lazy_gettext as _l
from govern.models.bodies import ROLE_NAMES
from govern.models.cycles import CycleEntry
from govern.services.cycles import PERIOD_NAMES, CycleInput, EntryInput
from govern.timeutil import month_name

#: The value of "nothing chosen" in the selects that refer to something by id.
NONE = 0

WHEN_PAIRS = [
    ("date", _l("Fast dato hvert år")),
    ("span", _l("Periode med datoer")),
    ("period", _l("Uke, måned, tertial, kvartal, halvår eller sesong")),
    ("meeting", _l("Før eller etter møtene")),
    ("entry", _l("Før eller etter en annen frist")),
]
WHEN_CHOICES = choices(WHEN_PAIRS)
#: The months by name in the reader's language (looked up when the select is shown).
MONTH_CHOICES = choices(
    [
        (NONE, _l("– velg måned –")),
        *((n, LazyProxy(month_name, n, enable_cache=False)) for n in range(1, 13)),
    ]
)
UNIT_CHOICES = choices([("", _l("– velg –")), *PERIOD_NAMES.items()])
OFFSET_UNITS = choices([("days", _l("dager")), ("weeks", _l("uker"))])
DIRECTIONS = choices([("before", _l("før")), ("after", _l("etter"))])
ANCHORS = choices([("each", _l("hvert møte")), ("next", _l("neste møte"))])
COMPLETED_BY = choices(
    [
        ("", _l("– bare når noen merker den utført –")),
        ("innkalling", _l("når innkallingen sendes")),
        ("toppnotater", _l("når toppnotatene er klare")),
        ("referat_sendt", _l("når referatet sendes til medlemmene")),
        ("referat_godkjent", _l("når referatet godkjennes")),
    ]
)
ROLE_CHOICES = choices([("", _l("– ingen rolle –")), *ROLE_NAMES.items()])

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
        _l("Hvor lenge"),
        validators=[
            Optional(),
            NumberRange(
                min=0, message=_l("Skriv et tall fra 0 og opp; velg før eller etter under")
            ),
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

    name = StringField(_l("Navn"), validators=[Length(max=200)])
    description = TextAreaField(_l("Beskrivelse"), validators=[Length(max=5000)])

    def refusal_field(self, name: str | None) -> Field:
        """The field a service's error belongs next to."""
        return self[name if name in ("name", "description") else "name"]

    def to_input(self) -> CycleInput:
        """The new cycle as the service takes it."""
        return CycleInput(name=self.name.data or "", description=self.description.data or "")


class EntryForm(GovernForm):
    """An entry of a cycle; the view fills in the choices that depend on the cycle."""

    title = StringField(_l("Tittel"), validators=[Length(max=300)])
    responsible = StringField(_l("Ansvarlig"), validators=[Length(max=200)])
    recipient = StringField(_l("Til"), validators=[Length(max=200)])
    description = TextAreaField(_l("Beskrivelse"), validators=[Length(max=5000)])
    when_kind = RadioField(_l("Når"), choices=WHEN_CHOICES, default="date", validate_choice=False)

    day = _day(_l("Dag"))
    month = SelectField(_l("Måned"), choices=MONTH_CHOICES, coerce=int, default=NONE)

    span_day = _day(_l("Fra dag"))
    span_month = SelectField(_l("Fra måned"), choices=MONTH_CHOICES, coerce=int, default=NONE)
    end_day = _day(_l("Til dag"))
    end_month = SelectField(_l("Til måned"), choices=MONTH_CHOICES, coerce=int, default=NONE)

    period_unit = SelectField(_l("Hva slags periode"), choices=UNIT_CHOICES, default="")
    period_start = IntegerField(_l("Fra nummer"), validators=[Optional()])
    period_end = IntegerField(_l("Til nummer"), validators=[Optional()])

    meeting_amount = _amount()
    meeting_unit = SelectField(_l("Enhet"), choices=OFFSET_UNITS, default="weeks")
    meeting_direction = SelectField(_l("Før eller etter"), choices=DIRECTIONS, default="before")
    meeting_anchor = SelectField(_l("Regnes fra"), choices=ANCHORS, default="each")
    completed_by = SelectField(_l("Utført av seg selv"), choices=COMPLETED_BY, default="")

    entry_amount = _amount()
    entry_unit = SelectField(_l("Enhet"), choices=OFFSET_UNITS, default="weeks")
    entry_direction = SelectField(_l("Før eller etter"), choices=DIRECTIONS, default="after")
    relative_to = SelectField(
        _l("Regnes fra fristen"), coerce=int, default=NONE, validate_choice=False
    )

    reminder_days = IntegerField(_l("Dager før"), validators=[Optional()])
    reminder_role = SelectField(
        _l("Til alle med rollen"), choices=ROLE_CHOICES, default="sekretariat"
    )
    reminder_person = SelectField(_l("Til personen"), coerce=int, default=NONE)

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
