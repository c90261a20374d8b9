"""What the secretariat enters in a round: measures, questions, scores (grid or import)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from govern.domain.priority_scoring import PHASE_NAMES
from govern.extensions import db
from govern.forms.priorities import (
    ImportForm,
    MeasureForm,
    PriorityForm,
    QuestionForm,
    score_grid_form,
)
from govern.i18n import gettext as _
from govern.models.priorities import CRITERIA, CRITERION_LABELS, Measure, PriorityQuestion
from govern.services import priorities, priority_questions
from govern.services.priority_import import import_scores
from govern.services.priority_participants import members, participant_entry
from govern.views.guard import require
from govern.views.priorities.common import bp, round_or_404
from govern.views.unit_of_work import attempt


def _prepared_round(round_id: int):
    round_ = round_or_404(round_id)
    require("prepare", round_.body)
    return round_


def _back(round_, endpoint: str = "priorities.view_round"):
    return redirect(url_for(endpoint, round_id=round_.id))


# -- measures -------------------------------------------------------------------------------


@bp.route("/prioriteringer/<int:round_id>/tiltak/ny", methods=["GET", "POST"])
@bp.route("/prioriteringer/<int:round_id>/tiltak/<int:measure_id>", methods=["GET", "POST"])
def edit_measure(round_id: int, measure_id: int | None = None):
    round_ = _prepared_round(round_id)
    measure = db.session.get(Measure, measure_id) if measure_id else None
    if measure_id and (measure is None or measure.round_id != round_.id):
        abort(404)
    form = MeasureForm(data=MeasureForm.values_of(measure) if measure else None)
    status = 400 if form.is_submitted() else 200

    def work():
        if measure:
            return priorities.edit_measure(db.session, measure, form.to_input(), current_user)
        return priorities.add_measure(db.session, round_, form.to_input(), current_user)

    if form.validate_on_submit():
        done = attempt(work, form)
        status = done.status
        if status is None:
            flash(_("Tiltaket er lagret."), "success")
            return _back(round_)
    page = render_template(
        "priorities/measure.html", round=round_, measure=measure, phases=PHASE_NAMES, form=form
    )
    return page, status


# -- scores ---------------------------------------------------------------------------------


@bp.route("/prioriteringer/<int:round_id>/poeng", methods=["GET", "POST"])
def enter_scores(round_id: int):
    round_ = _prepared_round(round_id)
    measures = priorities.passing(round_)
    data = None
    if request.method == "GET" and request.args.get("deltaker"):
        name = request.args["deltaker"]
        person_id, cells = participant_entry(db.session, round_, name)
        data = {"person": str(person_id), **cells} if person_id else {"participant": name, **cells}
    form = score_grid_form(measures, round_.questions, priorities.score_field, data=data)
    form.set_members(members(db.session, round_))
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        done = attempt(
            lambda: priorities.save_scores(
                db.session,
                round_,
                form.participant.data or "",
                form.cells(),
                current_user,
                person_id=form.person_id,
            ),
            form,
        )
        count, status = done.value, done.status
        if status is None:
            flash(_("%(count)s poeng er lagret.", count=count), "success")
            return _back(round_)
    page = render_template(
        "priorities/scores.html",
        round=round_,
        measures=measures,
        cell_name=priorities.score_field,
        form=form,
    )
    return page, status


@bp.route("/prioriteringer/<int:round_id>/import", methods=["GET", "POST"])
def import_page(round_id: int):
    round_ = _prepared_round(round_id)
    form = ImportForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        upload = form.file.data
        done = attempt(
            lambda: import_scores(db.session, round_, upload.filename, upload.read(), current_user),
            form,
            at="file",
        )
        count, status = done.value, done.status
        if status is None:
            flash(_("%(count)s poeng er importert.", count=count), "success")
            return _back(round_)
    return render_template("priorities/import.html", round=round_, form=form), status


# -- questions ------------------------------------------------------------------------------


def _question_or_404(round_, question_id: int) -> PriorityQuestion:
    question = db.session.get(PriorityQuestion, question_id)
    if question is None or question.round_id != round_.id:
        abort(404)
    return question


def _questions_page(round_, form=None, status: int = 200, refused: dict | None = None):
    """The questions by criterion, how many have scored each, and the form for a new one."""
    page = render_template(
        "priorities/questions.html",
        round=round_,
        criteria=CRITERIA,
        labels=CRITERION_LABELS,
        scored=priority_questions.score_counts(db.session, round_),
        form=form or QuestionForm(formdata=None),
        refused=refused or {},
    )
    return page, status


@bp.route("/prioriteringer/<int:round_id>/sporsmal", methods=["GET", "POST"])
def questions(round_id: int):
    round_ = _prepared_round(round_id)
    form = QuestionForm()
    if not form.is_submitted():
        return _questions_page(round_, form)
    status = 400
    if form.validate():
        done = attempt(
            lambda: priority_questions.add_question(
                db.session, round_, form.to_input(), current_user
            ),
            form,
        )
        question, status = done.value, done.status
        if status is None:
            flash(_("Spørsmål %(label)s er lagt til.", label=question.label), "success")
            return _back(round_, "priorities.questions")
        round_ = round_or_404(round_id)
    return _questions_page(round_, form, status)


@bp.route("/prioriteringer/<int:round_id>/sporsmal/<int:question_id>", methods=["GET", "POST"])
def edit_question(round_id: int, question_id: int):
    round_ = _prepared_round(round_id)
    question = _question_or_404(round_, question_id)
    form = QuestionForm(
        data={
            "criterion": question.criterion,
            "text": question.text,
            "patient_benefit": question.patient_benefit,
            "original": question.text,
        }
    )
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        data = form.to_input(question.criterion)
        done = attempt(
            lambda: priority_questions.edit_question(
                db.session, question, data, form.original.data, current_user
            ),
            form,
        )
        status = done.status
        if status is None:
            flash(_("Spørsmål %(label)s er lagret.", label=question.label), "success")
            return _back(round_, "priorities.questions")
        question = _question_or_404(round_, question_id)
    scored = priority_questions.score_counts(db.session, round_).get(question.id, 0)
    page = render_template(
        "priorities/question.html",
        round=round_,
        question=question,
        labels=CRITERION_LABELS,
        scored=scored,
        form=form,
    )
    return page, status


def _question_button(round_id: int, question_id: int, work):
    """Run a button's change to one question (`work` returns the message to show); a refusal
    re-renders the list with the reason next to that question."""
    round_ = _prepared_round(round_id)
    question = _question_or_404(round_, question_id)
    form = PriorityForm(formdata=None)
    done = attempt(lambda: work(question), form)
    message, status = done.value, done.status
    if status is None:
        flash(message, "success")
        return _back(round_, "priorities.questions")
    refused = {question_id: " ".join(form.form_errors)}
    return _questions_page(round_or_404(round_id), None, status, refused)


@bp.post("/prioriteringer/<int:round_id>/sporsmal/<int:question_id>/flytt")
def move_question(round_id: int, question_id: int):
    direction = request.form.get("direction", "")

    def work(question: PriorityQuestion) -> str:
        label = question.label
        priority_questions.move_question(db.session, question, direction, current_user)
        return _(
            "Spørsmål %(label)s er flyttet og heter nå %(new)s.", label=label, new=question.label
        )

    return _question_button(round_id, question_id, work)


@bp.post("/prioriteringer/<int:round_id>/sporsmal/<int:question_id>/fjern")
def remove_question(round_id: int, question_id: int):
    def work(question: PriorityQuestion) -> str:
        label = priority_questions.remove_question(db.session, question, current_user)
        return _("Spørsmål %(label)s er fjernet.", label=label)

    return _question_button(round_id, question_id, work)
