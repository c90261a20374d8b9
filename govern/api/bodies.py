"""Bodies (organer): list, read, create and update. Bodies are not deleted through the API:
their meetings, case numbers and decisions are the record; set status instead."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govern import queries
from govern.api import schemas as s
from govern.api.common import page_of, require_api
from govern.api.errors import ApiProblem
from govern.api.registry import api_operation
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.bodies import Body, Membership
from govern.policy import may_read_body
from govern.services import bodies as services
from govern.views.unit_of_work import settle

TAG = "Organer"


def body_summary(body: Body) -> s.BodySummary:
    return s.BodySummary(
        id=body.id,
        slug=body.slug,
        name=body.name,
        short_name=body.short_name,
        kind=body.kind,
        status=body.status,
        external=body.external,
        version=body.version,
        url=url_for("api.get_body", slug=body.slug, _external=True),
    )


def membership_out(m: Membership) -> s.MembershipOut:
    return s.MembershipOut(
        id=m.id,
        body=m.body.slug,
        person=s.PersonRef(
            id=m.person.id,
            name=m.person.name,
            organisation=m.person.organisation.name if m.person.organisation else None,
        ),
        role=m.role,
        from_=m.starts_on,
        to=m.ends_on,
        deputy_for=m.deputy_for.name if m.deputy_for else None,
        deputy_for_id=m.deputy_for_id,
        url=url_for("api.get_membership", membership_id=m.id, _external=True),
    )


def body_detail(body: Body) -> s.BodyDetail:
    return s.BodyDetail(
        **body_summary(body).model_dump(),
        mandate=body.mandate,
        minutes_approved_when=body.minutes_approved_when,
        document_language=body.document_language,
        escalates_to=body.escalates_to.slug if body.escalates_to else None,
        escalates_to_id=body.escalates_to_id,
        members=[membership_out(m) for m in sorted(body.memberships, key=lambda m: m.id)],
        meetings_url=url_for("api.list_body_meetings", slug=body.slug, _external=True),
    )


def body_or_404(slug: str) -> Body:
    body = queries.body_by_slug(db.session, slug)
    # A members-only body is not revealed to those who may not read it (as its page).
    if body is None or not may_read_body(current_user, body):
        raise ApiProblem(404, _("Organet «%(slug)s» finnes ikke.", slug=slug))
    return body


@api_operation(
    "GET", "/bodies", tag=TAG, summary="Organer", query=s.BodyQuery, response=s.Page[s.BodySummary]
)
def list_bodies(query: s.BodyQuery):
    """Alle organer, interne først, etter navn. Filtre: `kind`, `external`."""
    # Every body is listed, as on /bodies (a members-only body's name is public); what
    # is in it (members, mandate, meetings) only for its readers (body_or_404).
    stmt = select(Body).order_by(Body.external, Body.name, Body.id)
    if query.kind is not None:
        stmt = stmt.where(Body.kind == query.kind)
    if query.external is not None:
        stmt = stmt.where(Body.external.is_(query.external))
    return s.Page[s.BodySummary](**page_of(stmt, query, body_summary))


@api_operation(
    "GET", "/bodies/<slug>", tag=TAG, summary="Ett organ", response=s.BodyDetail, errors=(404,)
)
def get_body(slug: str):
    """Organet med mandat, eskalering og medlemmer."""
    return body_detail(body_or_404(slug))


@api_operation(
    "POST",
    "/bodies",
    tag=TAG,
    summary="Opprett organ",
    body=s.BodyCreate,
    response=s.BodyDetail,
    status=201,
    errors=(409,),
)
def create_body(data: s.BodyCreate):
    """Bare for administratorer. Adressen (`slug`) kan ikke endres senere."""
    require_api("admin")
    fields = data.model_dump(exclude={"escalates_to_id"})
    body = services.register_body(
        db.session, current_user, services.BodyInput(**fields), data.escalates_to_id
    )
    settle()
    return body_detail(body)


@api_operation(
    "PUT",
    "/bodies/<slug>",
    tag=TAG,
    summary="Endre organ",
    body=s.BodyUpdate,
    response=s.BodyDetail,
    errors=(404, 409),
)
def update_body(slug: str, data: s.BodyUpdate):
    """Bare for administratorer. `version` må være den du leste; ellers 409."""
    body = body_or_404(slug)
    require_api("admin")
    fields = data.model_dump(exclude={"version"})
    fields["minutes_approved_when"] = data.minutes_approved_when or body.minutes_approved_when
    services.update_body(
        db.session, current_user, body, services.BodyUpdate(**fields), data.version
    )
    settle()
    return body_detail(body)


def load_memberships(stmt):
    return stmt.options(selectinload(Membership.person), selectinload(Membership.deputy_for))
