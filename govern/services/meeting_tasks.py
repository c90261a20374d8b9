"""What the secretariat's front page says about its bodies' meetings: the next meeting of
each body with what it still needs, and past meetings that are not closed yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.meetings import AgendaItem, Meeting

#: Sakstyper whose items have no toppnotat.
_NO_MEMO = ("Godkjenning", "Eventuelt")


@dataclass(frozen=True)
class Task:
    """Something a meeting still needs: the words, and which page does it."""

    text: str
    #: "agenda", "innkalling", "memos", "attendance", "held", "minutes", "approval".
    where: str


@dataclass
class MeetingTasks:
    meeting: Meeting
    tasks: list[Task] = field(default_factory=list)


@dataclass
class FrontPageMeetings:
    #: The next meeting of each body (today or later), in date order.
    coming: list[MeetingTasks]
    #: Meetings whose days are past but that are not closed (minutes not approved).
    open_past: list[MeetingTasks]


def _missing_memos(meeting: Meeting) -> list[str]:
    return [
        i.treatment.number
        for i in sorted(meeting.items, key=lambda i: i.position)
        if i.treatment is not None
        and i.treatment.sakstype not in _NO_MEMO
        and (i.treatment.memo is None or i.treatment.memo.is_empty)
    ]


def coming_tasks(meeting: Meeting) -> list[Task]:
    """What a meeting to come still needs before it is held."""
    tasks = []
    if meeting.status == "planlagt" and not meeting.agenda_shared:
        tasks.append(Task(_("Dagsordenen er ikke delt med medlemmene"), "agenda"))
    missing = _missing_memos(meeting)
    if missing:
        tasks.append(Task(_("Toppnotat mangler: sak %(cases)s", cases=", ".join(missing)), "memos"))
    if meeting.status == "planlagt":
        tasks.append(Task(_("Innkallingen er ikke sendt"), "innkalling"))
    return tasks


def past_tasks(meeting: Meeting) -> list[Task]:
    """What a meeting that has taken place still needs before it is closed."""
    tasks = []
    if meeting.status == "planlagt":
        tasks.append(Task(_("Innkallingen ble aldri sendt"), "innkalling"))
    if meeting.status in ("planlagt", "innkalt"):
        tasks.append(Task(_("Ikke merket som gjennomført"), "held"))
    if not meeting.attendance:
        tasks.append(Task(_("Oppmøtet er ikke registrert"), "attendance"))
    if meeting.minutes_status == "utkast":
        tasks.append(Task(_("Referatet er ikke sendt"), "minutes"))
    elif meeting.minutes_status == "sendt":
        tasks.append(Task(_("Referatet er sendt, ikke godkjent"), "approval"))
    return tasks


def front_page_meetings(session: Session, bodies: list[Body], today: date) -> FrontPageMeetings:
    """The next meeting of each body and the open past meetings, with their tasks."""
    if not bodies:
        return FrontPageMeetings([], [])
    meetings = session.scalars(
        select(Meeting)
        .where(
            Meeting.body_id.in_([b.id for b in bodies]),
            Meeting.status != "avlyst",
            Meeting.minutes_status != "godkjent",
        )
        .options(
            joinedload(Meeting.body),
            selectinload(Meeting.days),
            selectinload(Meeting.attendance),
            selectinload(Meeting.items).joinedload(AgendaItem.treatment).joinedload(Treatment.memo),
        )
    ).all()
    dated = sorted(
        (m for m in meetings if m.first_date is not None), key=lambda m: (m.first_date, m.id)
    )
    coming, seen = [], set()
    for m in dated:
        if m.last_date >= today and m.body_id not in seen:
            seen.add(m.body_id)
            coming.append(MeetingTasks(m, coming_tasks(m)))
    past = [MeetingTasks(m, past_tasks(m)) for m in dated if m.last_date < today]
    return FrontPageMeetings(coming, [p for p in past if p.tasks])
