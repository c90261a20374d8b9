"""Building a meeting's agenda: cases (with their numbers), breaks, headings and sub-points."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, selectinload

from govern.models.accounts import User
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment, TreatmentInput
from govern.models.meetings import (
    ATTACHMENT_SOURCES,
    AgendaItem,
    Attachment,
    Meeting,
    MeetingDay,
)
from govern.presentation import MAX_MINUTES, items_by_day
from govern.services import audit
from govern.services.cases import (
    CaseInput,
    check_sakstype,
    check_title,
    create_case,
    reserve_case_number,
)
from govern.services.errors import Conflict, InvalidInput
from govern.services.minutes import ensure_minutes_open
from govern.services.numbering import next_number
from govern.timeutil import date_span

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
    duration_minutes: int | None = None


@dataclass(frozen=True)
class EntryInput:
    kind: str
    title: str
    day: int = 1
    start_time: time | None = None
    duration_minutes: int | None = None


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


def lock_meeting(session: Session, meeting: Meeting) -> None:
    """Wait until no other transaction holds this lock of the meeting, then read it afresh.

    The lock is the meeting row (FOR NO KEY UPDATE, which inserts that refer to the meeting
    do not wait for) on PostgreSQL and the database write lock on SQLite; both last until
    the transaction ends. Changes that read the meeting's agenda or files and then add to
    them take turns on it.
    """
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        lock = select(Meeting).where(Meeting.id == meeting.id).with_for_update(key_share=True)
        session.execute(lock.execution_options(populate_existing=True)).one()
    else:
        # The first write of an SQLite transaction takes the database's write lock; this one
        # changes nothing (plain SQL, so no onupdate column or version is touched).
        statement = text("UPDATE meetings SET version = version WHERE id = :id")
        session.execute(statement, {"id": meeting.id})
        session.refresh(meeting)


def lock_agenda(session: Session, meeting: Meeting) -> None:
    """Lock the meeting (lock_meeting) and read its agenda afresh.

    A new item moves and may renumber items already there (Eventuelt takes the next number
    and moves down), so additions at the same moment take turns instead of failing on each
    other's versions. Edits of one item keep their version check.
    """
    lock_meeting(session, meeting)
    session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .options(selectinload(AgendaItem.treatment))
        .execution_options(populate_existing=True)
    ).all()
    session.expire(meeting, ["items"])


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
        duration_minutes=data.duration_minutes,
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
    return _new_entry(session, meeting, data, title, _day(meeting, data.day), parent)


def _new_entry(
    session: Session,
    meeting: Meeting,
    data: EntryInput,
    title: str,
    day: MeetingDay,
    parent: AgendaItem | None,
) -> AgendaItem:
    """A break, heading or sub-point, placed last in the meeting for now."""
    item = AgendaItem(
        meeting=meeting,
        day=day,
        position=_next_position(session, meeting),
        kind=data.kind,
        title=title,
        start_time=data.start_time,
        duration_minutes=data.duration_minutes,
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
    session: Session,
    meeting: Meeting,
    treatment: Treatment | None,
    number: str,
    title: str,
    *,
    source: str = "file",
) -> Attachment:
    """Register Vedlegg n of a meeting: a file that may follow later, or (source) the
    treatment's toppnotat or the previous meeting's referat, which govern builds."""
    seq, suffix = parse_attachment_number(number)
    if source not in ATTACHMENT_SOURCES:
        raise InvalidInput("Dokumentet må være en fil, toppnotatet eller referatet", field="source")
    if source == "toppnotat" and treatment is None:
        raise InvalidInput("Velg saken toppnotatet hører til", field="treatment_id")
    if source == "toppnotat" and any(
        a.source == "toppnotat" and a.treatment_id == treatment.id for a in treatment.attachments
    ):
        raise Conflict(
            f"Toppnotatet for sak {treatment.number} er allerede et vedlegg", field="source"
        )
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
        meeting=meeting, treatment=treatment, seq=seq, suffix=suffix, title=title, source=source
    )
    session.add(attachment)
    session.flush()
    return attachment


# -- the secretariat's agenda editor -------------------------------------------------------
#
# Items are kept in agenda order: by day, then by position. A case moves together with its
# sub-points (and whatever stands between them); Godkjenning stays first and Eventuelt stays
# the last case (only breaks such as "Slutt dag 2" may follow it).

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


def godkjenning_texts(body: Body, previous: Meeting | None) -> tuple[str, str]:
    """Title and forslag til vedtak of the Godkjenning item that opens every agenda."""
    short = body.short_name
    if previous is None or not previous.days:
        return (
            "Godkjenning av innkalling og dagsorden, samt godkjenning av referatet fra forrige møte",
            f"{short} godkjenner innkalling og dagsorden. "
            f"{short} godkjenner referatet fra forrige møte.",
        )
    span = date_span(previous.first_date, previous.last_date)
    return (
        f"Godkjenning av innkalling og dagsorden, samt godkjenning av referatet fra {short} {span}",
        f"{short} godkjenner innkalling og dagsorden. {short} godkjenner referatet fra møtet {span}.",
    )


def open_agenda(
    session: Session, meeting: Meeting, previous: Meeting | None
) -> tuple[AgendaItem, AgendaItem]:
    """Start a new meeting's agenda: Godkjenning first, Eventuelt last on the last day."""
    title, proposal = godkjenning_texts(meeting.body, previous)
    opening = CaseItemInput(
        sakstype=GODKJENNING,
        title=title,
        proposed_decision=proposal,
        duration_minutes=OPENING_MINUTES,
    )
    closing = CaseItemInput(
        sakstype=EVENTUELT,
        title=EVENTUELT,
        day=len(meeting.days),
        duration_minutes=CLOSING_MINUTES,
    )
    return (
        put_case_on_agenda(session, meeting, opening),
        put_case_on_agenda(session, meeting, closing),
    )


