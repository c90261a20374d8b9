"""Treatments (a case on one body's agenda), their texts and decisions, and the decision
register (/decisions, the same query and visibility as the /vedtak page).

Texts are changed with the agenda page's agenda.update_case_item, decisions with the minutes
page's minutes.record_minutes: locked (approved) minutes refuse with 409, as on the web.
"""

from __future__ import annotations

from datetime import date

from flask import request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from govern import queries
from govern.api import schemas as s
from govern.api import schemas_decisions as d
from govern.api.cases import _visible_case, treatment_out
from govern.api.common import page_of, require_api
from govern.api.errors import ApiProblem, need_token
from govern.api.registry import api_operation
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.followups import FollowUp
from govern.openness import shown_title
from govern.policy import can, may_link, visible_treatment_filter
from govern.services import agenda, change_outcomes, minutes, register
from govern.services import cases as case_services
from govern.services.cases import ExternalTreatmentInput
from govern.views.unit_of_work import settle

TAG = "Behandlinger og vedtak"


def follow_up_out(f: FollowUp, today: date | None = None) -> d.FollowUpOut:
    t = f.treatment
    return d.FollowUpOut(
        id=f.id,
        treatment_id=f.treatment_id,
        case_number=t.number,
        body=t.body.slug,
        title=f.title or "",
        status=f.status,
        organisation_id=f.organisation_id,
        organisation=f.organisation.name if f.organisation else None,
        person_id=f.person_id,
        person=f.person.name if f.person else None,
        responsible=f.responsible or "",
        responsible_text=f.responsible_text,
        due_on=f.due_on,
        overdue=f.is_overdue(today or date.today()),
        notes=f.notes or "",
        closed_at=f.closed_at,
        version=f.version,
        url=url_for("api.get_follow_up", follow_up_id=f.id, _external=True),
    )


def minutes_readable(t: Treatment) -> bool:
    return t.meeting is None or can(current_user, "read_minutes", t.meeting)


def treatment_detail(t: Treatment) -> d.TreatmentDetail:
    readable = minutes_readable(t)
    return d.TreatmentDetail(
        **treatment_out(t, readable).model_dump(),
        version=t.version,
        meeting_number=t.meeting.number if t.meeting else None,
        case_title=shown_title(current_user, t.case),
        minutes_readable=readable,
        url=url_for("api.get_treatment", treatment_id=t.id, _external=True),
        follow_ups_url=url_for("api.list_follow_ups", treatment_id=t.id, _external=True),
    )


def readable_treatment(treatment_id: int) -> Treatment:
    """The treatment, or 404 where its meeting may not be read (drafts)."""
    t = queries.treatment_full(db.session, treatment_id)
    if t is None or (t.meeting is not None and not can(current_user, "read", t.meeting)):
        raise ApiProblem(404, _("Behandlingen finnes ikke."))
    return t


def decided_treatment(treatment_id: int) -> Treatment:
    """A treatment whose decision the caller may read (as the /vedtak/<id> page)."""
    t = readable_treatment(treatment_id)
    if not minutes_readable(t):
        raise ApiProblem(404, _("Vedtaket finnes ikke eller er ikke offentlig ennå."))
    return t


@api_operation(
    "GET",
    "/treatments",
    tag=TAG,
    summary="Behandlinger",
    query=d.TreatmentQuery,
    response=s.Page[d.TreatmentDetail],
)
def list_treatments(query: d.TreatmentQuery):
    """Nyeste saksnummer først. Filtre: `body`, `year`, `sakstype`, `meeting_id`."""
    stmt = (
        select(Treatment)
        .outerjoin(Treatment.meeting)
        .where(visible_treatment_filter(current_user))
        .options(
            joinedload(Treatment.body),
            joinedload(Treatment.case),
            selectinload(Treatment.inputs),
        )
        .order_by(Treatment.year.desc(), Treatment.seq.desc(), Treatment.id.desc())
    )
    if query.body is not None:
        stmt = stmt.where(Treatment.body.has(Body.slug == query.body))
    if query.year is not None:
        stmt = stmt.where(Treatment.year == query.year)
    if query.sakstype is not None:
        stmt = stmt.where(Treatment.sakstype == query.sakstype)
    if query.meeting_id is not None:
        stmt = stmt.where(Treatment.meeting_id == query.meeting_id)
    return s.Page[d.TreatmentDetail](**page_of(stmt, query, treatment_detail))


