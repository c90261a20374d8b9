"""A meeting's agenda and attendance through the API, with the agenda and attendance pages'
own service calls (agenda.add_case_item, add_entry, update_case_item, update_entry,
move_item, remove_item; attendance.set_attendance), so case numbers, Eventuelt handing its
number on, locked minutes and audit lines behave as on the web.
"""

from __future__ import annotations

from flask_login import current_user

from govern.api import schemas_meetings as m
from govern.api.common import require_api
from govern.api.errors import ApiProblem
from govern.api.meetings import agenda_of, attendance_of, prepared_meeting, readable_meeting
from govern.api.registry import api_operation
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.cases import Case
from govern.models.meetings import AgendaItem, Meeting
from govern.services import agenda as services
from govern.services import attendance as attendance_services
from govern.views.unit_of_work import settle

TAG = "Dagsorden og oppmøte"


def _agenda(meeting_id: int) -> m.AgendaList:
    meeting = readable_meeting(meeting_id)
    return m.AgendaList(meeting_id=meeting.id, items=agenda_of(meeting))


def _item_out(meeting_id: int, item_id: int) -> m.AgendaItemOut:
    items = _agenda(meeting_id).items
    return next(i for i in items if i.id == item_id)


def _prepared_item(item_id: int) -> tuple[AgendaItem, Meeting]:
    meeting_id = db.session.scalar(db.select(AgendaItem.meeting_id).where(AgendaItem.id == item_id))
    if meeting_id is None:
        raise ApiProblem(404, _("Punktet finnes ikke."))
    meeting = prepared_meeting(meeting_id)
    return next(i for i in meeting.items if i.id == item_id), meeting


def _invalid(field: str, detail: str) -> ApiProblem:
    return ApiProblem(422, detail, errors=[{"field": field, "detail": detail}])


@api_operation(
    "GET",
    "/meetings/<int:meeting_id>/agenda",
    tag=TAG,
    summary="Dagsordenen",
    response=m.AgendaList,
    errors=(404,),
)
def list_agenda(meeting_id: int):
    """Punktene i rekkefølge, med saksnummer og behandlingens id. Innspill og vedtak bare
    der referatet kan leses."""
    return _agenda(meeting_id)


@api_operation(
    "POST",
    "/meetings/<int:meeting_id>/agenda/cases",
    tag=TAG,
    summary="Sett en sak på dagsordenen",
    body=m.CaseItemCreate,
    response=m.AgendaItemOut,
    status=201,
    errors=(404, 409),
)
def add_case_to_agenda(meeting_id: int, data: m.CaseItemCreate):
    """En ny sak (`title`) eller en registrert sak (`case_id`). Saken får neste saksnummer
    (eller `number`) og legges sist på dagen, foran Eventuelt."""
    meeting = prepared_meeting(meeting_id)
    case = None
    if data.case_id is not None:
        case = db.session.get(Case, data.case_id)
        if case is None:
            raise _invalid("case_id", "Saken finnes ikke.")
    item = services.add_case_item(
        db.session,
        meeting,
        services.CaseItemInput(
            sakstype=data.sakstype,
            day=data.day,
            start_time=data.start_time,
            title=data.title,
            number=data.number,
            summary=data.summary,
            proposed_decision=data.proposed_decision,
            presenter=data.presenter,
            duration_minutes=data.duration_minutes,
        ),
        case,
        current_user,
    )
    settle()
    return _item_out(meeting_id, item.id)


@api_operation(
    "POST",
    "/meetings/<int:meeting_id>/agenda/entries",
    tag=TAG,
    summary="Legg til pause, overskrift eller underpunkt",
    body=m.EntryCreate,
    response=m.AgendaItemOut,
    status=201,
    errors=(404, 409),
)
def add_entry_to_agenda(meeting_id: int, data: m.EntryCreate):
    """Pause og overskrift legges sist på dagen (`day`), foran Eventuelt; et underpunkt
    (`point`) under saken `parent_id`."""
    meeting = prepared_meeting(meeting_id)
    parent = None
    if data.kind == "point" and data.parent_id is not None:
        parent = db.session.get(AgendaItem, data.parent_id)
        if parent is None:
            raise _invalid("parent_id", _("Punktet underpunktet skal høre til, finnes ikke."))
    item = services.add_entry(
        db.session,
        meeting,
        services.EntryInput(
            kind=data.kind,
            title=data.title,
            day=data.day,
            start_time=data.start_time,
            duration_minutes=data.duration_minutes,
        ),
        parent,
        current_user,
    )
    settle()
    return _item_out(meeting_id, item.id)


