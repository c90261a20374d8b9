"""Read queries used by pages and the API; each loads everything its page shows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from govern.models.bodies import Body, Membership
from govern.models.cases import Case, Treatment
from govern.models.meetings import AgendaItem, Attachment, Attendance, Meeting, MeetingDay
from govern.models.people import Person
from govern.models.recusals import Recusal


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


def meetings_of_stmt(body: Body, year: int | None = None, *, since: int | None = None):
    """Select a body's meetings (optionally of one year, or of a year and after), newest
    first, with their days."""
    stmt = (
        select(Meeting)
        .where(Meeting.body_id == body.id)
        .options(selectinload(Meeting.days), selectinload(Meeting.body))
        .order_by(Meeting.year.desc(), Meeting.seq.desc())
    )
    if year is not None:
        stmt = stmt.where(Meeting.year == year)
    if since is not None:
        stmt = stmt.where(Meeting.year >= since)
    return stmt


def meetings_of(
    session: Session, body: Body, year: int | None = None, *, since: int | None = None
) -> list[Meeting]:
    """A body's meetings (optionally of one year, or of a year and after), newest first,
    with their days."""
    return list(session.scalars(meetings_of_stmt(body, year, since=since)))


def recent_meeting_years(
    session: Session, body: Body, visible, today: date
) -> tuple[list[int], int | None]:
    """The years with meetings of the body that pass `visible` (a WHERE clause over Meeting),
    newest first, and the year of the latest of them that has begun by `today` (None if none
    has): the body page lists that year and those after it, so the last meeting held and every
    one planned after it are always there, however many years lie behind them."""
    of_body = (Meeting.body_id == body.id, visible)
    years = list(
        session.scalars(
            select(Meeting.year).where(*of_body).distinct().order_by(Meeting.year.desc())
        )
    )
    begun = session.scalar(
        select(func.max(Meeting.year)).where(*of_body, Meeting.days.any(MeetingDay.date <= today))
    )
    return years, begun


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
            selectinload(Meeting.minutes_sendings),
            selectinload(Meeting.items)
            .joinedload(AgendaItem.treatment)
            .options(
                joinedload(Treatment.case),
                selectinload(Treatment.inputs),
                selectinload(Treatment.attachments),
                selectinload(Treatment.recusals).joinedload(Recusal.person),
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


def treatment_context():
    """Loader options for showing a treatment with its number and date: body, case, meeting
    with its days, and the agenda item with its day."""
    return (
        joinedload(Treatment.body),
        joinedload(Treatment.case),
        joinedload(Treatment.meeting).selectinload(Meeting.days),
        joinedload(Treatment.agenda_item).joinedload(AgendaItem.day),
    )


def treatment_full(session: Session, treatment_id: int) -> Treatment | None:
    return session.get(Treatment, treatment_id, options=treatment_context())


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