@api_operation(
    "GET",
    "/treatments/<int:treatment_id>",
    tag=TAG,
    summary="Én behandling",
    response=d.TreatmentDetail,
    errors=(404,),
)
def get_treatment(treatment_id: int):
    """Innledning, innspill og vedtak bare der referatet kan leses (`minutes_readable`)."""
    return treatment_detail(readable_treatment(treatment_id))


def _prepared_treatment(treatment_id: int) -> Treatment:
    t = readable_treatment(treatment_id)
    if t.meeting is None:
        require_api("prepare", t.body)
        raise ApiProblem(
            409,
            _(
                "Behandlingen er registrert uten møte i govern; endre den under "
                "/cases/{case_id}/external-treatments."
            ),
        )
    require_api("prepare", t.meeting)
    return t


@api_operation(
    "PUT",
    "/treatments/<int:treatment_id>",
    tag=TAG,
    summary="Endre sakens tekster",
    body=d.TreatmentUpdate,
    response=d.TreatmentDetail,
    errors=(404, 409),
)
def update_treatment(treatment_id: int, data: d.TreatmentUpdate):
    """Tittel, sakstype, sammendrag, forslag til vedtak og innleder, som på dagsordensiden.
    `version` som lest; ellers 409. Låst når referatet er godkjent (409)."""
    t = _prepared_treatment(treatment_id)
    item = t.agenda_item
    agenda.update_case_item(
        db.session,
        item,
        agenda.CaseEdit(
            title=data.title,
            sakstype=data.sakstype,
            item_version=item.version,
            treatment_version=data.version,
            summary=data.summary,
            proposed_decision=data.proposed_decision,
            presenter=data.presenter,
            duration_minutes=item.duration_minutes,
            start_time=item.start_time,
        ),
        current_user,
    )
    settle()
    return treatment_detail(readable_treatment(treatment_id))


@api_operation(
    "PUT",
    "/treatments/<int:treatment_id>/decision",
    tag=TAG,
    summary="Før referat og vedtak",
    body=d.DecisionIn,
    response=d.TreatmentDetail,
    errors=(404, 409),
)
def set_decision(treatment_id: int, data: d.DecisionIn):
    """Som referatsiden: vedtak kreves når møtet er gjennomført (unntatt Eventuelt). Et vedtak
    på godkjenningssaken godkjenner ikke forrige referat alene: det godkjennes når møtet merkes
    som gjennomført eller referatet sendes, etter organets regel (`minutes_postponed: true`
    utsetter godkjenningen). Godkjent referat er låst (409).
    For et eskalert endringsønske kan utfallet (`change_outcome`) føres sammen med vedtaket."""
    t = _prepared_treatment(treatment_id)
    given = minutes.MinutesInput(
        version=data.version,
        presentation=data.presentation,
        inputs=tuple(data.input),
        decision=data.decision,
        postponed=data.minutes_postponed,
    )
    if data.change_outcome is None:
        minutes.record_minutes(db.session, current_user, t, given)
    else:
        escalated = change_outcomes.links_of(db.session, [t.id]).escalation_of(t)
        if escalated is None:
            detail = _("Saken er ikke et eskalert endringsønske; utelat «change_outcome».")
            raise ApiProblem(422, detail, errors=[{"field": "change_outcome", "detail": detail}])
        change_outcomes.record_escalated_minutes(
            db.session,
            current_user,
            t,
            given,
            escalated,
            data.change_outcome,
            data.change_outcome_reason,
        )
    settle()
    return treatment_detail(readable_treatment(treatment_id))


def decision_out(row: register.RegisterRow, today: date) -> d.DecisionOut:
    t = row.treatment
    return d.DecisionOut(
        treatment_id=t.id,
        case_id=t.case_id,
        case_number=t.number,
        body=t.body.slug,
        meeting_id=t.meeting_id,
        meeting_number=t.meeting.number if t.meeting else None,
        date=t.date,
        sakstype=t.sakstype,
        title=row.title,
        decision=row.held_back or t.decision,
        follow_ups=[] if row.held_back else [follow_up_out(f, today) for f in row.follow_ups],
        url=url_for("api.get_treatment", treatment_id=t.id, _external=True),
    )


