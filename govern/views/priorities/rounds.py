"""A body's prioritisation rounds, a round's result and where it goes (Word, a case's
Vedlegg, a case's forslag til vedtak or vedtak)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govern.domain.priority_scoring import CRITERIA, PHASE_NAMES, points_text
from govern.exports.docx_common import safe_filename
from govern.exports.priority_docx import build_priority_table
from govern.extensions import db
from govern.forms.priorities import (
    PICK_CASE,
    AttachForm,
    DecisionForm,
    RoundForm,
    StatusForm,
)
from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.priorities import CRITERION_LABELS, PrioritisationRound
from govern.policy import can
from govern.services import priorities
from govern.services.attachments import UploadInput, add_attachment
from govern.services.priority_decisions import write_ranking
from govern.services.priority_import import score_template
from govern.services.priority_participants import participants
from govern.views.documents import send_document
from govern.views.guard import require
from govern.views.priorities.common import XLSX, body_or_404, bp, round_or_404
from govern.views.unit_of_work import attempt
from govern.views.uploads import keep_or_remove, meeting_total_limit, upload_dir


@bp.route("/bodies/<slug>/prioriteringer", methods=["GET", "POST"])
def body_rounds(slug: str):
    body = body_or_404(slug)
    require("read", body)
    form = RoundForm()
    status = 200
    if form.is_submitted():
        require("prepare", body)
        status = 400
        if form.validate():
            done = attempt(
                lambda: priorities.create_round(
                    db.session, body, form.to_input(), actor=current_user
                ),
                form,
            )
            round_, status = done.value, done.status
            if status is None:
                flash(_("Prioriteringsrunden er opprettet."), "success")
                return redirect(url_for("priorities.view_round", round_id=round_.id))
    rounds = db.session.scalars(
        select(PrioritisationRound)
        .where(PrioritisationRound.body_id == body.id)
        .options(selectinload(PrioritisationRound.measures))
        .order_by(PrioritisationRound.year.desc(), PrioritisationRound.id.desc())
    ).all()
    return render_template("priorities/rounds.html", body=body, rounds=rounds, form=form), status


def _bars(ranked) -> Markup:
    """A horizontal bar per measure, 0–30 points, as inline SVG."""
    height = 24 * len(ranked) + 10
    parts = [
        f'<svg class="priority-bars" role="img" aria-label="{Markup.escape(_("Totalpoeng per tiltak"))}" '
        f'viewBox="0 0 640 {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, row in enumerate(ranked):
        y = 5 + 24 * index
        width = round(row.total / 30 * 440, 1)
        parts.append(
            f'<text x="70" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{Markup.escape(row.code)}</text>"
            f'<rect x="78" y="{y}" width="{width}" height="18" fill="#2a6ebb"></rect>'
            f'<text x="{84 + width}" y="{y + 14}" font-size="12">{points_text(row.total)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _treatments(body: Body) -> list[Treatment]:
    """The body's latest cases on meetings: where the result can go."""
    return list(
        db.session.scalars(
            select(Treatment)
            .where(Treatment.body_id == body.id, Treatment.meeting_id.is_not(None))
            .options(selectinload(Treatment.case), selectinload(Treatment.meeting))
            .order_by(Treatment.year.desc(), Treatment.seq.desc())
            .limit(60)
        )
    )


def _round_page(round_, status: int = 200, **bound):
    """The round's page; `bound` holds a form that was posted (with its errors)."""
    result = priorities.result(db.session, round_)
    may_prepare = can(current_user, "prepare", round_.body)
    treatments = _treatments(round_.body) if may_prepare else []
    forms = {
        "status_form": StatusForm(formdata=None),
        "attach_form": AttachForm(formdata=None),
        "decision_form": DecisionForm(formdata=None),
        **bound,
    }
    forms["attach_form"].set_treatments(treatments)
    forms["decision_form"].set_treatments(treatments)
    page = render_template(
        "priorities/round.html",
        round=round_,
        result=result,
        bars=_bars(result.ranked),
        criteria=CRITERIA,
        labels=CRITERION_LABELS,
        points=points_text,
        phases=PHASE_NAMES,
        participants=participants(db.session, round_),
        may_prepare=may_prepare,
        treatments=treatments,
        **forms,
    )
    return page, status


@bp.get("/prioriteringer/<int:round_id>")
def view_round(round_id: int):
    return _round_page(round_or_404(round_id))