def check_open(meeting: Meeting, what: str = "dagsordenen") -> None:
    """Refuse changes once the meeting's minutes are approved (and so locked)."""
    ensure_minutes_open(
        meeting,
        field="meeting",
        message=f"Referatet fra møte {meeting.number} er godkjent; {what} kan ikke lenger endres",
    )


def _check_duration(minutes: int | None) -> int | None:
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            f"Varigheten må være mellom 0 og {MAX_MINUTES} minutter", field="duration_minutes"
        )
    return minutes


def _entry_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise InvalidInput("Teksten må fylles ut", field="title")
    if len(title) > TEXT_LIMIT:
        raise InvalidInput(f"Teksten kan ha høyst {TEXT_LIMIT} tegn", field="title")
    return title


def item_label(item: AgendaItem) -> str:
    """'Sak 9/26' or '«Lunsj»', as messages and the audit log name an item."""
    if item.treatment is not None:
        return f"Sak {item.treatment.number}"
    return f"«{item.title}»"


def _by_day(meeting: Meeting) -> list[list[AgendaItem]]:
    """The agenda as one list per day (in day order), each in agenda order."""
    return items_by_day(meeting)


def _flat(days: list[list[AgendaItem]]) -> list[AgendaItem]:
    return [item for day in days for item in day]


def _anchors(flat: list[AgendaItem]) -> tuple[AgendaItem | None, AgendaItem | None]:
    """The opening Godkjenning (the first case) and the closing Eventuelt (the last case)."""
    cases = [i for i in flat if i.kind == "case"]
    first = cases[0] if cases and cases[0].treatment.sakstype == GODKJENNING else None
    last = cases[-1] if cases and cases[-1].treatment.sakstype == EVENTUELT else None
    return first, last


def _check_not_anchor(meeting: Meeting, item: AgendaItem) -> None:
    """Godkjenning (first) and Eventuelt (last) belong to every meeting: refuse removing them."""
    first, last = _anchors(_flat(_by_day(meeting)))
    if item is first:
        raise Conflict(
            "Godkjenning av innkalling og dagsorden hører til hvert møte og kan ikke fjernes",
            field="item",
        )
    if item is last:
        raise Conflict("Eventuelt hører til hvert møte og kan ikke fjernes", field="item")


