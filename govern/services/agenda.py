"""Building a meeting's agenda: cases (with their numbers), breaks, headings and sub-points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.models.cases import Case, Treatment, TreatmentInput
from govern.models.meetings import AgendaItem, Attachment, Meeting, MeetingDay
from govern.services.cases import (
    CaseInput,
    check_sakstype,
    check_title,
    create_case,
    reserve_case_number,
)
from govern.services.errors import Conflict, InvalidInput
from govern.services.numbering import next_number

ATTACHMENT_RE_HELP = "skriv f.eks. 6 eller 6A"


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


@dataclass(frozen=True)
class EntryInput:
    kind: str
    title: str
    day: int = 1
    start_time: time | None = None


def _day(meeting: Meeting, number: int) -> MeetingDay:
    if not 1 <= number <= len(meeting.days):
        raise InvalidInput(
            f"Møtet har {len(meeting.days)} dag(er); dag {number} finnes ikke", field="day"
        )
    return meeting.days[number - 1]


def _next_position(session: Session, meeting: Meeting) -> int:
    last = session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    return (last or 0) + 1


def put_case_on_agenda(
    session: Session, meeting: Meeting, data: CaseItemInput, case: Case | None = None
) -> AgendaItem:
    """Put a case (new or existing) on a meeting's agenda; the case number is allocated now."""
    day = _day(meeting, data.day)
    sakstype = check_sakstype(data.sakstype)
    if len(data.presenter) > 300:
        raise InvalidInput("Innleder kan ha høyst 300 tegn", field="presenter")
    position = _next_position(session, meeting)
    if case is None:
        case = create_case(session, CaseInput(title=check_title(data.title)))
        title = None
    else:
        title = check_title(data.title) if data.title else None
        if title == case.title:
            title = None
    if data.number:
        seq = reserve_case_number(session, meeting.body, meeting.year, data.number, "number")
    else:
        seq = next_number(session, meeting.body_id, meeting.year, "case")
    treatment = Treatment(
        case=case,
        body=meeting.body,
        meeting=meeting,
        year=meeting.year,
        seq=seq,
        sakstype=sakstype,
        title=title,
        summary=data.summary.strip(),
        proposed_decision=data.proposed_decision.strip(),
        presenter=data.presenter.strip(),
        presentation=data.presentation.strip(),
        decision=data.decision.strip(),
    )
    treatment.inputs = [
        TreatmentInput(position=i, text=text.strip())
        for i, text in enumerate(t for t in data.inputs if t.strip())
    ]
    item = AgendaItem(
        meeting=meeting,
        day=day,
        position=position,
        kind="case",
        start_time=data.start_time,
        treatment=treatment,
    )
    session.add_all([treatment, item])
    session.flush()
    return item


def add_agenda_entry(session: Session, meeting: Meeting, data: EntryInput) -> AgendaItem:
    """Add a break, heading or unnumbered sub-point at the end of the agenda."""
    if data.kind not in ("break", "heading", "point"):
        raise InvalidInput(f"Ukjent type punkt «{data.kind}»", field="kind")
    title = (data.title or "").strip()
    if not title:
        raise InvalidInput("Teksten må fylles ut", field="title")
    parent = None
    if data.kind == "point":
        parent = session.scalar(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.kind == "case")
            .order_by(AgendaItem.position.desc())
            .limit(1)
        )
        if parent is None:
            raise InvalidInput("Et underpunkt må stå etter en sak", field="kind")
    item = AgendaItem(
        meeting=meeting,
        day=_day(meeting, data.day),
        position=_next_position(session, meeting),
        kind=data.kind,
        title=title,
        start_time=data.start_time,
        parent=parent,
    )
    session.add(item)
    session.flush()
    return item


def parse_attachment_number(text: str, field: str = "number") -> tuple[int, str]:
    """'6A' -> (6, 'A')."""
    text = (text or "").strip().upper()
    digits = text.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    suffix = text[len(digits) :]
    if not digits.isdigit() or int(digits) < 1 or len(suffix) > 2:
        raise InvalidInput(
            f"«{text}» er ikke et gyldig vedleggsnummer ({ATTACHMENT_RE_HELP})", field=field
        )
    return int(digits), suffix


def add_attachment_reference(
    session: Session, meeting: Meeting, treatment: Treatment | None, number: str, title: str
) -> Attachment:
    """Register Vedlegg n of a meeting (the file itself may follow later)."""
    seq, suffix = parse_attachment_number(number)
    title = (title or "").strip()
    if not title:
        raise InvalidInput("Vedlegget må ha en tittel", field="title")
    taken = session.scalar(
        select(Attachment.id).where(
            Attachment.meeting_id == meeting.id, Attachment.seq == seq, Attachment.suffix == suffix
        )
    )
    if taken:
        raise Conflict(f"Vedlegg {seq}{suffix} finnes allerede i møtet", field="number")
    attachment = Attachment(
        meeting=meeting, treatment=treatment, seq=seq, suffix=suffix, title=title
    )
    session.add(attachment)
    session.flush()
    return attachment
