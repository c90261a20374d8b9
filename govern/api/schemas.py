"""Request and response models. Requests are strict and refuse unknown fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from govern.models.bodies import BODY_KINDS, BODY_STATUSES, MINUTES_APPROVAL_RULES, ROLES
from govern.text_rules import has_line_break

T = TypeVar("T")

BodyKind = Literal[BODY_KINDS]  # type: ignore[valid-type]
BodyStatus = Literal[BODY_STATUSES]  # type: ignore[valid-type]
#: "held": the previous minutes are approved when the approving meeting is marked held;
#: "minutes_sent": when its own minutes are sent to the members.
ApprovalRule = Literal[MINUTES_APPROVAL_RULES]  # type: ignore[valid-type]
#: The language of a body's documents: "nb" (bokmål) or "nn" (nynorsk).
DocumentLanguage = Literal["nb", "nn"]
Role = Literal[ROLES]  # type: ignore[valid-type]


def _one_line(value: str) -> str:
    if has_line_break(value):
        raise PydanticCustomError("single_line", "must be one line")
    return value


#: One line of text: names, titles, places and addresses go into mail headers and one-line
#: cells; a line break there is refused (422) like the forms refuse it.
Line = AfterValidator(_one_line)
Text = Annotated[str, Field(max_length=10_000)]
Name = Annotated[str, Field(max_length=300), Line]
Required = Annotated[str, Field(min_length=1, pattern=r"\S")]
#: Database ids and versions: 32-bit, as PostgreSQL's integer.
MAX_INT = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_INT)]


class Request(BaseModel):
    """A JSON request body: strict types, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """Query-string parameters: text converted to the declared types, unknown ones refused."""

    model_config = ConfigDict(extra="forbid")


class Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PageQuery(Query):
    page: int = Field(1, ge=1, le=100_000, description="Sidenummer, fra 1")
    per_page: int = Field(50, ge=1, le=200, description="Antall per side (høyst 200)")


class Page(Response, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int
    pages: int
    next: str | None = Field(description="Adressen til neste side, eller null på siste side")


class Problem(BaseModel):
    """An error (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None


class FieldError(BaseModel):
    field: str
    detail: str


class Index(Response):
    version: int
    bodies: str
    people: str
    cases: str
    meetings: str
    treatments: str
    decisions: str
    follow_ups: str
    openapi: str
    docs: str


# -- bodies --


class BodyQuery(PageQuery):
    kind: BodyKind | None = None
    external: bool | None = None


class BodySummary(Response):
    id: int
    slug: str
    name: str
    short_name: str
    kind: str
    status: str
    external: bool
    version: int
    url: str


class PersonRef(Response):
    id: int
    name: str
    organisation: str | None


class MembershipOut(Response):
    id: int
    body: str
    person: PersonRef
    role: str
    from_: date | None = Field(alias="from")
    to: date | None
    deputy_for: str | None
    deputy_for_id: int | None
    url: str

    model_config = ConfigDict(populate_by_name=True, from_attributes=True)


class BodyDetail(BodySummary):
    mandate: str
    minutes_approved_when: str
    document_language: str
    escalates_to: str | None
    escalates_to_id: int | None
    members: list[MembershipOut]
    meetings_url: str


class BodyCreate(Request):
    slug: Annotated[str, Field(max_length=80, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    name: Annotated[Required, Field(max_length=300), Line]
    short_name: Annotated[Required, Field(max_length=120), Line]
    kind: BodyKind
    status: BodyStatus = "Etablert"
    mandate: Text = ""
    external: bool = False
    escalates_to_id: Id | None = None
    minutes_approved_when: ApprovalRule = "held"
    document_language: DocumentLanguage = "nb"


class BodyUpdate(Request):
    """All fields but the address (slug); `version` as read."""

    version: Id
    name: Annotated[Required, Field(max_length=300), Line]
    short_name: Annotated[Required, Field(max_length=120), Line]
    kind: BodyKind
    status: BodyStatus = "Etablert"
    mandate: Text = ""
    external: bool = False
    escalates_to_id: Id | None = None
    #: Left out: as it is.
    minutes_approved_when: ApprovalRule | None = None
    #: Left out: as it is.
    document_language: DocumentLanguage | None = None


# -- memberships --


class MembershipQuery(PageQuery):
    active_on: date | None = Field(None, description="Bare medlemskap som gjelder denne dagen")
    role: Role | None = None


class MembershipCreate(Request):
    person_id: Id
    role: Role
    starts_on: date | None = None
    ends_on: date | None = None
    deputy_for_id: Id | None = None


class MembershipUpdate(Request):
    role: Role
    starts_on: date | None = None
    ends_on: date | None = None
    deputy_for_id: Id | None = None


# -- people --


class PeopleQuery(PageQuery):
    q: Annotated[str, Field(max_length=200)] | None = Field(None, description="Del av navnet")
    organisation: Annotated[str, Field(max_length=200)] | None = None


class PersonOut(Response):
    id: int
    name: str
    organisation: str | None
    email: str | None = Field(description="Bare for innloggede")
    url: str


class PersonCreate(Request):
    name: Annotated[str, Field(max_length=200), Line]
    organisation: Annotated[str, Field(max_length=200), Line] | None = None
    email: Annotated[str, Field(max_length=254), Line] | None = None


class PersonUpdate(PersonCreate):
    pass


# -- cases --


class CaseQuery(PageQuery):
    q: Annotated[str, Field(max_length=200)] | None = Field(None, description="Del av tittelen")
    body: Annotated[str, Field(max_length=80)] | None = Field(
        None, description="Bare saker behandlet i dette organet (slug)"
    )
    year: int | None = Field(None, ge=1900, le=2200, description="Bare saker behandlet dette året")


class TreatmentOut(Response):
    id: int
    case_id: int
    body: str
    meeting_id: int | None
    case_number: str
    title: str
    date: date | None
    sakstype: str | None = None
    summary: str = ""
    proposed_decision: str = ""
    presenter: str = ""
    presentation: str = ""
    input: list[str] = []
    decision: str = ""


class CaseSummary(Response):
    id: int
    key: str | None
    title: str
    sakseier: str
    saksbehandler: str
    follows_id: int | None
    version: int
    url: str


class CaseDetail(CaseSummary):
    treatments: list[TreatmentOut]


class CaseCreate(Request):
    title: Annotated[str, Field(max_length=500), Line]
    sakseier: Name = ""
    saksbehandler: Name = ""
    key: Annotated[str, Field(max_length=120), Line] | None = None
    follows_id: Id | None = None


class CaseUpdate(Request):
    version: Id
    title: Annotated[str, Field(max_length=500), Line]
    sakseier: Name = ""
    saksbehandler: Name = ""
    follows_id: Id | None = None


Problem.model_rebuild()
