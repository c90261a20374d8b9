"""Meetings: lists, one meeting with days, agenda and attendance; planning, changes, status.

Days are part of the meeting: created with it and replaced as a whole by PUT (a day keeps
its id when sent with it). The calls are the planning pages' own (meetings.plan_meeting,
update_meeting, change_status, then invitations.sync_invitations), so numbering, the opening
Godkjenning/Eventuelt items, audit lines and calendar invitations are the same. Meetings are
never deleted; a meeting that will not take place is cancelled (status «avlyst»).
"""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import exists, select

from govern import queries
from govern.api import schemas as s
from govern.api import schemas_meetings as m
from govern.api.bodies import body_or_404
from govern.api.cases import shown_texts
from govern.api.common import page_of, require_api
from govern.api.errors import ApiProblem
from govern.api.registry import api_operation
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.meetings import AgendaItem, Meeting, MeetingDay
from govern.openness import may_see_attachment, shown_title
from govern.policy import can, visible_meeting_filter, visible_meetings_filter
from govern.services import invitations, meeting_plans, meeting_status
from govern.views.settings import invitation_settings
from govern.views.unit_of_work import settle

TAG = "Møter"


def day_out(meeting: Meeting, day: MeetingDay) -> m.DayOut:
    return m.DayOut(
        id=day.id,
        number=meeting.day_number(day),
        date=day.date,
        start=day.starts_at,
        end=day.ends_at,
    )


def meeting_summary(meeting: Meeting) -> m.MeetingSummary:
    return m.MeetingSummary(
        id=meeting.id,
        body=meeting.body.slug,
        number=meeting.number,
        year=meeting.year,
        title=meeting.title,
        status=meeting.status,
        minutes_status=meeting.minutes_status,
        location=meeting.location or "",
        agenda_shared=bool(meeting.agenda_shared),
        version=meeting.version,
        days=[day_out(meeting, d) for d in meeting.days],
        url=url_for("api.get_meeting", meeting_id=meeting.id, _external=True),
    )


def agenda_item_out(item: AgendaItem, day_number: int, minutes: bool) -> m.AgendaItemOut:
    data = {
        "id": item.id,
        "position": item.position,
        "type": item.kind,
        "day": day_number,
        "time": item.start_time.strftime("%H:%M") if item.start_time else None,
        "duration_minutes": item.duration_minutes,
        "title": (
            shown_title(current_user, item.treatment) if item.treatment else item.display_title
        ),
        "parent_id": item.parent_id,
        "version": item.version,
    }
    t = item.treatment
    if t is not None:
        data.update(
            case_number=t.number,
            case_id=t.case_id,
            treatment_id=t.id,
            treatment_version=t.version,
            attachments=[
                {"number": a.number, "title": a.title}
                for a in t.attachments
                if may_see_attachment(current_user, a)
            ],
            **shown_texts(t, minutes),
        )
    return m.AgendaItemOut(**data)


def agenda_of(meeting: Meeting) -> list[m.AgendaItemOut]:
    minutes = can(current_user, "read_minutes", meeting)
    numbers = {d.id: i + 1 for i, d in enumerate(meeting.days)}
    return [agenda_item_out(i, numbers[i.day_id], minutes) for i in meeting.items]


def attendance_of(meeting: Meeting) -> list[m.AttendanceOut]:
    if not can(current_user, "read_minutes", meeting):
        return []
    return [
        m.AttendanceOut(
            person_id=a.person_id,
            person=a.person.name,
            status=a.status,
            deputy_for_id=a.deputy_for_id,
            deputy_for=a.deputy_for.name if a.deputy_for else None,
            days=a.days or None,
        )
        for a in sorted(meeting.attendance, key=lambda a: a.id)
    ]


def meeting_detail(meeting: Meeting) -> m.MeetingDetail:
    return m.MeetingDetail(
        **meeting_summary(meeting).model_dump(),
        agenda=agenda_of(meeting),
        attendance=attendance_of(meeting),
        agenda_url=url_for("api.list_agenda", meeting_id=meeting.id, _external=True),
        attendance_url=url_for("api.get_attendance", meeting_id=meeting.id, _external=True),
    )


def readable_meeting(meeting_id: int) -> Meeting:
    """The meeting with everything loaded, or 404 when missing or not readable (drafts)."""
    meeting = queries.meeting_full(db.session, meeting_id)
    if meeting is None or not can(current_user, "read", meeting):
        raise ApiProblem(404, _("Møtet finnes ikke."))
    return meeting


def prepared_meeting(meeting_id: int) -> Meeting:
    """A meeting the caller prepares (its body's secretariat or an admin)."""
    meeting = readable_meeting(meeting_id)
    require_api("prepare", meeting)
    return meeting


def _filtered(stmt, query: m.BodyMeetingQuery):
    if query.year is not None:
        stmt = stmt.where(Meeting.year == query.year)
    if query.status is not None:
        stmt = stmt.where(Meeting.status == query.status)
    return stmt


@api_operation(
    "GET",
    "/bodies/<slug>/meetings",
    tag=TAG,
    summary="Et organs møter",
    query=m.BodyMeetingQuery,
    response=s.Page[m.MeetingSummary],
    errors=(404,),
)
def list_body_meetings(slug: str, query: m.BodyMeetingQuery):
    """Nyeste først; utkast bare for sekretariatet. Filtre: `year`, `status`."""
    body = body_or_404(slug)
    stmt = queries.meetings_of_stmt(body).where(visible_meeting_filter(current_user, body))
    return s.Page[m.MeetingSummary](**page_of(_filtered(stmt, query), query, meeting_summary))


