"""Forfall and answers to the invitation: the member's page, the e-mail's answer links (no
login), and the secretariat's choice of vara."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from govern import queries
from govern.extensions import db
from govern.forms.forfall import ConfirmForm, ForfallForm, SubstituteForm
from govern.i18n import gettext as _
from govern.models.answers import Absence
from govern.models.meetings import Meeting
from govern.models.people import Person
from govern.services import answers, forfall, forfall_answers
from govern.services.errors import GovernError
from govern.views.guard import require, require_body_reader, require_login
from govern.views.settings import invitation_settings
from govern.views.unit_of_work import attempt

bp = Blueprint("forfall", __name__, template_folder="../../templates")


def _settings() -> forfall.MailSettings:
    return forfall.MailSettings(**invitation_settings())


def _member_meeting(meeting_id: int) -> Meeting:
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require_login()
    require_body_reader(meeting.body)
    return meeting


@bp.route("/meetings/<int:meeting_id>/forfall", methods=["GET", "POST"])
def report(meeting_id: int):
    """The member's own forfall: report it, see who is called in, withdraw it."""
    meeting = _member_meeting(meeting_id)
    person = current_user.person
    form = ForfallForm()
    form.set_days(len(meeting.days))
    status = 200
    if form.validate_on_submit():
        days, note = form.days.data or [], form.note.data or ""
        done = attempt(
            lambda: forfall.report_absence(
                db.session, current_user, meeting, person, days, note, _settings(), date.today()
            ),
            form,
            at="note",
            what=_("Forfallet"),
        )
        if done.ok:
            vara = done.value.substitute
            message = (
                _(
                    "Forfallet er registrert, og %(name)s er kalt inn som vara. "
                    "Sekretariatet ser det på oppmøtesiden.",
                    name=vara.name,
                )
                if vara
                else _("Forfallet er registrert. Sekretariatet ser det på oppmøtesiden.")
            )
            flash(message, "success")
            return redirect(url_for("forfall.report", meeting_id=meeting_id))
        status = done.status
        meeting = _member_meeting(meeting_id)
    elif form.is_submitted():
        status = 400
    return _page(meeting, person, form, status)


def _page(meeting: Meeting, person: Person, form: ForfallForm, status: int):
    absence = forfall.absence_of(db.session, meeting, person)
    mine = answers.my_answers(db.session, person.id, [meeting.id]).get(meeting.id)
    return render_template(
        "forfall/report.html",
        meeting=meeting,
        form=form,
        absence=absence,
        answer=mine,
        answer_label=answers.answer_label,
        member=forfall.is_member(meeting, person),
        open=meeting.status == "innkalt" and (meeting.last_date or date.min) >= date.today(),
        withdraw_form=ConfirmForm(),
        standing_in=[
            a for a in forfall.absences_of(db.session, meeting) if a.substitute_id == person.id
        ],
    ), status


@bp.post("/meetings/<int:meeting_id>/svar")
def answer_in_person(meeting_id: int):
    """«Jeg kommer» / «Jeg kommer ikke» on the page, for whoever is logged in and invited."""
    meeting = _member_meeting(meeting_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        given = request.form.get("answer", "")
        done = attempt(
            lambda: forfall_answers.answer_by_link(
                db.session,
                answers.answer_in_person(meeting, current_user.person, given, date.today()),
                _settings(),
                date.today(),
            ),
            what=_("Svaret"),
        )
        if done.ok:
            flash(done.value, "success")
    return redirect(url_for("forfall.report", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/forfall/trekk")
def withdraw(meeting_id: int):
    meeting = _member_meeting(meeting_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: forfall_answers.withdraw_on_page(
                db.session, current_user, meeting, current_user.person, _settings(), date.today()
            ),
            what=_("Forfallet"),
        )
        if done.ok:
            flash(_("Forfallet er trukket, og innkallingen er sendt til deg igjen."), "success")
    return redirect(url_for("forfall.report", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/forfall/<int:absence_id>/vara")
def choose_vara(meeting_id: int, absence_id: int):
    """The secretariat calls in another vara (or none) for a forfall."""
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require("prepare", meeting)
    absence = db.session.get(Absence, absence_id)
    if absence is None or absence.meeting_id != meeting.id:
        abort(404)
    form = SubstituteForm()
    chain = forfall.vara_chain(db.session, meeting, absence.person)
    form.set_people([(p.id, p.name) for p in chain])
    if form.validate_on_submit():
        vara = db.session.get(Person, form.vara.data) if form.vara.data else None
        done = attempt(
            lambda: forfall.choose_substitute(
                db.session, current_user, absence, vara, _settings(), date.today()
            ),
            what=_("Forfallet"),
        )
        if done.ok:
            name = vara.name if vara else _("ingen vara")
            flash(
                _("%(member)s: %(name)s er kalt inn.", member=absence.person.name, name=name),
                "success",
            )
    else:
        flash(_("Velg en vara fra listen."), "error")
    return redirect(url_for("minutes.meeting_attendance", meeting_id=meeting_id))


@bp.route("/svar/<token>", methods=["GET", "POST"])
def answer(token: str):
    """The e-mail's "Jeg kommer" / "Jeg kommer ikke": a page to confirm, no login needed."""
    secret = current_app.config["SECRET_KEY"]
    try:
        link = answers.read_token(db.session, secret, token, date.today())
    except GovernError as error:
        return render_template("forfall/answer.html", error=error.message), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: forfall_answers.answer_by_link(db.session, link, _settings(), date.today()),
            what=_("Svaret"),
        )
        if done.ok:
            return render_template("forfall/answer.html", link=link, done=done.value)
        return render_template("forfall/answer.html", link=link, form=form), done.status
    return render_template("forfall/answer.html", link=link, form=form)
