"""Read queries used by pages and the API; each loads everything its page shows."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from hashlib import sha256

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from govern.models.bodies import Body, Membership
from govern.models.cases import Case, Treatment
from govern.models.meetings import AgendaItem, Attachment, Attendance, Meeting, MeetingDay
from govern.models.people import Person


def body_list(session: Session) -> list[Body]:
    """All bodies, internal before external, by name."""
    return list(session.scalars(select(Body).order_by(Body.external, Body.name)))


def _membership_options():
    return selectinload(Body.memberships).options(
        selectinload(Membership.person).selectinload(Person.organisation),
        selectinload(Membership.deputy_for),
    )


def body_by_slug(session: Session, slug: str) -> Body | None:
    """A body with its members and escalation target."""
    return session.scalar(
        select(Body)
        .where(Body.slug == slug)
        .options(_membership_options(), selectinload(Body.escalates_to))
    )


def meetings_of_stmt(body: Body, year: int | None = None):
    """Select a body's meetings (optionally of one year), newest first, with their days."""
    stmt = (
        select(Meeting)
        .where(Meeting.body_id == body.id)
        .options(selectinload(Meeting.days), selectinload(Meeting.body))
        .order_by(Meeting.year.desc(), Meeting.seq.desc())
    )
    if year is not None:
        stmt = stmt.where(Meeting.year == year)
    return stmt


def meetings_of(session: Session, body: Body, year: int | None = None) -> list[Meeting]:
    """A body's meetings (optionally of one year), newest first, with their days."""
    return list(session.scalars(meetings_of_stmt(body, year)))


def meeting_years(session: Session, body: Body) -> list[int]:
    """Years in which a body has meetings, newest first."""
    return list(
        session.scalars(
            select(Meeting.year)
            .where(Meeting.body_id == body.id)
            .distinct()
            .order_by(Meeting.year.desc())
        )
    )


def meeting_full(session: Session, meeting_id: int) -> Meeting | None:
    """A meeting with days, agenda (treatments, cases, inputs, attachments), attendance, members.

    Many-to-one links are joined into their parent's query; each collection is one more
    query, so the count stays the same however long the agenda is.
    """
    return session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.body)
            .selectinload(Body.memberships)
            .options(
                joinedload(Membership.person).joinedload(Person.organisation),
                joinedload(Membership.deputy_for),
            ),
            selectinload(Meeting.days),
            selectinload(Meeting.minutes_revisions),
            selectinload(Meeting.items)
            .joinedload(AgendaItem.treatment)
            .options(
                joinedload(Treatment.case),
                selectinload(Treatment.inputs),
                selectinload(Treatment.attachments),
            ),
            selectinload(Meeting.attendance).options(
                joinedload(Attendance.person).joinedload(Person.organisation),
                joinedload(Attendance.deputy_for),
            ),
        )
    )


def meeting_documents(session: Session, meeting_id: int) -> Meeting | None:
    """A meeting as meeting_full, plus the memos and attachments its documents need."""
    from govern.models.memos import Memo

    meeting = meeting_full(session, meeting_id)
    if meeting is not None:
        session.scalars(
            select(Treatment)
            .where(Treatment.meeting_id == meeting.id)
            .options(
                selectinload(Treatment.memo).selectinload(Memo.sections),
                # The toppnotat's history: the case's other treatments and their dates.
                joinedload(Treatment.case)
                .selectinload(Case.treatments)
                .options(
                    joinedload(Treatment.body),
                    joinedload(Treatment.meeting).selectinload(Meeting.days),
                    joinedload(Treatment.agenda_item).joinedload(AgendaItem.day),
                ),
            )
        ).all()
        session.scalars(
            select(Attachment)
            .where(Attachment.meeting_id == meeting.id)
            .options(joinedload(Attachment.treatment))
        ).all()
    return meeting


def previous_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    """The body's meeting before this one that was held (its referat is up for approval)."""
    earlier = (
        select(Meeting.id)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.status.in_(("gjennomført", "referat godkjent")),
            (Meeting.year < meeting.year)
            | ((Meeting.year == meeting.year) & (Meeting.seq < meeting.seq)),
        )
        .order_by(Meeting.year.desc(), Meeting.seq.desc())
        .limit(1)
    )
    found = session.scalar(earlier)
    return meeting_documents(session, found) if found is not None else None