@api_operation(
    "GET",
    "/decisions",
    tag=TAG,
    summary="Vedtaksregisteret",
    query=d.DecisionQuery,
    response=s.Page[d.DecisionOut],
)
def list_decisions(query: d.DecisionQuery):
    """Alle vedtak du kan lese, nyeste først, med oppfølging. Filtre som på /vedtak: `body`,
    `year`, `sakstype`, `follow_up` (status, «forfalt», «ingen»)."""
    today = date.today()
    wanted = register.RegisterFilter(
        body=query.body or "",
        year=query.year,
        sakstype=query.sakstype or "",
        follow_up=query.follow_up or "",
    )
    page = register.register_page(
        db.session, current_user, wanted, query.page, today, per_page=query.per_page
    )
    following = None
    if page.page < page.pages:
        args = {**request.args.to_dict(), "page": page.page + 1}
        following = url_for(request.endpoint, **args, _external=True)
    return s.Page[d.DecisionOut](
        items=[decision_out(r, today) for r in page.rows],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
        next=following,
    )


# -- external treatments, registered by hand as on the case page ------------------------------


def _case_history_for_linking(case_id: int) -> tuple[Case, list[Treatment]]:
    """The case and the history the caller sees; 403 unless they may link it (the case page's
    rule: the secretariat of a body in its history, or an administrator)."""
    case, history = _visible_case(case_id)
    if not current_user.is_authenticated:
        raise need_token()
    if not may_link(current_user, history):
        raise ApiProblem(
            403, _("Bare sekretariatet til et organ i sakens historikk kan gjøre dette.")
        )
    return case, history


def _external_body(slug: str) -> Body:
    body = db.session.scalar(select(Body).where(Body.slug == slug))
    if body is None:
        detail = _("Organet «%(slug)s» finnes ikke.", slug=slug)
        raise ApiProblem(422, detail, errors=[{"field": "body", "detail": detail}])
    return body


def _external_input(data: d.ExternalTreatmentIn) -> ExternalTreatmentInput:
    return ExternalTreatmentInput(
        number=data.number,
        decided_on=data.decided_on,
        title=data.title,
        sakstype=data.sakstype,
        decision=data.decision,
    )


def _external_of(case_id: int, treatment_id: int) -> Treatment:
    _case, history = _case_history_for_linking(case_id)
    found = next((t for t in history if t.id == treatment_id and t.meeting_id is None), None)
    if found is None:
        raise ApiProblem(404, _("Saken har ingen slik ekstern behandling."))
    return found


@api_operation(
    "POST",
    "/cases/<int:case_id>/external-treatments",
    tag=TAG,
    summary="Registrer behandling i eksternt organ",
    body=d.ExternalTreatmentIn,
    response=d.TreatmentDetail,
    status=201,
    errors=(404, 409),
)
def create_external_treatment(case_id: int, data: d.ExternalTreatmentIn):
    """Som «Registrer behandling» på sakssiden: organet må være eksternt, nummeret ledig i
    organet det året, og året må passe med datoen. Tas med i toppnotatets historikk."""
    case, _history = _case_history_for_linking(case_id)
    body = _external_body(data.body)
    treatment = case_services.add_external_treatment(
        db.session, case, body, _external_input(data), current_user
    )
    settle()
    return treatment_detail(readable_treatment(treatment.id))


@api_operation(
    "PUT",
    "/cases/<int:case_id>/external-treatments/<int:treatment_id>",
    tag=TAG,
    summary="Endre behandling i eksternt organ",
    body=d.ExternalTreatmentUpdate,
    response=d.TreatmentDetail,
    errors=(404, 409),
)
def update_external_treatment(case_id: int, treatment_id: int, data: d.ExternalTreatmentUpdate):
    """Samme regler som ved registrering; `version` som lest, ellers 409."""
    treatment = _external_of(case_id, treatment_id)
    body = _external_body(data.body)
    case_services.update_external_treatment(
        db.session, treatment, body, _external_input(data), current_user, data.version
    )
    settle()
    return treatment_detail(readable_treatment(treatment_id))


@api_operation(
    "DELETE",
    "/cases/<int:case_id>/external-treatments/<int:treatment_id>",
    tag=TAG,
    summary="Slett behandling i eksternt organ",
    response=d.Deleted,
    errors=(404, 409),
)
def delete_external_treatment(case_id: int, treatment_id: int):
    """Ikke en behandling med oppfølging (409): slett oppfølgingen først."""
    treatment = _external_of(case_id, treatment_id)
    case_services.delete_external_treatment(db.session, treatment, current_user)
    settle()
    return d.Deleted(id=treatment_id)