def _spans(day: list[AgendaItem]) -> list[tuple[int, int]]:
    """Split a day into units that move as one: a case with its sub-points (and anything
    standing between them), or a single item. Returns (first, last) indexes."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(day):
        end = i
        if day[i].kind == "case":
            for j in range(i + 1, len(day)):
                if day[j].kind == "case":
                    break
                if day[j].parent_id == day[i].id:
                    end = j
        spans.append((i, end))
        i = end + 1
    return spans


def _above(flat: list[AgendaItem], anchor: AgendaItem) -> set[AgendaItem]:
    return set(flat[: flat.index(anchor)])


def _below(flat: list[AgendaItem], anchor: AgendaItem) -> set[AgendaItem]:
    """What stands under an item, breaks ("Slutt dag 2") not counted."""
    return {i for i in flat[flat.index(anchor) + 1 :] if i.kind != "break"}


def _check_order(before: list[AgendaItem], after: list[AgendaItem]) -> None:
    """Refuse an order that puts something new above Godkjenning, or below Eventuelt."""
    first, last = _anchors(before)
    if first is not None and not _above(after, first) <= _above(before, first):
        raise Conflict(
            "Godkjenning av innkalling og dagsorden skal stå først; ingenting kan flyttes over den",
            field="position",
        )
    if last is not None and not _below(after, last) <= _below(before, last):
        raise Conflict(
            "Eventuelt skal være siste sak; bare pauser og avslutning kan stå under den",
            field="position",
        )


def _apply(meeting: Meeting, days: list[list[AgendaItem]]) -> None:
    """Give items the day they stand under and positions 1, 2 … in agenda order."""
    position = 0
    for day, items in zip(meeting.days, days, strict=True):
        for item in items:
            position += 1
            if item.day_id != day.id:
                item.day = day
                item.day_id = day.id
            if item.position != position:
                item.position = position


def _insert_at_end(
    items: list[AgendaItem], unit: list[AgendaItem], last: AgendaItem | None, day: MeetingDay
) -> None:
    """Put a unit at the end of a day's items: before Eventuelt, and before the breaks that
    mark the day's end ("Slutt dag 1" at 16:00, "Middag" at 19:00)."""
    at = items.index(last) if last in items and last not in unit else len(items)
    while at > 0 and _marks_end(items[at - 1], day) and items[at - 1] not in unit:
        at -= 1
    items[at:at] = unit


def _marks_end(item: AgendaItem, day: MeetingDay) -> bool:
    return item.kind == "break" and item.start_time is not None and item.start_time >= day.end_time


def _place(meeting: Meeting, before: list[list[AgendaItem]], item: AgendaItem, day: int) -> None:
    """Move a new item from the end of the agenda to its place: under its case (a
    sub-point) or at the end of its day, before Eventuelt."""
    after = [[i for i in d if i is not item] for d in _by_day(meeting)]
    items = after[day - 1]
    if item.parent is not None:
        head = items.index(item.parent)
        _, end = next(s for s in _spans(items) if s[0] == head)
        items.insert(end + 1, item)
    else:
        _insert_at_end(items, [item], _anchors(_flat(before))[1], meeting.days[day - 1])
    _check_order(_flat(before), _flat(after))
    _apply(meeting, after)


def add_case_item(
    session: Session,
    meeting: Meeting,
    data: CaseItemInput,
    case: Case | None = None,
    actor: User | None = None,
) -> AgendaItem:
    """Put a new or existing case on the agenda at the end of its day, before Eventuelt.

    While the meeting is only planned (numbers not yet sent out), Eventuelt hands its number
    to the new case and takes the next one, so the numbers follow the agenda and Eventuelt
    keeps the last, as in the meeting packs. No number is ever freed or reused.
    """
    lock_agenda(session, meeting)
    check_open(meeting)
    _day(meeting, data.day)
    check_sakstype(data.sakstype)
    if case is None or data.title:
        check_title(data.title)
    _check_duration(data.duration_minutes)
    before = _by_day(meeting)
    last = _anchors(_flat(before))[1]
    if meeting.status == "planlagt" and last is not None and not data.number:
        handed_over = last.treatment.number
        last.treatment.seq = next_number(session, meeting.body_id, meeting.year, "case")
        session.flush()
        data = replace(data, number=handed_over)
    item = put_case_on_agenda(session, meeting, data, case)
    _place(meeting, before, item, data.day)
    session.flush()
    t = item.treatment
    audit.record(
        session,
        actor,
        "agenda.add_case",
        t,
        f"Sak {t.number} «{t.display_title}» satt på dagsordenen for møte {meeting.number}",
        body=meeting.body,
    )
    return item


def add_entry(
    session: Session,
    meeting: Meeting,
    data: EntryInput,
    parent: AgendaItem | None = None,
    actor: User | None = None,
) -> AgendaItem:
    """Add a break or heading at the end of its day (before Eventuelt), or an unnumbered
    sub-point under the case item `parent`."""
    lock_agenda(session, meeting)
    check_open(meeting)
    if data.kind not in ENTRY_KINDS:
        raise InvalidInput(f"Ukjent type punkt «{data.kind}»", field="kind")
    title = _entry_title(data.title)
    _check_duration(data.duration_minutes)
    if data.kind == "point":
        if parent is None:
            raise InvalidInput("Velg saken underpunktet hører til", field="parent_id")
        if parent.meeting_id != meeting.id or parent.kind != "case":
            raise InvalidInput("Et underpunkt må høre til en sak på dagsordenen", field="parent_id")
        day = parent.day
    else:
        parent, day = None, _day(meeting, data.day)
    before = _by_day(meeting)
    item = _new_entry(session, meeting, data, title, day, parent)
    _place(meeting, before, item, meeting.days.index(day) + 1)
    session.flush()
    audit.record(
        session,
        actor,
        "agenda.add_entry",
        item,
        f"{ENTRY_KINDS[item.kind]} «{title}» lagt til på dagsordenen for møte {meeting.number}",
        body=meeting.body,
    )
    return item


