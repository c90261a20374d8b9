"""Request and response models for meetings, their days, agenda and attendance."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import Field

from govern.api.schemas import MAX_INT, Id, Line, Name, PageQuery, Request, Response
from govern.models.cases import SAKSTYPER
from govern.models.meetings import ATTENDANCE_STATUSES, MEETING_STATUSES

MeetingStatus = Literal[MEETING_STATUSES]  # type: ignore[valid-type]
PlanStatus = Literal["planlagt", "innkalt", "gjennomført"]
Sakstype = Literal[SAKSTYPER]  # type: ignore[valid-type]
AttendanceStatus = Literal[ATTENDANCE_STATUSES]  # type: ignore[valid-type]
Title = Annotated[str, Field(max_length=500), Line]
LongText = Annotated[str, Field(max_length=20_000)]
Version = Annotated[int, Field(ge=1, le=MAX_INT)]
DayNumber = Annotated[int, Field(ge=1, le=31)]
Minutes = Annotated[int, Field(ge=1, le=1440)]


class BodyMeetingQuery(PageQuery):
    year: int | None = Field(None, ge=1900, le=2200)
    status: MeetingStatus | None = None


class MeetingListQuery(BodyMeetingQuery):
    body: Annotated[str, Field(max_length=80)] | None = Field(None, description="Organets slug")
    from_: date | None = Field(None, alias="from", description="Møter som slutter denne dagen")
    to: date | None = Field(None, description="Møter som starter senest denne dagen")


class DayOut(Response):
    id: int
    number: int = Field(description="Dag 1, 2 … i møtet")
    date: date
    start: datetime
    end: datetime


class MeetingSummary(Response):
    id: int
    body: str
    number: str
    year: int
    title: str
    status: str
    minutes_status: str
    location: str
    agenda_shared: bool
    version: int
    days: list[DayOut]
    url: str


class Attachment(Response):
    number: str
    title: str


class AgendaItemOut(Response):
    id: int
    position: int
    type: str = Field(description="case, break, heading eller point")
    day: int
    time: str | None = Field(description="Starttid TT:MM, om den er satt")
    duration_minutes: int | None
    title: str
    parent_id: int | None
    version: int
    case_number: str | None = None
    case_id: int | None = None
    treatment_id: int | None = None
    treatment_version: int | None = None
    sakstype: str | None = None
    summary: str = ""
    proposed_decision: str = ""
    presenter: str = ""
    presentation: str = ""
    input: list[str] = []
    decision: str = ""
    attachments: list[Attachment] = []


class AttendanceOut(Response):
    person_id: int
    person: str
    status: str = Field(description="present, absent eller deputy")
    deputy_for_id: int | None
    deputy_for: str | None
    days: list[int] | None = Field(description="Dagnumrene statusen gjelder; null = alle")


class MeetingDetail(MeetingSummary):
    agenda: list[AgendaItemOut]
    attendance: list[AttendanceOut] = Field(description="Tom der referatet ikke kan leses")
    agenda_url: str
    attendance_url: str


class DayIn(Request):
    date: date
    start: time
    end: time


class DayEdit(DayIn):
    id: Id | None = Field(None, description="En eksisterende dag; utelatt for en ny dag")


class MeetingCreate(Request):
    days: Annotated[list[DayIn], Field(min_length=1, max_length=14)]
    location: Annotated[str, Field(max_length=300), Line] = ""
    status: PlanStatus = "planlagt"
    agenda_shared: bool = False


class MeetingUpdate(Request):
    """Dagene som skal gjelde (dager som utelates, fjernes); `version` som lest."""

    version: Version
    days: Annotated[list[DayEdit], Field(min_length=1, max_length=14)]
    location: Annotated[str, Field(max_length=300), Line] = ""
    agenda_shared: bool = False
    move_items_to: date | None = Field(
        None, description="Dagen punktene på fjernede dager flyttes til"
    )


class StatusChange(Request):
    version: Version
    status: Literal["innkalt", "gjennomført", "avlyst"]
    #: Confirms that marking the meeting held approves and locks the previous minutes, where
    #: the body's rule says so; without it such a change is refused (409).
    approve_minutes: bool = False


class AgendaList(Response):
    meeting_id: int
    items: list[AgendaItemOut]


class CaseItemCreate(Request):
    """En ny sak (med `title`) eller en eksisterende (`case_id`) på dagsordenen."""

    case_id: Id | None = None
    sakstype: Sakstype
    title: Title | None = None
    number: Annotated[str, Field(max_length=10, pattern=r"^\d{1,4}/\d{2}$")] | None = Field(
        None, description="Saksnummer for hånd (9/26); ellers neste ledige"
    )
    day: DayNumber = 1
    start_time: time | None = None
    duration_minutes: Minutes | None = None
    summary: LongText = ""
    proposed_decision: LongText = ""
    presenter: Name = ""


class EntryCreate(Request):
    """Pause, overskrift, eller underpunkt (`point`, med `parent_id` = sakens punkt)."""

    kind: Literal["break", "heading", "point"]
    title: Title
    day: DayNumber = 1
    parent_id: Id | None = None
    start_time: time | None = None
    duration_minutes: Minutes | None = None


class ItemUpdate(Request):
    """For saker også `treatment_version`, `sakstype`, `summary`, `proposed_decision`,
    `presenter`; de gjelder ikke pauser, overskrifter og underpunkter."""

    version: Version
    title: Title
    treatment_version: Version | None = None
    sakstype: Sakstype | None = None
    summary: LongText = ""
    proposed_decision: LongText = ""
    presenter: Name = ""
    start_time: time | None = None
    duration_minutes: Minutes | None = None


class ItemMove(Request):
    """Ett steg (`direction`) eller til slutten av en annen dag (`day`)."""

    direction: Literal["up", "down"] | None = None
    day: DayNumber | None = None


class AttendanceIn(Request):
    person_id: Id
    status: AttendanceStatus
    deputy_for_id: Id | None = None
    days: Annotated[list[DayNumber], Field(max_length=31)] = []


class AttendanceList(Response):
    meeting_id: int
    fingerprint: str = Field(description="Send med ved lagring: avviser samtidige endringer")
    items: list[AttendanceOut]


class AttendanceSet(Request):
    """Hele oppmøtet på én gang; personer som ikke er med, fjernes."""

    rows: Annotated[list[AttendanceIn], Field(max_length=500)]
    fingerprint: Annotated[str, Field(max_length=100)] | None = None
