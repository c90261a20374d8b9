"""The agenda's inputs and the rules every change of an item checks (days, texts, timing,
the minutes' lock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import ngettext
from govern.models.meetings import AgendaItem, Meeting, MeetingDay
from govern.presentation import MAX_MINUTES
from govern.services.errors import InvalidInput
from govern.services.minutes import ensure_minutes_open


@dataclass(frozen=True)
class CaseItemInput:
    sakstype: str
    day: int = 1
    start_time: time | None = None
    #: Title of a new case, or this body's title of an existing case.
    title: str | None = None
    #: "9/26" to give the case number by hand; allocated now when empty.
    number: str | None = None
    summary: str = ""
    proposed_decision: str = ""
    presenter: str = ""
    presentation: str = ""
    inputs: tuple[str, ...] = field(default_factory=tuple)
    decision: str = ""
    duration_minutes: int | None = None


@dataclass(frozen=True)
class EntryInput:
    kind: str
    title: str
    day: int = 1
    start_time: time | None = None
    duration_minutes: int | None = None


GODKJENNING, EVENTUELT = "Godkjenning", "Eventuelt"
ENTRY_KINDS = {"break": "Pausen", "heading": "Overskriften", "point": "Underpunktet"}
#: Minutes of the items every agenda opens and closes with (as in the meeting packs).
OPENING_MINUTES, CLOSING_MINUTES = 10, 5
TEXT_LIMIT = 500


@dataclass(frozen=True)
class CaseEdit:
    """A case item as edited on the agenda page."""

    title: str
    sakstype: str
    item_version: int | None
    treatment_version: int | None
    summary: str = ""
    proposed_decision: str = ""
    presenter: str = ""
    duration_minutes: int | None = None
    start_time: time | None = None


@dataclass(frozen=True)
class EntryEdit:
    """A break, heading or sub-point as edited on the agenda page."""

    title: str
    version: int | None
    duration_minutes: int | None = None
    start_time: time | None = None


def meeting_day(meeting: Meeting, number: int) -> MeetingDay:
    """Day `number` (1, 2 …) of the meeting, or a refusal naming how many days it has."""
    if not 1 <= number <= len(meeting.days):
        raise InvalidInput(
            ngettext(
                "Møtet har %(num)s dag; dag %(number)s finnes ikke",
                "Møtet har %(num)s dager; dag %(number)s finnes ikke",
                len(meeting.days),
                number=number,
            ),
            field="day",
        )
    return meeting.days[number - 1]


def next_position(session: Session, meeting: Meeting) -> int:
    """The position after the meeting's last item."""
    last = session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    return (last or 0) + 1


def check_open(meeting: Meeting, what: str = "dagsordenen") -> None:
    """Refuse changes once the meeting's minutes are approved (and so locked)."""
    if what == "møtet":
        message = _(
            "Referatet fra møte %(number)s er godkjent; møtet kan ikke lenger endres",
            number=meeting.number,
        )
    else:
        message = _(
            "Referatet fra møte %(number)s er godkjent; dagsordenen kan ikke lenger endres",
            number=meeting.number,
        )
    ensure_minutes_open(meeting, field="meeting", message=message)


def check_duration(minutes: int | None) -> int | None:
    """Refuse a duration outside 0 … MAX_MINUTES; returns it."""
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            _("Varigheten må være mellom 0 og %(max)s minutter", max=MAX_MINUTES),
            field="duration_minutes",
        )
    return minutes


def entry_title(title: str | None) -> str:
    """The stripped text of an item, refused when empty or too long."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Teksten må fylles ut"), field="title")
    if len(title) > TEXT_LIMIT:
        raise InvalidInput(_("Teksten kan ha høyst %(max)s tegn", max=TEXT_LIMIT), field="title")
    return title


def item_label(item: AgendaItem) -> str:
    """'Sak 9/26' or '«Lunsj»', as messages name an item (in the reader's language)."""
    if item.treatment is not None:
        return _("Sak %(number)s", number=item.treatment.number)
    return f"«{item.title}»"


def audit_label(item: AgendaItem) -> str:
    """'Sak 9/26' or '«Lunsj»', as the Endringslogg names an item (always bokmål)."""
    if item.treatment is not None:
        return f"Sak {item.treatment.number}"
    return f"«{item.title}»"
