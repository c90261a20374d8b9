"""Building a meeting's agenda: cases (with their numbers), breaks, headings and sub-points.

A case goes on an agenda one way, add_case_item: it checks the rules, takes its place and
writes the audit line. The order of the items lives in agenda_order, the inputs and the
rules every change checks in agenda_items.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.accounts import User
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment, TreatmentInput
from govern.models.meetings import AgendaItem, Meeting, MeetingDay
from govern.services import audit
from govern.services.agenda_items import (
    CLOSING_MINUTES,
    ENTRY_KINDS,
    EVENTUELT,
    GODKJENNING,
    OPENING_MINUTES,
    CaseEdit,
    CaseItemInput,
    EntryEdit,
    EntryInput,
    audit_label,
    check_duration,
    check_open,
    entry_title,
    item_label,
    meeting_day,
    next_position,
)
from govern.services.agenda_numbers import close_gaps, renumber_agenda
from govern.services.agenda_order import (
    apply_order,
    by_day,
    check_not_anchor,
    move_day_items,
    move_item,
    place_item,
    possible_moves,
    settle_agenda,
)
from govern.services.cases import (
    CaseInput,
    check_sakstype,
    check_title,
    create_case,
    reserve_case_number,
)
from govern.services.errors import InvalidInput
from govern.services.meeting_lock import lock_agenda
from govern.services.numbering import next_number
from govern.timeutil import date_span

__all__ = [
    "ENTRY_KINDS", "EVENTUELT", "GODKJENNING",
    "CaseEdit", "CaseItemInput", "EntryEdit", "EntryInput",
    "add_agenda_entry", "add_case_item", "add_entry", "check_open", "godkjenning_texts",
    "item_label", "move_day_items", "move_item", "open_agenda", "possible_moves", "remove_item",
    "settle_agenda",
    "update_case_item", "update_entry",
]  # fmt: skip


def _new_case_item(
    session: Session, meeting: Meeting, data: CaseItemInput, case: Case | None = None
) -> AgendaItem:
    """A new case item (for a new or existing case) at the end of the agenda, its number
    allocated now; add_case_item and open_agenda check the rules and place it."""
    day = meeting_day(meeting, data.day)
    sakstype = check_sakstype(data.sakstype)
    if len(data.presenter) > 300:
        raise InvalidInput(_("Innleder kan ha høyst 300 tegn"), field="presenter")
    position = next_position(session, meeting)
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
    """Append a break, heading or unnumbered sub-point (under the last case) at the end of the
    agenda, in the order given: the import's way, where the file sets the order. The
    secretariat's pages and the API use add_entry, which places the item and audits it."""
    if data.kind not in ("break", "heading", "point"):
        raise InvalidInput(_("Ukjent type punkt «%(kind)s»", kind=data.kind), field="kind")
    title = (data.title or "").strip()
    if not title:
        raise InvalidInput(_("Teksten må fylles ut"), field="title")
    parent = None
    if data.kind == "point":
        parent = session.scalar(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.kind == "case")
            .order_by(AgendaItem.position.desc())
            .limit(1)
        )
        if parent is None:
            raise InvalidInput(_("Et underpunkt må stå etter en sak"), field="kind")
    return _new_entry(session, meeting, data, title, meeting_day(meeting, data.day), parent)


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
        position=next_position(session, meeting),
        kind=data.kind,
        title=title,
        start_time=data.start_time,
        duration_minutes=data.duration_minutes,
        parent=parent,
    )
    session.add(item)
    session.flush()
    return item


