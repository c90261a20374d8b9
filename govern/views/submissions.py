"""Submitting a case to a body (innmelding), and the secretariat's intake list where it puts
a submission on an agenda or declines it."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from govern import policy, queries
from govern.extensions import db
from govern.forms.base import choices, reset_version
from govern.forms.submissions import AcceptForm, DeclineForm, SubmissionForm
from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import Case
from govern.models.submissions import CaseSubmission, SubmissionFile
from govern.services import submission_rules as rules
from govern.services import submissions
from govern.views.guard import refuse, require, require_login
from govern.views.unit_of_work import attempt
from govern.views.uploads import (
    keep_or_remove,
    meeting_total_limit,
    read_upload,
    send_stored,
    upload_dir,
)

bp = Blueprint("submissions", __name__, template_folder="../../templates")


def today() -> date:
    """Today's date (a function, so tests can pin the day)."""
    return date.today()


def _base_url() -> str:
    return str(current_app.config.get("BASE_URL") or "http://127.0.0.1:5000")


def owns_cases(person_id: int) -> bool:
    """Whether the person is sakseier or saksbehandler of some case."""
    owner = or_(Case.sakseier_id == person_id, Case.saksbehandler_id == person_id)
    return bool(db.session.scalar(select(exists().where(owner))))


def may_submit(body: Body) -> bool:
    """policy.may_submit_case for the current user today."""
    if not current_user.is_authenticated:
        return False
    owner = owns_cases(current_user.person_id)
    return policy.may_submit_case(current_user, body, today(), owns_cases=owner)


def _body(slug: str) -> Body:
    body = queries.body_by_slug(db.session, slug) or abort(404)
    require("read", body)
    return body


def _wanted_meetings(body: Body) -> list:
    """The coming meetings the submitter may see (and so ask for)."""
    coming = rules.coming_meetings(db.session, body, today())
    return [m for m in coming if policy.can(current_user, "read", m, today())]


@bp.route("/bodies/<slug>/meld-inn-sak", methods=["GET", "POST"])
def submit(slug: str):
    require_login()
    body = _body(slug)
    if not may_submit(body):
        refuse()
    form = SubmissionForm()
    rows = rules.meeting_choices(db.session, body, _wanted_meetings(body), today())
    form.wanted_meeting_id.choices = choices(
        [(0, _("Første ledige møte"))]
        + [(m.id, _choice_label(m, deadline, is_open)) for m, deadline, is_open in rows]
    )
    if form.validate_on_submit():
        done = attempt(lambda: _submit(body, form, [m for m, _d, _o in rows]), form)
        if done.ok:
            flash(
                _(
                    "Saken er meldt inn til %(body)s. Du får e-post når sekretariatet "
                    "har satt den på dagsordenen eller avvist den.",
                    body=body.short_name,
                ),
                "success",
            )
            return redirect(url_for("mine.my_meetings_page"))
    html = render_template("submissions/submit.html", body=body, form=form, rows=rows)
    return html, 400 if form.errors else 200


def _choice_label(meeting, deadline, is_open) -> str:
    label = rules.meeting_label(meeting).capitalize()
    if deadline is None:
        return label
    frist = deadline.strftime("%d.%m.%Y")
    if is_open:
        return _("%(meeting)s – frist %(date)s", meeting=label, date=frist)
    return _("%(meeting)s – frist %(date)s (fristen er ute)", meeting=label, date=frist)


def _submit(body: Body, form: SubmissionForm, allowed):
    submission = submissions.submit_case(
        db.session,
        body,
        current_user.person,
        form.to_input(),
        form.file_inputs(read_upload),
        upload_dir(),
        allowed_meetings=allowed,
        today=today(),
        base_url=_base_url(),
        actor=current_user,
    )
    for file in submission.files:
        keep_or_remove(file.stored_name)
    return submission


# -- the secretariat's intake list ---------------------------------------------------------


