"""Cases: list, read with the treatments the caller may see, create and update.

A case is visible when one of its treatments is (an external treatment, or one on a meeting
the caller may read). Decisions and other minutes texts are blank where the minutes may not
be read, as on the case page. Cases are not deleted: they are the record.
"""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import and_, exists, false, func, or_, select

from govern import queries
from govern.api import schemas as s
from govern.api.common import page_of
from govern.api.errors import ApiProblem, need_token
from govern.api.registry import api_operation
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.openness import (
    DEFAULT_PUBLIC_TITLE,
    case_content_filter,
    held_back_text,
    shown_title,
)
from govern.policy import can, may_edit_cases, visible_treatment_exists, visible_treatments
from govern.presentation import treatment_texts
from govern.services import edits
from govern.services.cases import CaseInput
from govern.views.unit_of_work import settle

TAG = "Saker"


def shown_texts(t: Treatment, minutes: bool) -> dict:
    """A treatment's texts as the caller may see them: the minutes' texts blank where the
    minutes may not be read; where its content is held back (govern.openness) only what
    stands instead ("Unntatt offentlighet, <basis>", "Lukket behandling, <basis>") as the
    summary."""
    texts = treatment_texts(t)
    held = held_back_text(current_user, t)
    if held is not None:
        blank = {"proposed_decision": "", "presenter": "", "presentation": "", "decision": ""}
        return {**texts, **blank, "summary": held, "input": []}
    if not minutes:
        texts.update(presentation="", input=[], decision="")
    return texts


def treatment_out(t: Treatment, minutes: bool) -> s.TreatmentOut:
    return s.TreatmentOut(
        id=t.id,
        case_id=t.case_id,
        body=t.body.slug,
        meeting_id=t.meeting_id,
        case_number=t.number,
        title=shown_title(current_user, t),
        date=t.date,
        **shown_texts(t, minutes),
    )


def case_summary(case: Case) -> s.CaseSummary:
    return s.CaseSummary(
        id=case.id,
        key=case.key,
        title=shown_title(current_user, case),
        sakseier=case.sakseier,
        saksbehandler=case.saksbehandler,
        follows_id=case.follows_id,
        version=case.version,
        url=url_for("api.get_case", case_id=case.id, _external=True),
    )


def case_detail(case: Case, treatments: list[Treatment]) -> s.CaseDetail:
    return s.CaseDetail(
        **case_summary(case).model_dump(),
        treatments=[
            treatment_out(t, t.meeting is None or can(current_user, "read_minutes", t.meeting))
            for t in treatments
        ],
    )


def _visible_case(case_id: int) -> tuple[Case, list[Treatment]]:
    case = queries.case_full(db.session, case_id)
    if case is None:
        raise ApiProblem(404, _("Saken finnes ikke."))
    treatments = visible_treatments(current_user, queries.treatments_in_order(case))
    if not treatments and not (case.treatments == [] and may_edit_cases(current_user)):
        raise ApiProblem(404, _("Saken finnes ikke."))
    return case, treatments


@api_operation(
    "GET", "/cases", tag=TAG, summary="Saker", query=s.CaseQuery, response=s.Page[s.CaseSummary]
)
def list_cases(query: s.CaseQuery):
    """Nyeste først. Filtre: `q` (del av tittelen), `body` (organ), `year` (behandlingsår)."""
    clause = visible_treatment_exists(current_user)
    if query.body is not None:
        clause = and_(clause, Treatment.body.has(Body.slug == query.body))
    if query.year is not None:
        clause = and_(clause, Treatment.year == query.year)
    treated = exists(select(Treatment.id).where(Treatment.case_id == Case.id, clause))
    untreated = false()
    if may_edit_cases(current_user) and query.body is None and query.year is None:
        untreated = ~exists(select(Treatment.id).where(Treatment.case_id == Case.id))
    stmt = select(Case).where(or_(treated, untreated))
    if query.q:
        text = query.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # The full title only where the caller may see it; else the public title.
        pattern = f"%{text}%"
        public = func.coalesce(Case.public_title, DEFAULT_PUBLIC_TITLE)
        stmt = stmt.where(
            or_(
                and_(case_content_filter(current_user), Case.title.ilike(pattern, escape="\\")),
                and_(Case.exempt_basis.is_not(None), public.ilike(pattern, escape="\\")),
            )
        )
    stmt = stmt.order_by(Case.created_at.desc(), Case.id.desc())
    return s.Page[s.CaseSummary](**page_of(stmt, query, case_summary))


@api_operation(
    "GET",
    "/cases/<int:case_id>",
    tag=TAG,
    summary="Én sak med behandlinger",
    response=s.CaseDetail,
    errors=(404,),
)
def get_case(case_id: int):
    """Sakens vei gjennom rådsmodellen i datorekkefølge (også tidligere saker den viderefører)."""
    return case_detail(*_visible_case(case_id))


@api_operation(
    "POST",
    "/cases",
    tag=TAG,
    summary="Registrer sak",
    body=s.CaseCreate,
    response=s.CaseDetail,
    status=201,
    errors=(409,),
)
def create_case(data: s.CaseCreate):
    """For sekretariater og administratorer. Saken får saksnummer når den settes på et møte."""
    _require_case_editor()
    fields = data.model_dump(exclude={"follows_id"})
    case = edits.create_case_with_history(
        db.session, current_user, CaseInput(**fields), data.follows_id
    )
    settle()
    return case_detail(*_visible_case(case.id))


@api_operation(
    "PUT",
    "/cases/<int:case_id>",
    tag=TAG,
    summary="Endre sak",
    body=s.CaseUpdate,
    response=s.CaseDetail,
    errors=(404, 409),
)
def update_case(case_id: int, data: s.CaseUpdate):
    """Tittel, sakseier, saksbehandler og saken den viderefører. `version` som lest; ellers 409."""
    case, _history = _visible_case(case_id)
    if not _may_update(case):
        raise ApiProblem(403)
    fields = data.model_dump(exclude={"follows_id", "version"})
    edits.update_case(
        db.session, current_user, case, CaseInput(**fields), data.follows_id, data.version
    )
    settle()
    return case_detail(*_visible_case(case.id))


def _require_case_editor() -> None:
    if not current_user.is_authenticated:
        raise need_token()
    if not may_edit_cases(current_user):
        raise ApiProblem(403, _("Bare sekretariater og administratorer kan registrere saker."))


def _may_update(case: Case) -> bool:
    if current_user.is_admin:
        return True
    if not case.treatments:
        return may_edit_cases(current_user)
    return any(can(current_user, "prepare", t) for t in case.treatments)
