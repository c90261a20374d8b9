"""The prioritisation model's pages: a body's rounds, a round's result, measures, scores."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from govern.exports.docx_common import safe_filename
from govern.exports.priority_docx import build_priority_table
from govern.extensions import db
from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.priorities import CRITERION_LABELS, Measure, PrioritisationRound
from govern.permissions import can, require
from govern.services import priorities
from govern.services.attachments import UploadInput, add_attachment
from govern.services.errors import GovernError
from govern.services.priorities import FormErrors, MeasureInput, RoundInput
from govern.services.priority_import import import_scores, score_template
from govern.services.priority_scoring import CRITERIA, PHASE_NAMES, points_text
from govern.views.documents import send_document
from govern.views.uploads import commit_or_remove, upload_dir

bp = Blueprint("priorities", __name__, template_folder="../../templates")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _body(slug: str) -> Body:
    body = db.session.scalar(select(Body).where(Body.slug == slug))
    if body is None:
        abort(404)
    return body


def _round(round_id: int) -> PrioritisationRound:
    round_ = db.session.scalar(
        select(PrioritisationRound)
        .where(PrioritisationRound.id == round_id)
        .options(
            selectinload(PrioritisationRound.questions),
            selectinload(PrioritisationRound.measures),
            selectinload(PrioritisationRound.body),
        )
    )
    if round_ is None:
        abort(404)
    require("read", round_.body)
    return round_


def _errors_page(template: str, errors: dict[str, str], **context):
    return render_template(template, errors=errors, **context), 400


@bp.route("/bodies/<slug>/prioriteringer", methods=["GET", "POST"])
def body_rounds(slug: str):
    body = _body(slug)
    require("read", body)
    rounds = db.session.scalars(
        select(PrioritisationRound)
        .where(PrioritisationRound.body_id == body.id)
        .order_by(PrioritisationRound.year.desc(), PrioritisationRound.id.desc())
    ).all()
    form = {"title": "", "year": "", "description": ""}
    if request.method == "POST":
        require("prepare", body)
        form = {k: request.form.get(k, "") for k in form}
        year = form["year"].strip()
        if not year.isdigit():
            errors = {"year": "Skriv året med fire sifre, for eksempel 2026."}
            return _errors_page(
                "priorities/rounds.html", errors, body=body, rounds=rounds, form=form
            )
        try:
            round_ = priorities.create_round(
                db.session,
                body,
                RoundInput(form["title"], int(year), form["description"]),
                actor=current_user,
            )
        except GovernError as error:
            db.session.rollback()
            errors = {error.field or "title": error.message}
            return _errors_page(
                "priorities/rounds.html", errors, body=body, rounds=rounds, form=form
            )
        db.session.commit()
        flash("Prioriteringsrunden er opprettet.", "success")
        return redirect(url_for("priorities.view_round", round_id=round_.id))
    return render_template("priorities/rounds.html", body=body, rounds=rounds, form=form, errors={})


def _bars(ranked) -> Markup:
    """A horizontal bar per measure, 0–30 points, as inline SVG."""
    height = 24 * len(ranked) + 10
    parts = [
        f'<svg class="priority-bars" role="img" aria-label="Totalpoeng per tiltak" '
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
    return list(
        db.session.scalars(
            select(Treatment)
            .where(Treatment.body_id == body.id, Treatment.meeting_id.is_not(None))
            .options(selectinload(Treatment.case))
            .order_by(Treatment.year.desc(), Treatment.seq.desc())
            .limit(60)
        )
    )


def _round_page(round_, errors=None, status=200):
    result = priorities.result(db.session, round_)
    may_prepare = can(current_user, "prepare", round_.body)
    page = render_template(
        "priorities/round.html",
        round=round_,
        result=result,
        bars=_bars(result.ranked),
        criteria=CRITERIA,
        labels=CRITERION_LABELS,
        points=points_text,
        phases=PHASE_NAMES,
        participants=priorities.participants(db.session, round_),
        may_prepare=may_prepare,
        treatments=_treatments(round_.body) if may_prepare else [],
        errors=errors or {},
    )
    return page, status


@bp.get("/prioriteringer/<int:round_id>")
def view_round(round_id: int):
    return _round_page(_round(round_id))


@bp.post("/prioriteringer/<int:round_id>/status")
def set_status(round_id: int):
    round_ = _round(round_id)
    require("prepare", round_.body)
    try:
        priorities.set_status(db.session, round_, request.form.get("status", ""), current_user)
    except GovernError as error:
        db.session.rollback()
        return _round_page(round_, {"status": error.message}, 400)
    db.session.commit()
    flash("Runden er lukket." if round_.status == "lukket" else "Runden er åpnet.", "success")
    return redirect(url_for("priorities.view_round", round_id=round_.id))


@bp.get("/prioriteringer/<int:round_id>/resultat.docx")
def round_docx(round_id: int):
    round_ = _round(round_id)
    content = build_priority_table(round_, priorities.result(db.session, round_))
    return send_document(content, safe_filename(f"Prioritering {round_.title}") + ".docx")


@bp.get("/prioriteringer/<int:round_id>/poengmal.xlsx")
def score_template_file(round_id: int):
    round_ = _round(round_id)
    return send_document(score_template(round_), "poengmal.xlsx", XLSX)


def _chosen_treatment(round_, text: str) -> Treatment | None:
    treatment = db.session.get(Treatment, int(text)) if text.isdigit() else None
    if treatment is None or treatment.body_id != round_.body_id or treatment.meeting is None:
        return None
    return treatment


@bp.post("/prioriteringer/<int:round_id>/vedlegg")
def attach_result(round_id: int):
    round_ = _round(round_id)
    require("prepare", round_.body)
    treatment = _chosen_treatment(round_, request.form.get("treatment_id", ""))
    if treatment is None:
        return _round_page(round_, {"treatment_id": "Velg en sak på en av organets møter."}, 400)
    content = build_priority_table(round_, priorities.result(db.session, round_))
    data = UploadInput(
        filename=safe_filename(f"Prioritering {round_.title}") + ".docx",
        content=content,
        title=f"Prioritering: {round_.title}",
        treatment_id=treatment.id,
    )
    try:
        attachment = add_attachment(db.session, treatment.meeting, data, upload_dir(), current_user)
    except GovernError as error:
        db.session.rollback()
        return _round_page(round_, {"treatment_id": error.message}, 400)
    commit_or_remove(attachment.stored_name)
    flash(
        f"Resultatet er lagt ved sak {treatment.number} som vedlegg {attachment.number}.", "success"
    )
    return redirect(url_for("priorities.view_round", round_id=round_.id))


@bp.post("/prioriteringer/<int:round_id>/vedtak")
def use_as_decision(round_id: int):
    round_ = _round(round_id)
    require("prepare", round_.body)
    #: "treatment id:version", the version the page was shown with.
    chosen, _, version = request.form.get("treatment", "").partition(":")
    treatment = _chosen_treatment(round_, chosen)
    if treatment is None:
        return _round_page(round_, {"decision": "Velg en sak på en av organets møter."}, 400)
    try:
        priorities.write_ranking(
            db.session,
            round_,
            treatment,
            request.form.get("field", ""),
            int(version) if version.isdigit() else None,
            current_user,
        )
        db.session.commit()
    except GovernError as error:
        db.session.rollback()
        return _round_page(round_, {"decision": error.message}, 400)
    except StaleDataError:
        db.session.rollback()
        message = "Saken er endret av noen andre i mellomtiden. Last siden på nytt og prøv igjen."
        return _round_page(round_, {"decision": message}, 400)
    flash(f"Rangeringen er skrevet inn i sak {treatment.number}.", "success")
    return redirect(url_for("priorities.view_round", round_id=round_.id))


def _measure_input(form) -> tuple[MeasureInput | None, dict[str, str]]:
    phase = form.get("phase", "").strip()
    if not phase.isdigit():
        return None, {"phase": "Velg en fase fra 1 til 5."}
    return MeasureInput(
        code=form.get("code", ""),
        title=form.get("title", ""),
        description=form.get("description", ""),
        fits_goals=form.get("fits_goals") == "ja",
        phase=int(phase),
        gate_note=form.get("gate_note", ""),
    ), {}


@bp.route("/prioriteringer/<int:round_id>/tiltak/ny", methods=["GET", "POST"])
@bp.route("/prioriteringer/<int:round_id>/tiltak/<int:measure_id>", methods=["GET", "POST"])
def edit_measure(round_id: int, measure_id: int | None = None):
    round_ = _round(round_id)
    require("prepare", round_.body)
    measure = db.session.get(Measure, measure_id) if measure_id else None
    if measure_id and (measure is None or measure.round_id != round_.id):
        abort(404)
    form = {
        "code": measure.code if measure else "",
        "title": measure.title if measure else "",
        "description": measure.description if measure else "",
        "fits_goals": "ja" if (measure is None or measure.fits_goals) else "nei",
        "phase": str(measure.phase) if measure else "2",
        "gate_note": measure.gate_note if measure else "",
    }
    context = {"round": round_, "measure": measure, "phases": PHASE_NAMES}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in form}
        data, errors = _measure_input(request.form)
        if data is not None:
            try:
                if measure:
                    priorities.edit_measure(db.session, measure, data, current_user)
                else:
                    priorities.add_measure(db.session, round_, data, current_user)
            except FormErrors as error:
                errors = error.errors
        if errors:
            db.session.rollback()
            return _errors_page("priorities/measure.html", errors, form=form, **context)
        db.session.commit()
        flash("Tiltaket er lagret.", "success")
        return redirect(url_for("priorities.view_round", round_id=round_.id))
    return render_template("priorities/measure.html", form=form, errors={}, **context)


@bp.route("/prioriteringer/<int:round_id>/poeng", methods=["GET", "POST"])
def enter_scores(round_id: int):
    round_ = _round(round_id)
    require("prepare", round_.body)
    measures = priorities.passing(round_)
    context = {"round": round_, "measures": measures, "field": priorities.score_field}
    if request.method == "POST":
        participant = request.form.get("participant", "")
        try:
            count = priorities.save_scores(
                db.session, round_, participant, request.form, current_user
            )
        except FormErrors as error:
            db.session.rollback()
            return _errors_page(
                "priorities/scores.html",
                error.errors,
                participant=participant,
                cells=request.form,
                **context,
            )
        db.session.commit()
        flash(f"{count} poeng er lagret for {participant.strip()}.", "success")
        return redirect(url_for("priorities.view_round", round_id=round_.id))
    participant = request.args.get("deltaker", "")
    cells = priorities.participant_cells(db.session, round_, participant) if participant else {}
    return render_template(
        "priorities/scores.html", participant=participant, cells=cells, errors={}, **context
    )


@bp.route("/prioriteringer/<int:round_id>/import", methods=["GET", "POST"])
def import_page(round_id: int):
    round_ = _round(round_id)
    require("prepare", round_.body)
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return _errors_page("priorities/import.html", {"file": "Velg en fil."}, round=round_)
        try:
            count = import_scores(db.session, round_, upload.filename, upload.read(), current_user)
        except FormErrors as error:
            db.session.rollback()
            return _errors_page("priorities/import.html", error.errors, round=round_)
        db.session.commit()
        flash(f"{count} poeng er importert.", "success")
        return redirect(url_for("priorities.view_round", round_id=round_.id))
    return render_template("priorities/import.html", round=round_, errors={})