def _intake_page(body: Body, forms: dict | None = None, status: int = 200):
    found = submissions.submissions_of_body(db.session, body)
    meetings = rules.coming_meetings(db.session, body, today())
    forms = forms or {}
    for s in found:
        if s.status != "innmeldt":
            continue
        accept = forms.get(("accept", s.id)) or AcceptForm(
            prefix=f"a{s.id}", formdata=None, sakstype=s.sakstype, version=s.version,
            meeting_id=s.wanted_meeting_id or (meetings[0].id if meetings else 0),
        )  # fmt: skip
        accept.meeting_id.choices = choices(
            [(0, _("– velg møte –"))]
            + [
                (m.id, rules.meeting_label(m).capitalize() + " – " + m.status_label)
                for m in meetings
            ]
        )
        decline = forms.get(("decline", s.id)) or DeclineForm(
            prefix=f"d{s.id}", formdata=None, version=s.version
        )
        forms[("accept", s.id)], forms[("decline", s.id)] = accept, decline
    html = render_template(
        "submissions/intake.html", body=body, submissions=found, forms=forms, meetings=meetings
    )
    return html, status


@bp.get("/bodies/<slug>/innmeldte-saker")
def intake(slug: str):
    body = _body(slug)
    require("prepare", body)
    return _intake_page(body)


def _submission(submission_id: int) -> CaseSubmission:
    submission = db.session.scalar(
        select(CaseSubmission)
        .where(CaseSubmission.id == submission_id)
        .options(joinedload(CaseSubmission.body), selectinload(CaseSubmission.files))
    )
    require("prepare", (submission or abort(404)).body)
    return submission


@bp.post("/innmeldte-saker/<int:submission_id>/aksepter")
def accept(submission_id: int):
    submission = _submission(submission_id)
    body = submission.body
    form = AcceptForm(prefix=f"a{submission.id}")
    meetings = rules.coming_meetings(db.session, body, today())
    form.meeting_id.choices = choices([(0, "")] + [(m.id, "") for m in meetings])
    if form.validate_on_submit():
        done = attempt(lambda: _accept(submission, form), form, what=_("Den innmeldte saken"))
        if done.ok:
            t = done.value.item.treatment
            message = _(
                "Saken er satt på dagsordenen for møte %(meeting)s som sak %(number)s. "
                "Innsenderen får e-post.",
                meeting=t.meeting.number,
                number=t.number,
            )
            flash(message, "success")
            return redirect(url_for("agenda.edit_agenda", meeting_id=t.meeting_id))
        _reset(form, submission_id)
        return _intake_page(body, {("accept", submission_id): form}, done.status)
    return _intake_page(body, {("accept", submission_id): form}, 400)


def _accept(submission: CaseSubmission, form: AcceptForm):
    accepted = submissions.accept_submission(
        db.session,
        submission,
        form.to_input(),
        upload_dir(),
        base_url=_base_url(),
        actor=current_user,
        total_limit=meeting_total_limit(),
    )
    for attachment in accepted.attachments:
        keep_or_remove(attachment.stored_name)
    return accepted


@bp.post("/innmeldte-saker/<int:submission_id>/avvis")
def decline(submission_id: int):
    submission = _submission(submission_id)
    body = submission.body
    form = DeclineForm(prefix=f"d{submission.id}")
    if form.validate_on_submit():
        work = lambda: submissions.decline_submission(  # noqa: E731
            db.session, submission, form.reason.data, version=form.version.data, actor=current_user
        )
        done = attempt(work, form, what=_("Den innmeldte saken"))
        if done.ok:
            flash(
                _("Saken «%(title)s» er avvist. Innsenderen får e-post.", title=submission.title),
                "success",
            )
            return redirect(url_for("submissions.intake", slug=body.slug))
        _reset(form, submission_id)
        return _intake_page(body, {("decline", submission_id): form}, done.status)
    return _intake_page(body, {("decline", submission_id): form}, 400)


def _reset(form, submission_id: int) -> None:
    """After a refusal: the form carries the version now saved; a submission someone has
    answered meanwhile has no forms left, so its refusal is a message at the top."""
    current = db.session.get(CaseSubmission, submission_id)
    if current is None:
        return
    reset_version(form, current.version)
    if current.status != "innmeldt":
        flash(" ".join(form.version.errors) or _("Saken er allerede besvart."), "error")


@bp.get("/innmeldte-saker/filer/<int:file_id>")
def download_file(file_id: int):
    file = db.get_or_404(SubmissionFile, file_id)
    if not policy.may_read_submission(current_user, file.submission, today()):
        abort(404)
    return send_stored(file, file.filename) or abort(404)
