"""The rules an annual-cycle entry must meet, checked before anything is written.

31 February, week 54, a period that ends before it begins, an entry counted from itself or in
a circle, a meeting-relative entry in a cycle without a body: each raises InvalidInput with a
Norwegian message and the field it is about.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext as _l
from govern.models.bodies import ROLES
from govern.models.cycles import (
    COMPLETING_ACTIONS,
    MEETING_ANCHORS,
    PERIOD_UNITS,
    WHEN_KINDS,
    Cycle,
    CycleEntry,
)
from govern.models.people import Person
from govern.services.errors import InvalidInput
from govern.timeutil import month_name

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: The largest number of each period unit.
PERIOD_LIMITS = {"week": 53, "month": 12, "tertial": 3, "quarter": 4, "half": 2, "season": 2}
PERIOD_NAMES = {
    "week": _l("Uke"),
    "month": _l("Måned"),
    "tertial": _l("Tertial"),
    "quarter": _l("Kvartal"),
    "half": _l("Halvår"),
    "season": _l("Sesong"),
}
#: An offset further than this from its anchor is surely a typing error.
MAX_OFFSET_DAYS = 366


@dataclass(frozen=True)
class CycleInput:
    name: str
    slug: str = ""
    description: str = ""


@dataclass(frozen=True)
class EntryInput:
    """An entry as typed: `when_kind` picks which of the time fields count."""

    title: str
    when_kind: str
    responsible: str = ""
    recipient: str = ""
    description: str = ""
    month: int | None = None
    day: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    period_unit: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    offset_days: int | None = None
    meeting_anchor: str | None = None
    #: An action that completes a meeting deadline by itself (models.cycles.COMPLETING_ACTIONS).
    completed_by: str | None = None
    relative_to_id: int | None = None
    reminder_days: int | None = None
    reminder_role: str | None = None
    reminder_person_id: int | None = None


def text(value: str | None, label: str, field: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("%(label)s må fylles ut", label=label), field=field)
    if len(value) > limit:
        raise InvalidInput(
            _("%(label)s kan ha høyst %(limit)s tegn", label=label, limit=limit), field=field
        )
    return value


def _check_day(month: int | None, day: int | None, field: str) -> None:
    """A day that exists in some year (29 February does; 31 February does not)."""
    if month is None or day is None:
        raise InvalidInput(_("Velg dag og måned"), field=field)
    if not 1 <= month <= 12:
        raise InvalidInput(_("Måned %(month)s finnes ikke; bruk 1–12", month=month), field=field)
    last = calendar.monthrange(2024, month)[1]  # 2024 is a leap year: 29 February exists
    if not 1 <= day <= last:
        raise InvalidInput(
            _(
                "%(day)s. %(month)s finnes ikke; %(month)s har %(last)s dager",
                day=day,
                month=month_name(month),
                last=last,
            ),
            field=field,
        )


def _check_time(session: Session, cycle: Cycle, data: EntryInput, entry: CycleEntry | None):
    kind = data.when_kind
    if kind not in WHEN_KINDS:
        raise InvalidInput(_("Velg når fristen er"), field="when_kind")
    if kind in ("date", "span"):
        _check_day(data.month, data.day, "day")
    if kind == "span":
        _check_day(data.end_month, data.end_day, "end_day")
        if (data.end_month, data.end_day) < (data.month, data.day):
            raise InvalidInput(_("Perioden slutter før den begynner"), field="end_day")
    if kind == "period":
        unit = data.period_unit
        if unit not in PERIOD_UNITS:
            raise InvalidInput(_("Velg hva slags periode"), field="period_unit")
        limit = PERIOD_LIMITS[unit]
        name = PERIOD_NAMES[unit]
        for value, field in ((data.period_start, "period_start"), (data.period_end, "period_end")):
            if value is None and field == "period_end":
                continue
            if value is None or not 1 <= value <= limit:
                message = (
                    _("%(unit)s finnes ikke; bruk 1–%(limit)s", unit=name, limit=limit)
                    if value is None
                    else _(
                        "%(unit)s %(value)s finnes ikke; bruk 1–%(limit)s",
                        unit=name,
                        value=value,
                        limit=limit,
                    )
                )
                raise InvalidInput(message, field=field)
        if data.period_end is not None and data.period_end < data.period_start:
            raise InvalidInput(_("Perioden slutter før den begynner"), field="period_end")
    if kind in ("meeting", "entry"):
        if data.offset_days is None:
            raise InvalidInput(_("Skriv hvor lenge før eller etter"), field="offset_days")
        if abs(data.offset_days) > MAX_OFFSET_DAYS:
            raise InvalidInput(
                _("Fristen kan ligge høyst ett år fra det den regnes fra"), field="offset_days"
            )
    if kind == "meeting":
        if cycle.body_id is None:
            raise InvalidInput(
                _("Et felles årshjul har ingen møter å regne fra; regn fra en annen frist"),
                field="when_kind",
            )
        if data.meeting_anchor not in MEETING_ANCHORS:
            raise InvalidInput(_("Velg hvilket møte fristen regnes fra"), field="meeting_anchor")
        if data.completed_by and data.completed_by not in COMPLETING_ACTIONS:
            raise InvalidInput(_("Velg en handling fra listen"), field="completed_by")
    if kind == "entry":
        _check_relative(session, cycle, data.relative_to_id, entry)


def _check_relative(session: Session, cycle: Cycle, target_id: int | None, entry) -> None:
    """The entry counted from must be in the same cycle, and the rules must not go round."""
    if target_id is None:
        raise InvalidInput(_("Velg fristen denne regnes fra"), field="relative_to_id")
    target = session.get(CycleEntry, target_id)
    if target is None or target.cycle_id != cycle.id:
        raise InvalidInput(
            _("Fristen det regnes fra, må være i samme årshjul"), field="relative_to_id"
        )
    if entry is not None and target.id == entry.id:
        raise InvalidInput(_("En frist kan ikke regnes fra seg selv"), field="relative_to_id")
    path = [target]
    while path[-1].when_kind == "entry" and path[-1].relative_to is not None:
        following = path[-1].relative_to
        if entry is not None and following.id == entry.id:
            chain = " → ".join([entry.title, *(p.title for p in path), entry.title])
            raise InvalidInput(
                _("Fristene regnes fra hverandre i ring: %(chain)s", chain=chain),
                field="relative_to_id",
            )
        if following in path:
            break  # an old circle further on; not this entry's doing
        path.append(following)


def _check_reminder(session: Session, data: EntryInput) -> None:
    if data.reminder_days is None:
        return
    if not 0 <= data.reminder_days <= 90:
        raise InvalidInput(_("Påminnelse kan sendes 0–90 dager før"), field="reminder_days")
    if data.reminder_role is None and data.reminder_person_id is None:
        raise InvalidInput(_("Velg hvem som skal få påminnelsen"), field="reminder_role")
    if data.reminder_role is not None and data.reminder_role not in ROLES:
        raise InvalidInput(
            _("Ukjent rolle «%(role)s»", role=data.reminder_role), field="reminder_role"
        )
    if data.reminder_person_id is not None and session.get(Person, data.reminder_person_id) is None:
        raise InvalidInput(_("Personen finnes ikke"), field="reminder_person_id")


def entry_values(session: Session, cycle: Cycle, data: EntryInput, entry=None) -> dict:
    values = {
        "title": text(data.title, _("Tittel"), "title", 300, required=True),
        "responsible": text(data.responsible, _("Ansvarlig"), "responsible", 200),
        "recipient": text(data.recipient, _("Til"), "recipient", 200),
        "description": text(data.description, _("Beskrivelse"), "description", 5000),
    }
    _check_time(session, cycle, data, entry)
    _check_reminder(session, data)
    kind = data.when_kind
    values |= {
        "when_kind": kind,
        "month": data.month if kind in ("date", "span") else None,
        "day": data.day if kind in ("date", "span") else None,
        "end_month": data.end_month if kind == "span" else None,
        "end_day": data.end_day if kind == "span" else None,
        "period_unit": data.period_unit if kind == "period" else None,
        "period_start": data.period_start if kind == "period" else None,
        "period_end": (
            data.period_end
            if kind == "period" and data.period_end not in (None, data.period_start)
            else None
        ),
        "offset_days": data.offset_days if kind in ("meeting", "entry") else None,
        "meeting_anchor": data.meeting_anchor if kind == "meeting" else None,
        "completed_by": (data.completed_by or None) if kind == "meeting" else None,
        "relative_to_id": data.relative_to_id if kind == "entry" else None,
        "reminder_days": data.reminder_days,
        "reminder_role": data.reminder_role if data.reminder_days is not None else None,
        "reminder_person_id": (data.reminder_person_id if data.reminder_days is not None else None),
    }
    return values