def godkjenning_texts(body: Body, previous: Meeting | None) -> tuple[str, str]:
    """Title and forslag til vedtak of the Godkjenning item that opens every agenda, in the
    body's document language (they are printed in its innkalling and referat)."""
    short = body.short_name
    with use_language(body.document_language):
        if previous is None or not previous.days:
            return (
                _(
                    "Godkjenning av innkalling og dagsorden, samt godkjenning av referatet fra "
                    "forrige møte"
                ),
                _(
                    "%(body)s godkjenner innkalling og dagsorden. %(body)s godkjenner referatet "
                    "fra forrige møte.",
                    body=short,
                ),
            )
        span = date_span(previous.first_date, previous.last_date)
        return (
            _(
                "Godkjenning av innkalling og dagsorden, samt godkjenning av referatet fra "
                "%(body)s %(dates)s",
                body=short,
                dates=span,
            ),
            _(
                "%(body)s godkjenner innkalling og dagsorden. %(body)s godkjenner referatet fra "
                "møtet %(dates)s.",
                body=short,
                dates=span,
            ),
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
        _new_case_item(session, meeting, opening),
        _new_case_item(session, meeting, closing),
    )


def add_case_item(
    session: Session,
    meeting: Meeting,
    data: CaseItemInput,
    case: Case | None = None,
    actor: User | None = None,
) -> AgendaItem:
    """Put a new or existing case on the agenda at the end of its day, before Eventuelt.

    While the meeting is only planned (numbers not yet sent out), the meeting's numbers
    follow the agenda (agenda_numbers): the new case takes the number of the case after it
    and Eventuelt keeps the last, as in the meeting packs. Once the innkalling is sent the
    new case gets the next number and the others keep theirs.
    """
    lock_agenda(session, meeting)
    check_open(meeting)
    meeting_day(meeting, data.day)
    check_sakstype(data.sakstype)
    if case is None or data.title:
        check_title(data.title)
    check_duration(data.duration_minutes)
    before = by_day(meeting)
    item = _new_case_item(session, meeting, data, case)
    place_item(meeting, before, item, data.day)
    session.flush()
    if not data.number:
        renumber_agenda(session, meeting)
        others = close_gaps(session, meeting, actor)
        item.renumbered_elsewhere = tuple(m.number for m in others)
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
        raise InvalidInput(_("Ukjent type punkt «%(kind)s»", kind=data.kind), field="kind")
    title = entry_title(data.title)
    check_duration(data.duration_minutes)
    if data.kind == "point":
        if parent is None:
            raise InvalidInput(_("Velg saken underpunktet hører til"), field="parent_id")
        if parent.meeting_id != meeting.id or parent.kind != "case":
            raise InvalidInput(
                _("Et underpunkt må høre til en sak på dagsordenen"), field="parent_id"
            )
        day = parent.day
    else:
        parent, day = None, meeting_day(meeting, data.day)
    before = by_day(meeting)
    item = _new_entry(session, meeting, data, title, day, parent)
    place_item(meeting, before, item, meeting.days.index(day) + 1)
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


def update_case_item(
    session: Session, item: AgendaItem, data: CaseEdit, actor: User | None = None
) -> dict[str, Any]:
    """Change a case item's title in this body, sakstype, texts, presenter and timing.

    A case that is treated only here takes the new title itself; a case treated in other
    bodies keeps its title and gets this body's own.
    """
    meeting, t = item.meeting, item.treatment
    check_open(meeting)
    audit.check_version(t, data.treatment_version, _("Saken"))
    audit.check_version(item, data.item_version, _("Punktet på dagsordenen"))
    title = check_title(data.title)
    if len(data.presenter.strip()) > 300:
        raise InvalidInput(_("Innleder kan ha høyst 300 tegn"), field="presenter")
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
                "duration_minutes": check_duration(data.duration_minutes),
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
    audit.check_version(item, data.version, _("Punktet"))
    values = {
        "title": entry_title(data.title),
        "duration_minutes": check_duration(data.duration_minutes),
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

    Once the innkalling is sent the case number is not freed: the counter only goes up.
    Before, the meeting's numbers close up behind it (agenda_numbers). Returns the label.
    """
    meeting = item.meeting
    check_open(meeting)
    check_not_anchor(meeting, item)
    label = item_label(item)
    t = item.treatment
    removed = t.seq if t is not None else None
    what = audit_label(item) + (f" «{t.display_title}»" if t is not None else "")
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
    apply_order(meeting, by_day(meeting))
    session.flush()
    renumber_agenda(session, meeting, removed=removed)
    return label
