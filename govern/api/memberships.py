"""Memberships: a body's members, and changes by the body's secretariat or an admin."""

from __future__ import annotations

from datetime import date

from flask_login import current_user
from sqlalchemy import or_, select

from govern.api import schemas as s
from govern.api.bodies import body_or_404, load_memberships, membership_out
from govern.api.common import get_or_404, page_of, require_api
from govern.api.registry import api_operation
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.bodies import Membership
from govern.services import memberships
from govern.views.unit_of_work import settle

TAG = "Medlemskap"


@api_operation(
    "GET",
    "/bodies/<slug>/memberships",
    tag=TAG,
    summary="Et organs medlemskap",
    query=s.MembershipQuery,
    response=s.Page[s.MembershipOut],
    errors=(404,),
)
def list_memberships(slug: str, query: s.MembershipQuery):
    """Medlemskapene i organet (også avsluttede). Filtre: `active_on`, `role`."""
    body = body_or_404(slug)
    stmt = load_memberships(select(Membership).where(Membership.body_id == body.id))
    if query.role is not None:
        stmt = stmt.where(Membership.role == query.role)
    if query.active_on is not None:
        day = query.active_on
        stmt = stmt.where(
            or_(Membership.starts_on.is_(None), Membership.starts_on <= day),
            or_(Membership.ends_on.is_(None), Membership.ends_on >= day),
        )
    stmt = stmt.order_by(Membership.id)
    return s.Page[s.MembershipOut](**page_of(stmt, query, membership_out))


@api_operation(
    "GET",
    "/memberships/<int:membership_id>",
    tag=TAG,
    summary="Ett medlemskap",
    response=s.MembershipOut,
    errors=(404,),
)
def get_membership(membership_id: int):
    return membership_out(get_or_404(Membership, membership_id, _("Medlemskapet finnes ikke.")))


@api_operation(
    "POST",
    "/bodies/<slug>/memberships",
    tag=TAG,
    summary="Nytt medlemskap",
    body=s.MembershipCreate,
    response=s.MembershipOut,
    status=201,
    errors=(404, 409),
)
def create_membership(slug: str, data: s.MembershipCreate):
    """For organets sekretariat og administratorer. Personen må være registrert (se /people)."""
    body = body_or_404(slug)
    require_api("prepare", body)
    membership = memberships.add_member(
        db.session, current_user, body, memberships.MemberInput(**data.model_dump())
    )
    settle()
    return membership_out(membership)


@api_operation(
    "PUT",
    "/memberships/<int:membership_id>",
    tag=TAG,
    summary="Endre medlemskap",
    body=s.MembershipUpdate,
    response=s.MembershipOut,
    errors=(404, 409),
)
def update_membership(membership_id: int, data: s.MembershipUpdate):
    """Rolle, periode og hvem en vara stiller for."""
    membership = get_or_404(Membership, membership_id, _("Medlemskapet finnes ikke."))
    require_api("prepare", membership.body)
    memberships.update_membership(
        db.session, current_user, membership, memberships.MembershipUpdate(**data.model_dump())
    )
    settle()
    return membership_out(membership)


@api_operation(
    "DELETE",
    "/memberships/<int:membership_id>",
    tag=TAG,
    summary="Avslutt medlemskap",
    response=s.MembershipOut,
    errors=(404, 409),
)
def end_membership(membership_id: int):
    """Avslutter medlemskapet med dagen i dag som siste dag (historikken beholdes)."""
    membership = get_or_404(Membership, membership_id, _("Medlemskapet finnes ikke."))
    require_api("prepare", membership.body)
    memberships.end_membership(db.session, current_user, membership, date.today())
    settle()
    return membership_out(membership)