@api_operation(
    "PUT",
    "/agenda-items/<int:item_id>",
    tag=TAG,
    summary="Endre et punkt på dagsordenen",
    body=m.ItemUpdate,
    response=m.AgendaItemOut,
    errors=(404, 409),
)
def update_agenda_item(item_id: int, data: m.ItemUpdate):
    """`version` (punktets) som lest, for saker også `treatment_version`; ellers 409."""
    item, meeting = _prepared_item(item_id)
    if item.treatment is not None:
        if data.sakstype is None:
            raise _invalid("sakstype", _("«sakstype» må fylles ut for en sak."))
        if data.treatment_version is None:
            raise _invalid("treatment_version", _("«treatment_version» må fylles ut for en sak."))
        services.update_case_item(
            db.session,
            item,
            services.CaseEdit(
                title=data.title,
                sakstype=data.sakstype,
                item_version=data.version,
                treatment_version=data.treatment_version,
                summary=data.summary,
                proposed_decision=data.proposed_decision,
                presenter=data.presenter,
                duration_minutes=data.duration_minutes,
                start_time=data.start_time,
            ),
            current_user,
        )
    else:
        services.update_entry(
            db.session,
            item,
            services.EntryEdit(
                title=data.title,
                version=data.version,
                duration_minutes=data.duration_minutes,
                start_time=data.start_time,
            ),
            current_user,
        )
    settle()
    return _item_out(meeting.id, item_id)


@api_operation(
    "POST",
    "/agenda-items/<int:item_id>/move",
    tag=TAG,
    summary="Flytt et punkt",
    body=m.ItemMove,
    response=m.AgendaList,
    errors=(404, 409),
)
def move_agenda_item(item_id: int, data: m.ItemMove):
    """Ett steg opp eller ned (`direction`), eller til slutten av dag `day`. En sak tar
    underpunktene med seg. Svarer med hele dagsordenen."""
    item, meeting = _prepared_item(item_id)
    if (data.direction is None) == (data.day is None):
        raise _invalid("direction", _("Oppgi enten «direction» (up/down) eller «day»."))
    services.move_item(db.session, item, data.direction, data.day, actor=current_user)
    settle()
    return _agenda(meeting.id)


@api_operation(
    "DELETE",
    "/agenda-items/<int:item_id>",
    tag=TAG,
    summary="Fjern et punkt",
    response=m.AgendaList,
    errors=(404, 409),
)
def remove_agenda_item(item_id: int):
    """En sak tas av dagsordenen med behandling og underpunkter; saksnummeret brukes ikke
    om igjen. Godkjenning og Eventuelt kan ikke fjernes. Svarer med hele dagsordenen."""
    item, meeting = _prepared_item(item_id)
    services.remove_item(db.session, item, current_user)
    settle()
    return _agenda(meeting.id)


def _attendance(meeting: Meeting) -> m.AttendanceList:
    return m.AttendanceList(
        meeting_id=meeting.id,
        fingerprint=attendance_services.fingerprint(meeting),
        items=attendance_of(meeting),
    )


@api_operation(
    "GET",
    "/meetings/<int:meeting_id>/attendance",
    tag=TAG,
    summary="Oppmøtet",
    response=m.AttendanceList,
    errors=(404,),
)
def get_attendance(meeting_id: int):
    """Hvem som var til stede, fraværende eller stedfortreder (og hvilke dager). Bare der
    referatet kan leses; ellers en tom liste."""
    return _attendance(readable_meeting(meeting_id))


@api_operation(
    "PUT",
    "/meetings/<int:meeting_id>/attendance",
    tag=TAG,
    summary="Registrer oppmøtet",
    body=m.AttendanceSet,
    response=m.AttendanceList,
    errors=(404, 409),
)
def set_attendance(meeting_id: int, data: m.AttendanceSet):
    """For sekretariatet, som på oppmøtesiden. `fingerprint` fra forrige lesing avviser
    samtidige endringer (409). Feil navngir raden: `rows[2].deputy_for`."""
    meeting = prepared_meeting(meeting_id)
    require_api("prepare", meeting)
    rows = [
        attendance_services.AttendanceRow(
            person_id=r.person_id,
            status=r.status,
            deputy_for_id=r.deputy_for_id,
            days=tuple(r.days),
        )
        for r in data.rows
    ]
    attendance_services.set_attendance(db.session, current_user, meeting, rows, data.fingerprint)
    settle()
    return _attendance(readable_meeting(meeting_id))
