"""Request and response models for treatments, decisions (the register) and follow-ups."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from govern.api.schemas import Id, Line, Name, PageQuery, Query, Request, Response, TreatmentOut
from govern.api.schemas_meetings import LongText, Sakstype, Title, Version
from govern.models.followups import FOLLOW_UP_STATUSES

FollowUpStatus = Literal[FOLLOW_UP_STATUSES]  # type: ignore[valid-type]
FollowUpFilter = Literal[(*FOLLOW_UP_STATUSES, "forfalt", "ingen")]  # type: ignore[valid-type]
Slug = Annotated[str, Field(max_length=80)]


class TreatmentQuery(PageQuery):
    body: Slug | None = Field(None, description="Organets slug")
    year: int | None = Field(None, ge=1900, le=2200)
    sakstype: Sakstype | None = None
    meeting_id: Id | None = None


class TreatmentDetail(TreatmentOut):
    version: int
    meeting_number: str | None
    case_title: str
    minutes_readable: bool = Field(description="Om innspill og vedtak kan leses")
    url: str
    follow_ups_url: str


class TreatmentUpdate(Request):
    """Tekstene sekretariatet endrer på dagsordenen; `version` som lest."""

    version: Version
    title: Title
    sakstype: Sakstype
    summary: LongText = ""
    proposed_decision: LongText = ""
    presenter: Name = ""


class DecisionIn(Request):
    """Referatet for saken: innledning, innspill i rekkefølge, vedtak; `version` som lest."""

    version: Version
    decision: LongText
    presentation: LongText = ""
    input: Annotated[list[Annotated[str, Field(max_length=10_000)]], Field(max_length=200)] = []
    change_outcome: Literal["prioritert", "avvist", ""] | None = Field(
        None,
        description="Bare for en sak som er et eskalert endringsønske: utfallet for ønsket, som "
        "føres når referatet godkjennes («» tar tilbake et valgt utfall; utelatt: uendret)",
    )
    change_outcome_reason: LongText = Field("", description="Begrunnelse når utfallet er avvist")
    minutes_postponed: bool | None = Field(
        None,
        description="Bare for godkjenningssaken: `true` når vedtaket er at referatet fra forrige "
        "møte ikke godkjennes eller utsettes (utelatt: uendret)",
    )


class FollowUpOut(Response):
    id: int
    treatment_id: int
    case_number: str
    body: str
    title: str
    status: str
    organisation_id: int | None
    organisation: str | None
    person_id: int | None
    person: str | None
    responsible: str
    responsible_text: str
    due_on: date | None
    overdue: bool
    notes: str
    closed_at: datetime | None
    version: int
    url: str


class FollowUpQuery(PageQuery):
    status: Literal[(*FOLLOW_UP_STATUSES, "forfalt")] | None = Field(  # type: ignore[valid-type]
        None, description="En status, eller «forfalt» (åpen og fristen passert)"
    )
    body: Slug | None = None
    treatment_id: Id | None = Field(None, description="Oppfølgingen av dette vedtaket")
    due_before: date | None = Field(None, description="Frist før denne dagen")
    due_after: date | None = Field(None, description="Frist etter denne dagen")


class FollowUpIn(Request):
    """Ansvarlig: `organisation_id`, `person_id` og/eller fritekst `responsible`."""

    title: Annotated[str, Field(max_length=300), Line] = ""
    status: FollowUpStatus = "ikke startet"
    organisation_id: Id | None = None
    person_id: Id | None = None
    responsible: Annotated[str, Field(max_length=300), Line] = ""
    due_on: date | None = None
    notes: LongText = ""


class FollowUpUpdate(FollowUpIn):
    version: Version


class VersionQuery(Query):
    version: Version = Field(description="Versjonen som lest; ellers 409")


class Deleted(Response):
    id: int
    deleted: bool = True


class DecisionQuery(PageQuery):
    body: Slug | None = None
    year: int | None = Field(None, ge=1900, le=2200)
    sakstype: Sakstype | None = None
    follow_up: FollowUpFilter | None = Field(
        None, description="Oppfølgingsstatus, «forfalt» eller «ingen»"
    )


class DecisionOut(Response):
    treatment_id: int
    case_id: int
    case_number: str
    body: str
    meeting_id: int | None
    meeting_number: str | None
    date: date | None
    sakstype: str | None
    title: str
    decision: str
    follow_ups: list[FollowUpOut]
    url: str


class ExternalTreatmentIn(Request):
    """En behandling i et eksternt organ (Nasjonalt e-helseråd, NUIT …), registrert for hånd."""

    body: Slug = Field(description="Det eksterne organets slug")
    number: Annotated[str, Field(max_length=20), Line] = Field(
        description="Saksnummer, f.eks. 14/25"
    )
    decided_on: date | None = Field(None, description="Møtedato; året må passe med nummeret")
    title: Annotated[str, Field(max_length=500), Line] | None = Field(
        None, description="Tittelen der, om den var en annen enn sakens"
    )
    sakstype: Sakstype | None = None
    decision: LongText = ""


class ExternalTreatmentUpdate(ExternalTreatmentIn):
    version: Version