def case_full(session: Session, case_id: int) -> Case | None:
    """A case with every treatment, their bodies, meetings and days."""
    return session.scalar(
        select(Case)
        .where(Case.id == case_id)
        .options(
            selectinload(Case.treatments).options(
                selectinload(Treatment.body),
                selectinload(Treatment.meeting).selectinload(Meeting.days),
                selectinload(Treatment.meeting).selectinload(Meeting.body),
                selectinload(Treatment.agenda_item).selectinload(AgendaItem.day),
                selectinload(Treatment.inputs),
                selectinload(Treatment.case),
            )
        )
    )


def treatments_in_order(case: Case) -> list[Treatment]:
    """The case's history: its treatments and those of the cases it continues, by date.

    A treatment registered without a date counts as the end of its number's year.
    """
    return sorted(
        (t for c in case.lineage() for t in c.treatments),
        key=lambda t: (t.date or date(t.year, 12, 31), t.year, t.seq),
    )


def paginate(session: Session, stmt, page: int, per_page: int) -> tuple[list, int]:
    """One page of a select and the total count."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = list(session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return rows, total or 0


#: Treatment texts no calendar event shows: left out of the calendar rows (and their digest).
_UNUSED_IN_CALENDARS = ("summary", "proposed_decision", "presentation", "decision")


@cache
def _calendar_columns() -> dict[type, tuple[list, dict[str, int], list[str]]]:
    """Per model: the columns calendar_sources selects, their positions by name, and the
    attribute each one fills."""
    result = {}
    for model in (Meeting, Body, MeetingDay, AgendaItem, Treatment, Case, Membership, Person):
        leave_out = _UNUSED_IN_CALENDARS if model is Treatment else ()
        columns = [c for c in model.__table__.c if c.name not in leave_out]
        at = {c.name: n for n, c in enumerate(columns)}
        keys = [model.__mapper__.get_property_by_column(c).key for c in columns]
        result[model] = (columns, at, keys)
    return result


@dataclass(frozen=True)
class CalendarSource:
    """The rows (plain tuples in column order) one meeting's calendar events are built from."""

    meeting_id: int
    first_date: date | None
    updated_at: datetime | None
    #: SHA-256 of every row below (pickled): equal digests, equal events (same base URL and
    #: day). Equal rows may pickle differently, which costs a rebuild, never a stale event.
    digest: bytes
    meeting: tuple
    body: tuple
    days: tuple[tuple, ...]
    #: (agenda item, treatment, case) per item; treatment and case all None for other kinds.
    items: tuple[tuple[tuple, tuple, tuple], ...]
    #: (membership, person) for each of the body's secretariat memberships.
    secretariat: tuple[tuple[tuple, tuple], ...]


def _split(row, *models) -> tuple[tuple, ...]:
    """A joined row cut into one tuple per model, in the order the columns were selected."""
    columns = _calendar_columns()
    parts, start = [], 0
    for model in models:
        width = len(columns[model][0])
        parts.append(tuple(row[start : start + width]))
        start += width
    return tuple(parts)


@cache
def _calendar_statements() -> tuple:
    """The four selects of calendar_sources, made once (the meetings' one still takes WHERE)."""
    cols = {model: columns for model, (columns, _, _) in _calendar_columns().items()}
    m, d, i, ms = (x.__table__ for x in (Meeting, MeetingDay, AgendaItem, Membership))
    ids = bindparam("ids", expanding=True)
    return (
        select(*cols[Meeting], *cols[Body]).join_from(m, Body.__table__),
        select(*cols[MeetingDay]).where(d.c.meeting_id.in_(ids)).order_by(d.c.date, d.c.id),
        select(*cols[AgendaItem], *cols[Treatment], *cols[Case])
        .select_from(i.outerjoin(Treatment.__table__).outerjoin(Case.__table__))
        .where(i.c.meeting_id.in_(ids))
        .order_by(i.c.position, i.c.id),
        select(*cols[Membership], *cols[Person])
        .join_from(ms, Person.__table__, ms.c.person_id == Person.__table__.c.id)
        .where(ms.c.body_id.in_(bindparam("body_ids", expanding=True)))
        .where(ms.c.role == "sekretariat")
        .order_by(ms.c.id),
    )


