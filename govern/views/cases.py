"""The case page: its path through the council model, and linking it to earlier treatments."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from govern import queries
from govern.cache.pages import cached_page
from govern.extensions import db
from govern.forms.cases import NONE, ExternalTreatmentForm, FindTreatmentForm
from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.meetings import AgendaItem, Meeting
from govern.policy import may_link, visible_treatments
from govern.services import cases as case_service
from govern.services import change_outcomes
from govern.views.guard import require
from govern.views.unit_of_work import attempt

bp = Blueprint("cases", __name__, template_folder="../../templates")


def _history(case_id: int) -> tuple[Case, list[Treatment]]:
    """The case and its history, the cases it continues loaded together in a fixed number
    of queries however long the chain."""
    chain = select(Case.id, Case.follows_id).where(Case.id == case_id).cte(recursive=True)
    chain = chain.union(select(Case.id, Case.follows_id).join(chain, Case.id == chain.c.follows_id))
    cases = db.session.scalars(
        select(Case)
        .where(Case.id.in_(select(chain.c.id)))
        .options(
            selectinload(Case.treatments).options(
                joinedload(Treatment.body),
                joinedload(Treatment.meeting).selectinload(Meeting.days),
                joinedload(Treatment.agenda_item).joinedload(AgendaItem.day),
            )
        )
    ).all()
    case = next((c for c in cases if c.id == case_id), None) or abort(404)
    return case, queries.treatments_in_order(case)


def _linkable(case_id: int) -> tuple[Case, list[Treatment]]:
    """The case and its history, for someone who may link it (else login, 403 or 404)."""
    case, history = _history(case_id)
    if not history:
        abort(404)
    if not may_link(current_user, history):
        require("admin")
    return case, history


@bp.get("/cases/<int:case_id>")
@cached_page(args=("fra",))
def view_case(case_id: int):
    case, history = _history(case_id)
    treatments = visible_treatments(current_user, history)
    if not any(t.case_id == case.id for t in treatments):
        abort(404)  # a case only on drafts' agendas is not revealed by its earlier history
    came_from = request.args.get("fra", type=int)
    return render_template(
        "cases/view.html",
        case=case,
        treatments=treatments,
        came_from=came_from,
        follows=case.follows if any(t.case is case.follows for t in treatments) else None,
        continued_in=case_service.continued_in(db.session, current_user, case),
        decision_pages="register.decision" in current_app.view_functions,
        may_link=may_link(current_user, history),
        search=FindTreatmentForm(formdata=None).set_choices(queries.body_list(db.session)),
        change_links=change_outcomes.links_of(db.session, [t.id for t in treatments]),
    )


@bp.get("/cases/<int:case_id>/tidligere")
def find_earlier(case_id: int):
    case, _history_ = _linkable(case_id)
    form = FindTreatmentForm(request.args).set_choices(queries.body_list(db.session))
    found = None
    if form.q.data and form.validate():
        found = case_service.find_treatments(
            db.session, current_user, form.q.data, form.body.data or None, exclude_case=case
        )
    return render_template("cases/find.html", case=case, form=form, found=found), (
        400 if form.errors else 200
    )


@bp.post("/cases/<int:case_id>/kobling")
def link_case(case_id: int):
    case, _history_ = _linkable(case_id)
    picked = db.session.get(Treatment, request.form.get("treatment_id", type=int) or 0)
    if picked is None or not visible_treatments(current_user, [picked]):
        abort(404)
    if not attempt(lambda: case_service.link_case(db.session, case, picked.case, current_user)).ok:
        return redirect(url_for(".find_earlier", case_id=case_id))
    flash(
        _(
            "Saken er koblet til %(number)s i %(body)s.",
            number=picked.number,
            body=picked.body.short_name,
        ),
        "success",
    )
    return redirect(url_for(".view_case", case_id=case_id, _anchor="historikk"))


@bp.post("/cases/<int:case_id>/kobling/fjern")
def unlink_case(case_id: int):
    case, _history_ = _linkable(case_id)
    if attempt(lambda: case_service.unlink_case(db.session, case, current_user)).ok:
        flash(_("Koblingen til den tidligere saken er fjernet."), "success")
    return redirect(url_for(".view_case", case_id=case_id, _anchor="historikk"))


# -- external treatments by hand ---------------------------------------------------------------


def _external_form(**kw) -> ExternalTreatmentForm:
    bodies = db.session.scalars(select(Body).where(Body.external).order_by(Body.short_name))
    return ExternalTreatmentForm(**kw).set_choices(list(bodies))


def _with_chosen_body(form: ExternalTreatmentForm, work) -> bool:
    """Run the service call with the chosen body; a refusal goes next to its field."""
    if form.body.data == NONE:
        form.body.errors = [*form.body.errors, _("Velg organet saken ble behandlet i.")]
        return False
    body = db.session.get(Body, form.body.data) or abort(400)
    return attempt(lambda: work(body), form, what=_("Behandlingen")).ok


def _form_page(case: Case, form: ExternalTreatmentForm, treatment: Treatment | None = None):
    status = 400 if form.errors else 200
    page = render_template("cases/external.html", case=case, form=form, treatment=treatment)
    return page, status


@bp.route("/cases/<int:case_id>/ekstern", methods=["GET", "POST"])
def add_external(case_id: int):
    case, _history_ = _linkable(case_id)
    form = _external_form(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        data = form.to_input()
        work = lambda body: case_service.add_external_treatment(  # noqa: E731
            db.session, case, body, data, current_user
        )
        if _with_chosen_body(form, work):
            flash(_("Behandlingen er registrert."), "success")
            return redirect(url_for(".view_case", case_id=case_id, _anchor="historikk"))
        case, _history_ = _history(case_id)
    return _form_page(case, form)


def _external_of(case: Case, history: list[Treatment], external_id: int) -> Treatment:
    """An external treatment in the case's history (404 otherwise)."""
    found = next((t for t in history if t.id == external_id and t.meeting_id is None), None)
    return found or abort(404)


@bp.route("/cases/<int:case_id>/ekstern/<int:external_id>", methods=["GET", "POST"])
def edit_external(case_id: int, external_id: int):
    case, history = _linkable(case_id)
    treatment = _external_of(case, history, external_id)
    if request.method == "GET":
        form = _external_form(formdata=None, data=ExternalTreatmentForm.values_of(treatment))
        return _form_page(case, form, treatment)
    form = _external_form(formdata=request.form)
    if form.validate():
        data, version = form.to_input(), form.version.data
        work = lambda body: case_service.update_external_treatment(  # noqa: E731
            db.session, treatment, body, data, current_user, version
        )
        if _with_chosen_body(form, work):
            flash(_("Behandlingen er lagret."), "success")
            return redirect(url_for(".view_case", case_id=case_id, _anchor="historikk"))
        case, history = _history(case_id)
    return _form_page(case, form, _external_of(case, history, external_id))


@bp.post("/cases/<int:case_id>/ekstern/<int:external_id>/slett")
def delete_external(case_id: int, external_id: int):
    case, history = _linkable(case_id)
    treatment = _external_of(case, history, external_id)
    number, body = treatment.number, treatment.body.short_name
    done = attempt(
        lambda: case_service.delete_external_treatment(db.session, treatment, current_user),
        what=_("Behandlingen"),
    )
    if not done.ok:
        return redirect(url_for(".edit_external", case_id=case_id, external_id=external_id))
    flash(_("Behandlingen %(number)s i %(body)s er slettet.", number=number, body=body), "success")
    return redirect(url_for(".view_case", case_id=case_id, _anchor="historikk"))
