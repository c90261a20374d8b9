"""Habilitet in a case: a member declares inhabilitet; the secretariat decides or records it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from govern.extensions import db
from govern.forms.recusals import NONE, DecideRecusalForm, DeclareRecusalForm, RecordRecusalForm
from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.models.recusals import RECUSAL_BASES, Recusal
from govern.policy import SEATED_ROLES
from govern.presentation import active_members
from govern.services import recusals
from govern.views.guard import allowed, refuse, require
from govern.views.unit_of_work import attempt

bp = Blueprint("recusals", __name__, template_folder="../../templates")


def _treatment_or_404(treatment_id: int) -> Treatment:
    """A treatment on a meeting the reader may read, for its members and secretariat."""
    treatment = db.session.scalar(
        select(Treatment)
        .where(Treatment.id == treatment_id)
        .options(
            joinedload(Treatment.case),
            joinedload(Treatment.meeting).selectinload(Meeting.days),
            joinedload(Treatment.body).selectinload(Body.memberships),
            selectinload(Treatment.recusals).joinedload(Recusal.person),
        )
    )
    if treatment is None or treatment.meeting is None:
        abort(404)
    require("read", treatment.meeting)
    if not (allowed("declare_recusal", treatment) or allowed("prepare", treatment.meeting)):
        refuse()
    return treatment


def _recusal_or_404(recusal_id: int) -> Recusal:
    recusal = db.session.get(Recusal, recusal_id) or abort(404)
    _treatment_or_404(recusal.treatment_id)
    return recusal


def _page_url(treatment: Treatment) -> str:
    return url_for("recusals.treatment_recusals", treatment_id=treatment.id)


def _record_form(treatment: Treatment, form: RecordRecusalForm | None = None):
    form = form or RecordRecusalForm(formdata=None)
    seated = active_members(treatment.body, treatment.meeting.first_date, tuple(SEATED_ROLES))
    people = {m.person.id: m.person for m in seated}
    form.person_id.choices = [(NONE, _("Velg medlem"))] + [
        (p.id, p.label) for p in sorted(people.values(), key=lambda p: (p.name, p.id))
    ]
    return form


def _page(treatment: Treatment, status: int = 200, declare=None, record=None, decide=None):
    person_id = current_user.person_id if current_user.is_authenticated else None
    mine = next((r for r in treatment.recusals if r.person_id == person_id), None)
    secretariat = allowed("prepare", treatment.meeting)
    return render_template(
        "recusals/treatment.html",
        treatment=treatment,
        meeting=treatment.meeting,
        mine=mine,
        secretariat=secretariat,
        may_declare=allowed("declare_recusal", treatment),
        declare=declare or DeclareRecusalForm(formdata=None),
        record=_record_form(treatment, record) if secretariat else None,
        decide=decide or DecideRecusalForm(formdata=None),
        bases=RECUSAL_BASES,
    ), status


@bp.get("/treatments/<int:treatment_id>/habilitet")
def treatment_recusals(treatment_id: int):
    return _page(_treatment_or_404(treatment_id))


@bp.post("/treatments/<int:treatment_id>/habilitet")
def declare(treatment_id: int):
    treatment = _treatment_or_404(treatment_id)
    if not allowed("declare_recusal", treatment):
        refuse()
    form = DeclareRecusalForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: recusals.declare_recusal(db.session, current_user, treatment, form.to_input()),
            form,
            at="basis",
        )
        if done.ok:
            flash(
                _("Du har meldt deg inhabil i sak %(number)s.", number=treatment.number), "success"
            )
            return redirect(_page_url(treatment))
    return _page(_treatment_or_404(treatment_id), 400, declare=form)


@bp.post("/treatments/<int:treatment_id>/habilitet/registrer")
def record(treatment_id: int):
    treatment = _treatment_or_404(treatment_id)
    require("prepare", treatment.meeting)
    form = _record_form(treatment, RecordRecusalForm())
    if form.validate_on_submit():
        done = attempt(
            lambda: recusals.record_recusal(
                db.session, current_user, treatment, form.person_id.data, form.to_input()
            ),
            form,
            at="person_id",
        )
        if done.ok:
            flash(_("%(name)s er registrert som inhabil.", name=done.value.person.name), "success")
            return redirect(_page_url(treatment))
    return _page(_treatment_or_404(treatment_id), 400, record=form)


@bp.post("/recusals/<int:recusal_id>/avgjor")
def decide(recusal_id: int):
    recusal = _recusal_or_404(recusal_id)
    treatment = recusal.treatment
    require("prepare", treatment.meeting)
    form = DecideRecusalForm()
    if form.validate_on_submit():
        inhabil = form.decision.data == "inhabil"
        done = attempt(
            lambda: recusals.decide_recusal(
                db.session, current_user, recusal, inhabil, form.note.data or ""
            ),
            form,
            at="note",
        )
        if done.ok:
            names = {"name": recusal.person.name, "number": treatment.number}
            message = (
                _("%(name)s er funnet inhabil i sak %(number)s.", **names)
                if inhabil
                else _("%(name)s er funnet habil i sak %(number)s.", **names)
            )
            flash(message, "success")
            return redirect(_page_url(treatment))
    form.recusal_id.data = recusal_id
    return _page(_treatment_or_404(treatment.id), 400, decide=form)


@bp.post("/recusals/<int:recusal_id>/trekk")
def withdraw(recusal_id: int):
    recusal = _recusal_or_404(recusal_id)
    treatment = recusal.treatment
    if not (allowed("prepare", treatment.meeting) or recusal.person_id == current_user.person_id):
        refuse()  # a member withdraws only his or her own
    done = attempt(lambda: recusals.withdraw_recusal(db.session, current_user, recusal))
    if done.ok:
        flash(
            _("Habilitetsvurderingen i sak %(number)s er trukket.", number=treatment.number),
            "success",
        )
    return redirect(_page_url(treatment))