def calendar_sources(session: Session, *where) -> list[CalendarSource]:
    """Meetings for calendar files as plain table rows, by year and number: four queries.

    No ORM objects are made, so this is cheap enough to run on every feed request; the
    digest covers whole rows, so any change to what the events show changes it, and the
    events are built from these same rows (calendar_snapshot), never from newer ones.
    """
    at = {model: positions for model, (_, positions, _) in _calendar_columns().items()}
    meetings, days_stmt, items_stmt, secretariat_stmt = _calendar_statements()
    m = Meeting.__table__
    conn = session.connection()
    stmt = meetings.where(*where).order_by(m.c.year, m.c.seq, m.c.id)
    heads = [_split(row, Meeting, Body) for row in conn.execute(stmt)]
    if not heads:
        return []
    ids = [meeting[at[Meeting]["id"]] for meeting, _ in heads]
    days: dict[int, list] = {n: [] for n in ids}
    for row in conn.execute(days_stmt, {"ids": ids}):
        days[row[at[MeetingDay]["meeting_id"]]].append(tuple(row))
    items: dict[int, list] = {n: [] for n in ids}
    for row in conn.execute(items_stmt, {"ids": ids}):
        item = _split(row, AgendaItem, Treatment, Case)
        items[item[0][at[AgendaItem]["meeting_id"]]].append(item)
    body_ids = sorted({body[at[Body]["id"]] for _, body in heads})
    secretariat: dict[int, list] = {n: [] for n in body_ids}
    for row in conn.execute(secretariat_stmt, {"body_ids": body_ids}):
        membership, person = _split(row, Membership, Person)
        secretariat[membership[at[Membership]["body_id"]]].append((membership, person))
    # The body and its secretariat once per body, then each meeting's own rows.
    body_rows = {body[at[Body]["id"]]: body for _, body in heads}
    body_digest = {
        n: sha256(pickle.dumps((body_rows[n], secretariat[n]), protocol=5)).digest()
        for n in body_ids
    }
    sources = []
    for meeting, body in heads:
        key, body_id = meeting[at[Meeting]["id"]], body[at[Body]["id"]]
        own = (meeting, days[key], items[key])
        sources.append(
            CalendarSource(
                meeting_id=key,
                first_date=days[key][0][at[MeetingDay]["date"]] if days[key] else None,
                updated_at=meeting[at[Meeting]["updated_at"]],
                digest=sha256(body_digest[body_id] + pickle.dumps(own, protocol=5)).digest(),
                meeting=meeting,
                body=body,
                days=tuple(days[key]),
                items=tuple(items[key]),
                secretariat=tuple(secretariat[body_id]),
            )
        )
    return sources


def _instance(model, values: tuple):
    """A transient model object holding the given column values, as if loaded (no events,
    never in a session)."""
    keys = _calendar_columns()[model][2]
    obj = model.__mapper__.class_manager.new_instance()
    obj.__dict__.update(zip(keys, values, strict=True))
    return obj


def calendar_snapshot(source: CalendarSource) -> Meeting:
    """The meeting of a CalendarSource as transient model objects, for the calendar builders.

    Only what the events use is filled in: days, agenda items with treatments and cases,
    the body, and as the body's memberships only its secretariat (with their people).
    """
    meeting = _instance(Meeting, source.meeting)
    body = _instance(Body, source.body)
    set_committed_value(meeting, "body", body)
    set_committed_value(meeting, "days", [_instance(MeetingDay, row) for row in source.days])
    items = []
    for item_row, treatment_row, case_row in source.items:
        item = _instance(AgendaItem, item_row)
        treatment = None
        if item.treatment_id is not None:
            treatment = _instance(Treatment, treatment_row)
            set_committed_value(treatment, "case", _instance(Case, case_row))
        set_committed_value(item, "treatment", treatment)
        items.append(item)
    set_committed_value(meeting, "items", items)
    memberships = []
    for membership_row, person_row in source.secretariat:
        membership = _instance(Membership, membership_row)
        set_committed_value(membership, "person", _instance(Person, person_row))
        memberships.append(membership)
    set_committed_value(body, "memberships", memberships)
    return meeting