def move_item(
    session: Session,
    item: AgendaItem,
    direction: str | None = None,
    to_day: int | None = None,
    actor: User | None = None,
) -> None:
    """Move an item one step up or down (across days at a day's edge), or to the end of
    another day; a case takes its sub-points along, a sub-point stays under its case."""
    meeting = item.meeting
    check_open(meeting)
    if to_day is not None and item is _anchors(_flat(_by_day(meeting)))[0]:
        raise Conflict(
            "Godkjenning av innkalling og dagsorden skal stå først, på dag 1", field="day"
        )
    before = _by_day(meeting)
    after = [list(d) for d in before]
    d = next(n for n, items in enumerate(after) if item in items)
    k = after[d].index(item)
    span = next(s for s in _spans(after[d]) if s[0] <= k <= s[1])
    label = item_label(item)
    if to_day is not None:
        _day(meeting, to_day)
        if item.kind == "point":
            raise InvalidInput("Et underpunkt følger saken sin; flytt saken i stedet", field="day")
        if to_day == d + 1:
            raise InvalidInput(f"{label} står allerede på dag {to_day}", field="day")
        unit = after[d][span[0] : span[1] + 1]
        del after[d][span[0] : span[1] + 1]
        last = _anchors(_flat(before))[1]
        _insert_at_end(after[to_day - 1], unit, last, meeting.days[to_day - 1])
        done = f"flyttet til dag {to_day}"
    elif direction in ("up", "down"):
        if span[0] == k:
            _move_unit(meeting, after, d, span, direction, item)
        else:
            _move_within(after[d], k, span, direction, item)
        done = "flyttet opp" if direction == "up" else "flyttet ned"
    else:
        raise InvalidInput("Velg hvor punktet skal flyttes", field="direction")
    _check_order(_flat(before), _flat(after))
    _apply(meeting, after)
    session.flush()
    audit.record(
        session,
        actor,
        "agenda.move",
        item,
        f"{label} {done} på dagsordenen for møte {meeting.number}",
        body=meeting.body,
    )


def _move_unit(
    meeting: Meeting,
    days: list[list[AgendaItem]],
    d: int,
    span: tuple[int, int],
    direction: str,
    item: AgendaItem,
) -> None:
    """Swap a unit with the unit before or after it, or move it over the day's edge (to
    the end of the day before, or the top of the day after)."""
    day, (s, e) = days[d], span
    unit = day[s : e + 1]
    label = item_label(item)
    if direction == "up" and s == 0:
        if item.kind == "point" or d == 0:
            raise Conflict(f"{label} står allerede øverst", field="direction")
        del day[s : e + 1]
        _insert_at_end(days[d - 1], unit, None, meeting.days[d - 1])
    elif direction == "up":
        ps = next(sp for sp in _spans(day) if sp[1] == s - 1)[0]
        day[ps : e + 1] = unit + day[ps:s]
    elif e == len(day) - 1:
        if item.kind == "point" or d == len(days) - 1:
            raise Conflict(f"{label} står allerede nederst", field="direction")
        del day[s : e + 1]
        days[d + 1][0:0] = unit
    else:
        ne = next(sp for sp in _spans(day) if sp[0] == e + 1)[1]
        day[s : ne + 1] = day[e + 1 : ne + 1] + unit


def _move_within(
    day: list[AgendaItem], k: int, span: tuple[int, int], direction: str, item
) -> None:
    """Move an item standing under a case one step; a sub-point stays under its case."""
    label = item_label(item)
    if direction == "up":
        if k - 1 == span[0] and item.kind == "point":
            raise Conflict(f"{label} står allerede øverst under saken sin", field="direction")
        day[k - 1], day[k] = day[k], day[k - 1]
        return
    following = day[k + 1] if k + 1 < len(day) else None
    if following is None or (item.kind == "point" and following.kind == "case"):
        raise Conflict(f"{label} står allerede nederst under saken sin", field="direction")
    day[k], day[k + 1] = following, day[k]


