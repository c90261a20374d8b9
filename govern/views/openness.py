"""Openness (offentleglova) for the secretariat and the administrator: exempt a case from
public access (with a basis from the list and a public title) or lift it, treat an item in a
closed session, exempt a Vedlegg on its own; and the administrator's list of legal bases.
Who then sees what is decided by govern.openness."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from govern.extensions import db
from govern.forms.openness import NO_BASIS, BasisForm, CaseAccessForm, basis_choices
from govern.i18n import gettext as _
from govern.models.cases import Treatment
from govern.models.openness import ExemptionBasis
from govern.services import openness
from govern.services.errors import InvalidInput
from govern.views.guard import require
from govern.views.unit_of_work import attempt

bp = Blueprint("openness", __name__, template_folder="../../templates")


def _treatment_or_404(treatment_id: int) -> Treatment:
    """A treatment on a meeting, for its body's secretariat (or an administrator)."""
    treatment = db.session.get(Treatment, treatment_id)
    if treatment is None or treatment.meeting is None:
        abort(404)
    require("prepare", treatment.meeting)
    return treatment


def _values(t: Treatment) -> dict:
    case = t.case
    return {
        "exempt": bool(case.exempt_basis),
        "exempt_basis": case.exempt_basis or NO_BASIS,
        "public_title": case.public_title,
        "exempt_until": case.exempt_until,
        "closed": bool(t.closed_basis),
        "closed_basis": t.closed_basis or NO_BASIS,
    }


def _apply_access(t: Treatment, form: CaseAccessForm) -> None:
    """Everything on the page, or nothing: a refusal rolls all of it back."""
    if form.exempt.data:
        openness.mark_case_exempt(
            db.session,
            t.case,
            form.exempt_basis.data or None,
            form.public_title.data or "",
            form.exempt_until.data,
            current_user,
        )
    else:
        openness.lift_case_exemption(db.session, t.case, current_user)
    if form.closed.data and not form.closed_basis.data:
        raise InvalidInput(_("Velg hjemmelen for lukket behandling."), field="closed_basis")
    openness.set_item_closed(
        db.session, t, form.closed_basis.data if form.closed.data else None, current_user
    )
    for a in t.attachments:
        chosen = request.form.get(f"attachment-{a.id}", NO_BASIS)
        openness.set_attachment_exempt(db.session, a, chosen or None, current_user)


@bp.route("/treatments/<int:treatment_id>/offentlighet", methods=["GET", "POST"])
def case_access(treatment_id: int):
    t = _treatment_or_404(treatment_id)
    form = CaseAccessForm(data=_values(t))
    texts = [b.text for b in openness.bases(db.session)]
    form.exempt_basis.choices = basis_choices(texts, t.case.exempt_basis)
    form.closed_basis.choices = basis_choices(texts, t.closed_basis)
    if form.validate_on_submit():
        done = attempt(lambda: _apply_access(t, form), form, at="exempt_basis")
        if done.ok:
            flash(_("Tilgangen til sak %(number)s er lagret.", number=t.number), "success")
            return redirect(
                url_for(
                    "meetings.view_meeting",
                    meeting_id=t.meeting_id,
                    _anchor=f"sak-{t.seq}-{t.year}",
                )
            )
        t = _treatment_or_404(treatment_id)
    chosen = {
        a.id: request.form.get(f"attachment-{a.id}", a.exempt_basis or NO_BASIS)
        for a in t.attachments
    }
    html = render_template(
        "openness/case_access.html",
        t=t,
        form=form,
        texts=texts,
        chosen=chosen,
        attachment_choices={a.id: basis_choices(texts, a.exempt_basis) for a in t.attachments},
    )
    return html, 400 if form.errors else 200


# -- the administrator's list of legal bases ----------------------------------------------


@bp.route("/admin/skjermingshjemler", methods=["GET", "POST"])
def bases():
    require("admin")
    form = BasisForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: openness.add_basis(db.session, form.text.data, current_user), form, at="text"
        )
        if done.ok:
            flash(_("«%(text)s» er lagt til i listen.", text=done.value.text), "success")
            return redirect(url_for(".bases"))
    rows = openness.bases(db.session, active_only=False)
    return render_template("openness/bases.html", form=form, rows=rows), 400 if form.errors else 200


@bp.post("/admin/skjermingshjemler/<int:basis_id>")
def change_basis(basis_id: int):
    require("admin")
    basis = db.session.get(ExemptionBasis, basis_id) or abort(404)
    action = request.form.get("action", "")
    if action in ("retire", "restore"):
        attempt(
            lambda: openness.set_basis_active(db.session, basis, action == "restore", current_user)
        )
    elif action in ("up", "down"):
        attempt(lambda: openness.move_basis(db.session, basis, -1 if action == "up" else 1))
    else:
        abort(400)
    return redirect(url_for(".bases"))
