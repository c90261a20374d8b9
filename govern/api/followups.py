"""Follow-ups (oppfølging) of decisions, with the decision page's service calls
(followups.add_follow_up, update_follow_up, delete_follow_up). They are visible where the
decision is; the body's secretariat changes them.
"""

from __future__ import annotations

from datetime import date

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from govern.api import schemas as s
from govern.api import schemas_decisions as d
from govern.api.common import page_of, require_api
from govern.api.errors import ApiProblem
from govern.api.registry import api_operation
from govern.api.treatments import decided_treatment, follow_up_out
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.followups import CLOSED_STATUSES, FollowUp
from govern.models.people import Person
from govern.openness import may_see_treatment, treatment_content_filter
from govern.policy import visible_decision_filter
from govern.services import followups as services
from govern.views.unit_of_work import settle

TAG = "Oppfølging"


def _input(data: d.FollowUpIn) -> services.FollowUpInput:
    return services.FollowUpInput(
        status=data.status,
        title=data.title,
        organisation_id=data.organisation_id,
        person_id=data.person_id,
        responsible=data.responsible,
        due_on=data.due_on,
        notes=data.notes,
    )


def _follow_up(follow_up_id: int) -> FollowUp:
    follow_up = services.follow_up_or_none(db.session, follow_up_id)
    if follow_up is None:
        raise ApiProblem(404, _("Oppfølgingen finnes ikke."))
    treatment = decided_treatment(follow_up.treatment_id)
    if not may_see_treatment(current_user, treatment):  # held back (govern.openness)
        raise ApiProblem(404, _("Oppfølgingen finnes ikke."))
    return follow_up


def _editable(follow_up_id: int) -> FollowUp:
    follow_up = _follow_up(follow_up_id)
    require_api("prepare", follow_up.treatment.body)
    return follow_up


@api_operation(
    "GET",
    "/follow-ups",
    tag=TAG,
    summary="Oppfølging av vedtak",
    query=d.FollowUpQuery,
    response=s.Page[d.FollowUpOut],
)
def list_follow_ups(query: d.FollowUpQuery):
    """Tidligste frist først. Filtre: `status` (eller «forfalt»), `body`, `treatment_id`,
    `due_before`, `due_after`."""
    today = date.today()
    stmt = (
        select(FollowUp)
        .join(FollowUp.treatment)
        .outerjoin(Treatment.meeting)
        .where(visible_decision_filter(current_user), treatment_content_filter(current_user))
        .options(
            joinedload(FollowUp.treatment).joinedload(Treatment.body),
            joinedload(FollowUp.organisation),
            joinedload(FollowUp.person).joinedload(Person.organisation),
        )
        .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.id)
    )
    if query.status == "forfalt":
        stmt = stmt.where(
            FollowUp.status.not_in(CLOSED_STATUSES),
            FollowUp.due_on.is_not(None),
            FollowUp.due_on < today,
        )
    elif query.status is not None:
        stmt = stmt.where(FollowUp.status == query.status)
    if query.body is not None:
        stmt = stmt.where(Treatment.body.has(Body.slug == query.body))
    if query.treatment_id is not None:
        stmt = stmt.where(FollowUp.treatment_id == query.treatment_id)
    if query.due_before is not None:
        stmt = stmt.where(FollowUp.due_on < query.due_before)
    if query.due_after is not None:
        stmt = stmt.where(FollowUp.due_on > query.due_after)
    return s.Page[d.FollowUpOut](**page_of(stmt, query, lambda f: follow_up_out(f, today)))


@api_operation(
    "GET",
    "/follow-ups/<int:follow_up_id>",
    tag=TAG,
    summary="Én oppfølging",
    response=d.FollowUpOut,
    errors=(404,),
)
def get_follow_up(follow_up_id: int):
    """Synlig der vedtaket kan leses."""
    return follow_up_out(_follow_up(follow_up_id))


@api_operation(
    "POST",
    "/treatments/<int:treatment_id>/follow-ups",
    tag=TAG,
    summary="Legg til oppfølging av et vedtak",
    body=d.FollowUpIn,
    response=d.FollowUpOut,
    status=201,
    errors=(404,),
)
def create_follow_up(treatment_id: int, data: d.FollowUpIn):
    """For organets sekretariat. Ansvarlig må oppgis (organisasjon, person eller tekst);
    fristen kan ikke være før vedtaket."""
    treatment = decided_treatment(treatment_id)
    require_api("prepare", treatment.body)
    follow_up = services.add_follow_up(db.session, treatment, _input(data), current_user)
    settle()
    return follow_up_out(_follow_up(follow_up.id))


@api_operation(
    "PUT",
    "/follow-ups/<int:follow_up_id>",
    tag=TAG,
    summary="Endre oppfølging",
    body=d.FollowUpUpdate,
    response=d.FollowUpOut,
    errors=(404, 409),
)
def update_follow_up(follow_up_id: int, data: d.FollowUpUpdate):
    """`version` som lest; ellers 409. Fullført/bortfalt setter `closed_at`."""
    follow_up = _editable(follow_up_id)
    services.update_follow_up(db.session, follow_up, _input(data), data.version, current_user)
    settle()
    return follow_up_out(_follow_up(follow_up_id))


@api_operation(
    "DELETE",
    "/follow-ups/<int:follow_up_id>",
    tag=TAG,
    summary="Slett oppfølging",
    query=d.VersionQuery,
    response=d.Deleted,
    errors=(404, 409),
)
def delete_follow_up(follow_up_id: int, query: d.VersionQuery):
    """`?version=` som lest; ellers 409."""
    follow_up = _editable(follow_up_id)
    services.delete_follow_up(db.session, follow_up, query.version, current_user)
    settle()
    return d.Deleted(id=follow_up_id)