def update_case_item(
    session: Session, item: AgendaItem, data: CaseEdit, actor: User | None = None
) -> dict[str, Any]:
    """Change a case item's title in this body, sakstype, texts, presenter and timing.

    A case that is treated only here takes the new title itself; a case treated in other
    bodies keeps its title and gets this body's own.
    """
    meeting, t = item.meeting, item.treatment
    check_open(meeting)
    audit.check_version(t, data.treatment_version, "Saken")
    audit.check_version(item, data.item_version, "Punktet på dagsordenen")
    title = check_title(data.title)
    if len(data.presenter.strip()) > 300:
        raise InvalidInput("Innleder kan ha høyst 300 tegn", field="presenter")
    changes: dict[str, Any] = {}
    if len(t.case.treatments) == 1:
        changes.update({f"case.{k}": v for k, v in audit.diff(t.case, {"title": title}).items()})
        title = None
    elif title == t.case.title:
        title = None
    values = {
        "title": title,
        "sakstype": check_sakstype(data.sakstype),
        "summary": data.summary.strip(),
        "proposed_decision": data.proposed_decision.strip(),
        "presenter": data.presenter.strip(),
    }
    changes.update(audit.diff(t, values))
    changes.update(
        audit.diff(
            item,
            {
                "duration_minutes": _check_duration(data.duration_minutes),
                "start_time": data.start_time,
            },
        )
    )
    session.flush()
    if changes:
        audit.record(
            session,
            actor,
            "agenda.update_case",
            t,
            f"Sak {t.number} endret på dagsordenen for møte {meeting.number}",
            body=meeting.body,
            changes=changes,
        )
    return changes


def update_entry(
    session: Session, item: AgendaItem, data: EntryEdit, actor: User | None = None
) -> dict[str, Any]:
    """Change the text and timing of a break, heading or sub-point."""
    meeting = item.meeting
    check_open(meeting)
    audit.check_version(item, data.version, "Punktet")
    values = {
        "title": _entry_title(data.title),
        "duration_minutes": _check_duration(data.duration_minutes),
        "start_time": data.start_time,
    }
    changes = audit.diff(item, values)
    session.flush()
    if changes:
        audit.record(
            session,
            actor,
            "agenda.update_entry",
            item,
            f"{ENTRY_KINDS[item.kind]} «{item.title}» endret på dagsordenen for møte "
            f"{meeting.number}",
            body=meeting.body,
            changes=changes,
        )
    return changes


def remove_item(session: Session, item: AgendaItem, actor: User | None = None) -> str:
    """Take an item off the agenda; a case item takes its treatment and sub-points along.

    The case number is not freed: the counter only goes up. Returns the item's label.
    """
    meeting = item.meeting
    check_open(meeting)
    _check_not_anchor(meeting, item)
    label = item_label(item)
    t = item.treatment
    what = f"{label} «{t.display_title}»" if t is not None else label
    audit.record(
        session,
        actor,
        "agenda.remove",
        t if t is not None else item,
        f"{what} fjernet fra dagsordenen for møte {meeting.number}",
        body=meeting.body,
        changes={"number": [t.number, None]} if t is not None else None,
    )
    for child in [i for i in meeting.items if i.parent_id == item.id]:
        meeting.items.remove(child)
    meeting.items.remove(item)
    if t is not None:
        session.delete(t)
    session.flush()
    _apply(meeting, _by_day(meeting))
    session.flush()
    return label


def move_day_items(session: Session, meeting: Meeting, source: MeetingDay, target: MeetingDay):
    """Move every item of a day to the end of another day (before Eventuelt), in order."""
    days = _by_day(meeting)
    last = _anchors(_flat(days))[1]
    index = {d.id: n for n, d in enumerate(meeting.days)}
    unit = days[index[source.id]]
    days[index[source.id]] = []
    _insert_at_end(days[index[target.id]], unit, last, target)
    _apply(meeting, days)
    session.flush()


def settle_agenda(session: Session, meeting: Meeting) -> None:
    """After the days changed: Eventuelt goes to the last day, after its last case or
    sub-point; positions follow the days' order."""
    days = _by_day(meeting)
    last = _anchors(_flat(days))[1]
    if last is not None:
        for items in days:
            if last in items:
                items.remove(last)
        final = days[-1]
        ends = [n for n, i in enumerate(final) if i.kind != "break"]
        final.insert(ends[-1] + 1 if ends else len(final), last)
    _apply(meeting, days)
    session.flush()