@bp.post("/prioriteringer/<int:round_id>/status")
def set_status(round_id: int):
    round_ = round_or_404(round_id)
    require("prepare", round_.body)
    form = StatusForm()
    if not form.validate():
        return _round_page(round_, 400, status_form=form)
    done = attempt(
        lambda: priorities.set_status(db.session, round_, form.status.data, current_user), form
    )
    status = done.status
    if status is not None:
        return _round_page(round_, status, status_form=form)
    flash(_("Runden er lukket.") if round_.status == "lukket" else _("Runden er åpnet."), "success")
    return redirect(url_for("priorities.view_round", round_id=round_.id))


def _result_docx(round_: PrioritisationRound) -> bytes:
    return build_priority_table(
        round_,
        priorities.result(db.session, round_),
        participants(db.session, round_),
        current_app.config.get("DOCX_TEMPLATE"),
    )


def _result_filename(round_: PrioritisationRound) -> str:
    """The Word file's name, in the body's document language as the file itself."""
    with use_language(round_.body.document_language):
        return safe_filename(_("Prioritering %(round)s", round=round_.title)) + ".docx"


@bp.get("/prioriteringer/<int:round_id>/resultat.docx")
def round_docx(round_id: int):
    round_ = round_or_404(round_id)
    return send_document(_result_docx(round_), _result_filename(round_))


@bp.get("/prioriteringer/<int:round_id>/poengmal.xlsx")
def score_template_file(round_id: int):
    round_ = round_or_404(round_id)
    return send_document(score_template(round_), "poengmal.xlsx", XLSX)


def _chosen_treatment(round_, treatment_id: int) -> Treatment | None:
    treatment = db.session.get(Treatment, treatment_id)
    if treatment is None or treatment.body_id != round_.body_id or treatment.meeting is None:
        return None
    return treatment


def _document_title(round_: PrioritisationRound) -> str:
    """The attachment's title, as the body's toppnotat lists it: in its document language."""
    with use_language(round_.body.document_language):
        return _("Prioritering: %(round)s", round=round_.title)


@bp.post("/prioriteringer/<int:round_id>/vedlegg")
def attach_result(round_id: int):
    round_ = round_or_404(round_id)
    require("prepare", round_.body)
    form = AttachForm()
    form.set_treatments(_treatments(round_.body))
    treatment = _chosen_treatment(round_, int(form.treatment_id.data)) if form.validate() else None
    if treatment is None:
        if not form.errors:
            form.add_errors({"treatment_id": PICK_CASE})
        return _round_page(round_, 400, attach_form=form)
    data = UploadInput(
        filename=_result_filename(round_),
        content=_result_docx(round_),
        title=_document_title(round_),
        treatment_id=treatment.id,
    )

    def work():
        added = add_attachment(
            db.session, treatment.meeting, data, upload_dir(), current_user, meeting_total_limit()
        )
        keep_or_remove(added.stored_name)
        return added

    done = attempt(work, form, at=lambda f, _name: f.treatment_id)
    if not done.ok:
        return _round_page(round_, done.status, attach_form=form)
    attachment = done.value
    flash(
        _(
            "Resultatet er lagt ved sak %(case)s som vedlegg %(number)s; det står under "
            "Vedlegg i sakens toppnotat.",
            case=treatment.number,
            number=attachment.number,
        ),
        "success",
    )
    return redirect(url_for("priorities.view_round", round_id=round_.id))


@bp.post("/prioriteringer/<int:round_id>/vedtak")
def use_as_decision(round_id: int):
    round_ = round_or_404(round_id)
    require("prepare", round_.body)
    form = DecisionForm()
    treatment = None
    if form.validate():
        treatment_id, version = form.chosen()
        treatment = _chosen_treatment(round_, treatment_id)
    if treatment is None:
        if not form.errors:
            form.add_errors({"treatment": PICK_CASE})
        return _round_page(round_, 400, decision_form=form)
    done = attempt(
        lambda: write_ranking(
            db.session, round_, treatment, form.field.data, version, current_user
        ),
        form,
    )
    status = done.status
    if status is not None:
        # Chosen again at the version saved now: saving once more is a deliberate choice.
        form.treatment.data = f"{treatment.id}:{treatment.version}"
        return _round_page(round_, status, decision_form=form)
    flash(_("Rangeringen er skrevet inn i sak %(case)s.", case=treatment.number), "success")
    return redirect(url_for("priorities.view_round", round_id=round_.id))
