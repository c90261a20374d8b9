"""One change request: register, edit, status, rank, escalation and the produktråd's answer."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from govern.extensions import db
from govern.forms.base import choices
from govern.forms.changes import NONE, EscalateForm, OutcomeForm, RequestForm, StatusForm
from govern.i18n import gettext as _
from govern.models.changes import ChangeRequest
from govern.models.people import Organisation
from govern.services import change_decisions as decisions
from govern.services import change_outcomes, changes
from govern.views.changes.common import (
    WHAT,
    area_or_404,
    body_or_404,
    bp,
    meeting_choices,
    open_meetings,
    require_member,
    visible_events,
)
from govern.views.guard import require
from govern.views.unit_of_work import attempt


def _request_or_404(slug: str, request_id: int) -> ChangeRequest:
    found = db.session.get(ChangeRequest, request_id, options=[changes.history_options()])
    if found is None or found.area.body.slug != slug:
        abort(404)
    return found


def _request_form(formdata=..., **kw) -> RequestForm:
    form = RequestForm(**kw) if formdata is ... else RequestForm(formdata=formdata, **kw)
    form.set_organisations(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    return form


@bp.route("/bodies/<slug>/endringsonsker/ny", methods=["GET", "POST"])
def new_request(slug: str):
    body = body_or_404(slug)
    require("prepare", body)
    area = area_or_404(body)
    form = _request_form(year=__import__("datetime").date.today().year)
    if form.validate_on_submit():
        done = attempt(
            lambda: changes.create_request(db.session, area, form.to_input(), current_user),
            form,
            what=WHAT,
        )
        ok, created = done.ok, done.value
        if ok:
            flash(_("Endringsønske %(number)s er registrert.", number=created.number), "success")
            return redirect(url_for("changes.view_request", slug=slug, request_id=created.id))
    return render_template(
        "changes/request_form.html", body=body, area=area, form=form, item=None
    ), (400 if form.errors else 200)


@bp.route("/bodies/<slug>/endringsonsker/<int:request_id>/rediger", methods=["GET", "POST"])
def edit_request(slug: str, request_id: int):
    item = _request_or_404(slug, request_id)
    require("prepare", item.area.body)
    form = _request_form(obj=item)
    if request.method == "GET":
        form.organisation_id.data = item.organisation_id or NONE
    if form.validate_on_submit():
        done = attempt(
            lambda: changes.update_request(
                db.session, item, form.to_input(), form.version.data, current_user
            ),
            form,
            what=WHAT,
        )
        if done.ok:
            flash(_("%(number)s er lagret.", number=item.number), "success")
            return redirect(url_for("changes.view_request", slug=slug, request_id=item.id))
    return render_template(
        "changes/request_form.html", body=item.area.body, area=item.area, form=form, item=item
    ), (400 if form.errors else 200)


def _request_page(item, status_form=None, escalate_form=None, outcome_form=None):
    body = item.area.body
    status_form = status_form or StatusForm(formdata=None, status=item.status)
    status_form.release_id.choices = choices(
        [(NONE, _("– ingen –")), *((r.id, r.name) for r in item.area.releases)]
    )
    escalate_form = escalate_form or EscalateForm(formdata=None)
    target = body.escalates_to
    escalate_form.meeting_id.choices = meeting_choices(open_meetings(target) if target else [])
    escalate_form.meeting_id.choices[0].label = _("– neste planlagte møte –")
    outcome_form = outcome_form or OutcomeForm(formdata=None)
    forms = (status_form, escalate_form, outcome_form)
    escalation = item.escalation
    return render_template(
        "changes/request.html",
        body=body,
        area=item.area,
        item=item,
        events=visible_events(item),
        decided=change_outcomes.decided_outcome(item, escalation) if escalation else None,
        target=target,
        status_form=status_form,
        escalate_form=escalate_form,
        outcome_form=outcome_form,
    ), (400 if any(f.errors for f in forms) else 200)


@bp.get("/bodies/<slug>/endringsonsker/<int:request_id>")
def view_request(slug: str, request_id: int):
    item = _request_or_404(slug, request_id)
    require_member(item.area.body)
    return _request_page(item)


def _done(item, message: str):
    flash(message, "success")
    return redirect(url_for("changes.view_request", slug=item.area.body.slug, request_id=item.id))


@bp.post("/bodies/<slug>/endringsonsker/<int:request_id>/status")
def set_status(slug: str, request_id: int):
    item = _request_or_404(slug, request_id)
    require("prepare", item.area.body)
    form = StatusForm()
    form.release_id.choices = choices([(NONE, ""), *((r.id, r.name) for r in item.area.releases)])
    if form.validate():
        # One of the area's releases (validate() has checked the choice).
        release = next((r for r in item.area.releases if r.id == form.release_id.data), None)
        done = attempt(
            lambda: changes.set_status(
                db.session,
                item,
                form.status.data,
                release=release,
                reason=form.reason.data or "",
                note=form.note.data or "",
                actor=current_user,
            ),
            form,
            what=WHAT,
        )
        if done.ok:
            return _done(
                item,
                _(
                    "%(number)s er nå %(status)s.",
                    number=item.number,
                    status=item.status_label.lower(),
                ),
            )
    return _request_page(item, status_form=form)


@bp.post("/bodies/<slug>/endringsonsker/<int:request_id>/flytt")
def move_request(slug: str, request_id: int):
    item = _request_or_404(slug, request_id)
    require("prepare", item.area.body)
    step = -1 if request.form.get("direction") == "up" else 1
    attempt(lambda: changes.move_request(db.session, item, step, current_user), what=WHAT)
    return redirect(url_for("changes.backlog", slug=slug, year=item.year) + f"#ønske-{item.id}")


@bp.post("/bodies/<slug>/endringsonsker/<int:request_id>/eskaler")
def escalate(slug: str, request_id: int):
    item = _request_or_404(slug, request_id)
    require("prepare", item.area.body)
    target = item.area.body.escalates_to
    form = EscalateForm()
    form.meeting_id.choices = meeting_choices(open_meetings(target) if target else [])
    if form.validate():
        meeting = next((m for m in open_meetings(target) if m.id == form.meeting_id.data), None)
        done = attempt(
            lambda: decisions.escalate(db.session, item, meeting, form.reason.data, current_user),
            form,
            what=WHAT,
        )
        ok, treatment = done.ok, done.value
        if ok:
            return _done(
                item,
                _(
                    "%(number)s er eskalert som sak %(case)s.",
                    number=item.number,
                    case=treatment.number,
                ),
            )
    return _request_page(item, escalate_form=form)


@bp.post("/bodies/<slug>/endringsonsker/<int:request_id>/utfall")
def record_outcome(slug: str, request_id: int):
    item = _request_or_404(slug, request_id)
    require("prepare", item.area.body)
    form = OutcomeForm()
    if form.validate():
        done = attempt(
            lambda: decisions.record_escalation_outcome(
                db.session, item, form.outcome.data, form.reason.data or "", current_user
            ),
            form,
            what=WHAT,
        )
        if done.ok:
            return _done(item, _("Produktrådets vedtak er ført på %(number)s.", number=item.number))
    return _request_page(item, outcome_form=form)