@api_operation(
    "GET",
    "/meetings",
    tag=TAG,
    summary="Møter i alle organer",
    query=m.MeetingListQuery,
    response=s.Page[m.MeetingSummary],
)
def list_meetings(query: m.MeetingListQuery):
    """Etter første møtedag, nyeste først. Filtre: `body`, `from`, `to` (datoer), `year`,
    `status`."""
    first = (
        select(MeetingDay.date)
        .where(MeetingDay.meeting_id == Meeting.id)
        .order_by(MeetingDay.date)
        .limit(1)
        .correlate(Meeting)
        .scalar_subquery()
    )
    stmt = (
        select(Meeting)
        .where(visible_meetings_filter(current_user))
        .order_by(first.desc(), Meeting.id.desc())
    )
    if query.body is not None:
        stmt = stmt.where(Meeting.body.has(Body.slug == query.body))
    days = select(MeetingDay.id).where(MeetingDay.meeting_id == Meeting.id)
    if query.from_ is not None:
        stmt = stmt.where(exists(days.where(MeetingDay.date >= query.from_)))
    if query.to is not None:
        stmt = stmt.where(exists(days.where(MeetingDay.date <= query.to)))
    return s.Page[m.MeetingSummary](**page_of(_filtered(stmt, query), query, meeting_summary))


@api_operation(
    "GET",
    "/meetings/<int:meeting_id>",
    tag=TAG,
    summary="Ett møte med dager, dagsorden og oppmøte",
    response=m.MeetingDetail,
    errors=(404,),
)
def get_meeting(meeting_id: int):
    """Innspill, vedtak og oppmøte bare der referatet kan leses."""
    return meeting_detail(readable_meeting(meeting_id))


def _rows(days) -> tuple[meeting_plans.DayRow, ...]:
    return tuple(
        meeting_plans.DayRow(date=d.date, start=d.start, end=d.end, day_id=getattr(d, "id", None))
        for d in days
    )


@api_operation(
    "POST",
    "/bodies/<slug>/meetings",
    tag=TAG,
    summary="Planlegg møte",
    body=m.MeetingCreate,
    response=m.MeetingDetail,
    status=201,
    errors=(404, 409),
)
def create_meeting(slug: str, data: m.MeetingCreate):
    """For organets sekretariat. Møtet får neste møtenummer, og dagsordenen åpner med
    Godkjenning og slutter med Eventuelt, som på planleggingssiden."""
    body = body_or_404(slug)
    require_api("prepare", body)
    if body.external:
        raise ApiProblem(
            409, _("%(body)s er et eksternt organ; møtene føres ikke her.", body=body.short_name)
        )
    plan = meeting_plans.PlanInput(
        days=_rows(data.days),
        location=data.location,
        status=data.status,
        agenda_shared=data.agenda_shared,
    )
    meeting = meeting_plans.plan_meeting(db.session, body, plan, current_user)
    invitations.sync_invitations(db.session, meeting, **invitation_settings())
    settle()
    return meeting_detail(readable_meeting(meeting.id))


@api_operation(
    "PUT",
    "/meetings/<int:meeting_id>",
    tag=TAG,
    summary="Endre møte (sted, dager, deling)",
    body=m.MeetingUpdate,
    response=m.MeetingDetail,
    errors=(404, 409),
)
def update_meeting(meeting_id: int, data: m.MeetingUpdate):
    """`version` som lest, ellers 409. En dag som fjernes og har punkter, krever
    `move_items_to`. Endrede tider sendes som oppdaterte kalenderinvitasjoner."""
    meeting = prepared_meeting(meeting_id)
    edit = meeting_plans.MeetingEdit(
        days=_rows(data.days),
        version=data.version,
        location=data.location,
        agenda_shared=data.agenda_shared,
        move_items_to=data.move_items_to,
    )
    meeting_plans.update_meeting(db.session, meeting, edit, current_user)
    invitations.sync_invitations(db.session, meeting, **invitation_settings())
    settle()
    return meeting_detail(readable_meeting(meeting_id))


@api_operation(
    "POST",
    "/meetings/<int:meeting_id>/status",
    tag=TAG,
    summary="Endre møtestatus (innkall, gjennomført, avlys)",
    body=m.StatusChange,
    response=m.MeetingDetail,
    errors=(404, 409),
)
def change_meeting_status(meeting_id: int, data: m.StatusChange):
    """planlagt → innkalt → gjennomført, eller avlyst. Innkalling sender kalenderinvitasjoner;
    avlysning sender avlysning. «referat godkjent» følger av godkjenningen i neste møte: der
    organet godkjenner forrige referat når møtet som godkjenner er gjennomført, og
    godkjenningssaken har et vedtak som godkjenner, godkjennes og låses det forrige referatet
    når møtet merkes som gjennomført. Det må bekreftes med `approve_minutes: true` (ellers 409)."""
    meeting = prepared_meeting(meeting_id)
    meeting_status.change_status(
        db.session,
        meeting,
        data.status,
        data.version,
        current_user,
        confirmed=data.approve_minutes,
    )
    invitations.sync_invitations(db.session, meeting, **invitation_settings())
    settle()
    return meeting_detail(readable_meeting(meeting_id))


@api_operation(
    "DELETE",
    "/meetings/<int:meeting_id>",
    tag=TAG,
    summary="Slett møte (ikke mulig: avlys i stedet)",
    status=204,
    errors=(404, 409),
)
def delete_meeting(meeting_id: int):
    """Møter slettes ikke, heller ikke på nettsidene: numrene og historikken skal bestå.
    Svarer alltid 409 for den som forbereder møtet; bruk status «avlyst»."""
    prepared_meeting(meeting_id)
    raise ApiProblem(
        409,
        _(
            "Møter slettes ikke; nummeret og historikken skal bestå. Avlys møtet i stedet "
            "(status «avlyst»)."
        ),
    )
