"""Running and closing a meeting: attendance, the referat per case, send, approve, correct.

Also the toppnotat editor of the case owner (and the secretariat): the memo written section
by section, or an uploaded Word file in its place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from govern import presentation, queries
from govern.extensions import db
from govern.forms.base import GovernForm
from govern.forms.changes import EscalationMinutesForm
from govern.forms.memos import SECTION_ACTION, MemoForm, MemoUploadForm
from govern.forms.running import (
    NONE,
    AttendanceCorrectionForm,
    AttendanceForm,
    CorrectionForm,
    MinutesForm,
)
from govern.models.accounts import User
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.models.memos import FIXED_SECTIONS, Memo
from govern.models.minutes import MinutesRevision
from govern.models.people import Person
from govern.permissions import require
from govern.presentation import MEMBER_ROLES
from govern.services import attendance, change_outcomes, memos, minutes
from govern.timeutil import clock, local, short_date
from govern.views.unit_of_work import attempt
from govern.views.uploads import keep_or_remove, read_upload, remove_when_committed, upload_dir

bp = Blueprint("running", __name__, template_folder="../../templates")

#: Where a service error goes in a form: (form, error.field) -> the field.
Placer = Callable[[Any, str], Any]


# -- helpers --------------------------------------------------------------------------------


def _meeting_or_404(meeting_id: int) -> Meeting:
    return queries.meeting_full(db.session, meeting_id) or abort(404)


def _treatment_or_404(
    treatment_id: int, *, in_meeting: bool = False, with_memo: bool = False
) -> Treatment:
    options = [
        joinedload(Treatment.case),
        joinedload(Treatment.body),
        joinedload(Treatment.meeting).joinedload(Meeting.body),
        selectinload(Treatment.inputs),
    ]
    if with_memo:
        options.append(joinedload(Treatment.memo).selectinload(Memo.sections))
    treatment = db.session.scalar(
        select(Treatment).where(Treatment.id == treatment_id).options(*options)
    )
    if treatment is None or (in_meeting and treatment.meeting is None):
        abort(404)
    return treatment


def _meeting_url(meeting: Meeting, treatment: Treatment | None = None) -> str:
    anchor = f"sak-{treatment.seq}-{treatment.year}" if treatment is not None else None
    return url_for("meetings.view_meeting", meeting_id=meeting.id, _anchor=anchor)


def _reset_version(form: GovernForm, version: int | None, name: str = "version") -> None:
    """After a refused stale save the form carries the version now saved, so that saving
    again, having seen what the other person saved, is a deliberate choice."""
    form[name].raw_data = None
    form[name].data = version


def _button(work: Callable[[], str]) -> None:
    """Run a button's service call (it returns the message) and flash the outcome."""
    done = attempt(work, what="Møtet")
    if done.ok:
        flash(done.value, "success")


def _when(moment: datetime) -> str:
    at = local(moment)
    return f"{short_date(at.date())} kl. {clock(at.time())}"


# -- attendance -----------------------------------------------------------------------------


def _attendance_form(
    meeting: Meeting, rows: list[attendance.Attendee], kind: type[AttendanceForm] = AttendanceForm
) -> AttendanceForm:
    """The form as posted, or filled from what is recorded (a vara preselects whom they
    stand in for); with the choices of every select."""
    if request.method == "POST":
        form = kind()
    else:
        data = [
            {
                "person_id": r.person.id,
                "status": r.recorded.status if r.recorded else "",
                "deputy_for": (
                    r.recorded.deputy_for_id
                    if r.recorded
                    else (r.membership.deputy_for_id if r.membership else None)
                )
                or NONE,
                "days": list(r.recorded.days or []) if r.recorded else [],
            }
            for r in rows
        ]
        form = kind(
            formdata=None, data={"rows": data, "fingerprint": attendance.fingerprint(meeting)}
        )
    listed = {r.person.id for r in rows}
    members = {r.person.id: r.person for r in rows if r.role in MEMBER_ROLES}
    members |= {a.deputy_for.id: a.deputy_for for a in meeting.attendance if a.deputy_for}
    people = db.session.scalars(
        select(Person).options(joinedload(Person.organisation)).order_by(Person.name, Person.id)
    )
    form.set_choices(
        [(p.id, p.label) for p in sorted(members.values(), key=lambda p: (p.name, p.id))],
        [(p.id, p.label) for p in people if p.id not in listed],
        len(meeting.days),
    )
    return form


def _attendance_placer(targets: list) -> Placer:
    """Service errors name 'rows[i].field'; find that row's field in the form."""

    def place(form: AttendanceForm, field: str):
        index, _, name = (field or "").removeprefix("rows[").partition("].")
        if name and index.isdigit() and int(index) < len(targets):
            return form.field_for(targets[int(index)], name)
        return form.fingerprint

    return place


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
def meeting_attendance(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("prepare", meeting)
    form = _attendance_form(meeting, attendance.attendees(meeting))
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        rows, targets = form.to_input()
        done = attempt(
            lambda: attendance.set_attendance(
                db.session, current_user, meeting, rows, form.fingerprint.data
            ),
            form,
            at=_attendance_placer(targets),
            what="Oppmøtet",
        )
        status = done.status
        if done.ok:
            flash("Oppmøtet er lagret." if done.value else "Ingen endringer i oppmøtet.", "success")
            return redirect(_meeting_url(meeting))
        meeting = _meeting_or_404(meeting_id)
        if status == 409:
            form.fingerprint.data = attendance.fingerprint(meeting)
    elif request.method == "POST" and meeting.minutes_locked:
        status = 409  # refused whatever was posted: the attendance of approved minutes stays
    return _attendance_page(meeting, form, status)


def _attendance_page(meeting: Meeting, form: AttendanceForm, status: int, correcting=False):
    locked = meeting.minutes_locked and not correcting
    return render_template(
        "running/attendance.html",
        meeting=meeting,
        form=form,
        people={r.person.id: r for r in attendance.attendees(meeting)},
        # Refused because someone else saved in between: show what is saved now.
        saved=presentation.attendance_lists(meeting) if status == 409 and not locked else None,
        failed=status != 200 and not locked,
        locked=locked,
        correcting=correcting,
        recorded=presentation.attendance_lists(meeting),
    ), status


@bp.route("/meetings/<int:meeting_id>/minutes/corrections/attendance", methods=["GET", "POST"])
def correct_attendance(meeting_id: int):
    """The attendance of approved minutes, corrected as a new revision with a reason."""
    meeting = _meeting_or_404(meeting_id)
    require("prepare", meeting)
    form = _attendance_form(meeting, attendance.attendees(meeting), AttendanceCorrectionForm)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        rows, targets = form.to_input()
        place = _attendance_placer(targets)
        done = attempt(
            lambda: attendance.correct_attendance(
                db.session, current_user, meeting, rows, form.reason.data, form.fingerprint.data
            ),
            form,
            at=lambda f, name: f.reason if name == "reason" else place(f, name),
            what="Oppmøtet",
        )
        status, revision = done.status, done.value
        if done.ok:
            flash(f"Oppmøtet er rettet i revisjon {revision.number}: {revision.reason}", "success")
            return redirect(url_for("running.corrections", meeting_id=meeting_id))
        meeting = _meeting_or_404(meeting_id)
        if status == 409:
            form.fingerprint.data = attendance.fingerprint(meeting)
    return _attendance_page(meeting, form, status, correcting=True)


# -- the referat, case by case -------------------------------------------------------------


def _minutes_form(treatment: Treatment, escalated) -> MinutesForm:
    """The referat form; for an escalated change request's case, with the request's outcome;
    on the Godkjenning item, with the choice to postpone the approval."""
    if escalated is None:
        form = MinutesForm(data=MinutesForm.values_of(treatment))
    else:
        decided = change_outcomes.decided_outcome(escalated, treatment)
        form = EscalationMinutesForm(data=EscalationMinutesForm.values_of(treatment, decided))
    form.approval_item = minutes.is_approval_item(db.session, treatment)
    return form


def _record_minutes(treatment: Treatment, escalated, form: MinutesForm):
    if escalated is None:
        return minutes.record_minutes(db.session, current_user, treatment, form.to_input())
    return change_outcomes.record_escalated_minutes(
        db.session,
        current_user,
        treatment,
        form.to_input(),
        escalated,
        form.outcome.data or "",
        form.outcome_reason.data or "",
    )


@bp.route("/treatments/<int:treatment_id>/minutes", methods=["GET", "POST"])
def treatment_minutes(treatment_id: int):
    treatment = _treatment_or_404(treatment_id, in_meeting=True)
    require("prepare", treatment.meeting)
    links = change_outcomes.links_of(db.session, [treatment.id])
    escalated = links.escalation_of(treatment)
    form = _minutes_form(treatment, escalated)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        done = attempt(lambda: _record_minutes(treatment, escalated, form), form, at="decision")
        status = done.status
        if done.ok:
            flash(f"Referatet for sak {treatment.number} er lagret.", "success")
            if done.value.approval_due is not None:
                # The vedtak approves the previous minutes: confirm what that locks.
                return redirect(url_for("running.approve_minutes", treatment_id=treatment.id))
            return redirect(_meeting_url(treatment.meeting, treatment))
        treatment = _treatment_or_404(treatment_id)
        if form.version.errors:
            _reset_version(form, treatment.version)
    return render_template(
        "running/minutes.html",
        treatment=treatment,
        meeting=treatment.meeting,
        form=form,
        stale=bool(form.version.errors),
        change_links=links,
        refused=status == 409 and treatment.meeting.minutes_locked,
    ), status


def _approved_message(approved: list[Meeting]) -> str:
    numbers = " og ".join(f"møte {m.number}" for m in approved)
    body = approved[-1].body.short_name
    return f"Referatet fra {numbers} i {body} er godkjent og låst."


@bp.post("/meetings/<int:meeting_id>/minutes/send")
def send_minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("prepare", meeting)
    confirmed = request.form.get("confirm") == "1"
    if not confirmed and meeting.minutes_status == "utkast" and meeting.status == "gjennomført":
        check = minutes.check_send(db.session, meeting)
        if check.needs_confirmation:
            return render_template(
                "running/confirm_send.html",
                meeting=meeting,
                check=check,
                summary=minutes.approval_summary,
            )

    def work() -> str:
        approved = minutes.send_minutes(db.session, current_user, meeting, confirmed=confirmed)
        sent = "Referatet er sendt til medlemmene."
        return f"{sent} {_approved_message(approved)}" if approved else sent

    _button(work)
    return redirect(_meeting_url(meeting))


@bp.route("/treatments/<int:treatment_id>/approve-minutes", methods=["GET", "POST"])
def approve_minutes(treatment_id: int):
    """Confirm, then approve, the earlier minutes this meeting's Godkjenning item approves."""
    treatment = _treatment_or_404(treatment_id, in_meeting=True)
    require("prepare", treatment.meeting)
    if request.method == "GET":
        plan = minutes.plan_approval(db.session, treatment.meeting)
        return render_template(
            "running/confirm_approval.html",
            meeting=treatment.meeting,
            treatment=treatment,
            approval_item=minutes.is_approval_item(db.session, treatment),
            plan=plan,
            summary=minutes.approval_summary,
        )

    def work() -> str:
        approved = minutes.approve_previous_minutes(db.session, current_user, treatment)
        return _approved_message(approved)

    _button(work)
    return redirect(_meeting_url(treatment.meeting, treatment))


# -- corrections to approved minutes --------------------------------------------------------


def _corrections_page(meeting: Meeting, chosen: Treatment | None, form: CorrectionForm, status):
    revisions = db.session.scalars(
        select(MinutesRevision)
        .where(MinutesRevision.meeting_id == meeting.id)
        .options(joinedload(MinutesRevision.user).joinedload(User.person))
        .order_by(MinutesRevision.number)
    )
    return render_template(
        "running/corrections.html",
        meeting=meeting,
        cases=[i.treatment for i in meeting.items if i.kind == "case"],
        chosen=chosen,
        form=form,
        revisions=list(revisions),
        labels=minutes.FIELD_LABELS,
        when=_when,
    ), status


def _chosen_case(meeting: Meeting) -> Treatment | None:
    """The case picked for correction (?sak=<id>, or the posted form's), of this meeting."""
    chosen_id = request.form.get("treatment_id", type=int) or request.args.get("sak", type=int)
    if not chosen_id:
        return None
    found = [i.treatment for i in meeting.items if i.treatment and i.treatment.id == chosen_id]
    return found[0] if found else abort(404)


@bp.route("/meetings/<int:meeting_id>/minutes/corrections", methods=["GET", "POST"])
def corrections(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("prepare", meeting)
    chosen = _chosen_case(meeting)
    form = CorrectionForm(data=CorrectionForm.values_of(chosen) if chosen else None)
    status = 400 if request.method == "POST" else 200
    if chosen is not None and form.validate_on_submit():
        done = attempt(
            lambda: minutes.correct_minutes(
                db.session, current_user, meeting, chosen, form.to_input()
            ),
            form,
            at="reason",
        )
        status, revision = done.status, done.value
        if done.ok:
            flash(f"Referatet er rettet i revisjon {revision.number}: {revision.reason}", "success")
            return redirect(url_for("running.corrections", meeting_id=meeting_id))
        meeting = _meeting_or_404(meeting_id)
        chosen = _chosen_case(meeting)
        if form.version.errors:
            _reset_version(form, chosen.version)
    return _corrections_page(meeting, chosen, form, status)


# -- the toppnotat (case memo) -------------------------------------------------------------


def _memo_treatment(treatment_id: int) -> Treatment:
    """The treatment with its memo; only for those who may edit the memo."""
    treatment = _treatment_or_404(treatment_id, with_memo=True)
    require("edit_memo", treatment)
    return treatment


def _memo_page(treatment: Treatment, form: MemoForm, status: int, upload_form=None):
    return render_template(
        "running/memo.html",
        treatment=treatment,
        form=form,
        upload_form=upload_form or MemoUploadForm(formdata=None),
        labels=dict(FIXED_SECTIONS),
        stale=bool(form.version.errors),
        when=_when,
    ), status


def _after_memo(treatment: Treatment):
    return redirect(url_for("running.edit_memo", treatment_id=treatment.id))


@bp.route("/treatments/<int:treatment_id>/memo", methods=["GET", "POST"])
def edit_memo(treatment_id: int):
    treatment = _memo_treatment(treatment_id)
    form = MemoForm(data=MemoForm.values_of(treatment))
    action = request.form.get(SECTION_ACTION) if request.method == "POST" else None
    if action:  # add, move or remove a free section: shown again, saved with "Lagre"
        return _memo_page(treatment, form.rearranged(action), 200)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        done = attempt(
            lambda: memos.update_memo(db.session, current_user, treatment, form.to_input()),
            form,
            at="summary",
            what=memos.WHAT,
        )
        status = done.status
        if done.ok:
            flash("Toppnotatet er lagret." if done.value else "Ingen endringer å lagre.", "success")
            return _after_memo(treatment)
        # A FieldList keeps its rows' errors as validation found them; show a section's.
        rows = [entry.errors for entry in form.sections.entries]
        form.sections.errors = rows if any(rows) else []
        treatment = _memo_treatment(treatment_id)
        if form.version.errors:
            _reset_version(form, treatment.version)
            _reset_version(form, treatment.memo.version if treatment.memo else None, "memo_version")
    return _memo_page(treatment, form, status)


def _upload_memo(treatment: Treatment, name: str, data: bytes) -> None:
    """Store the Word file as the memo; the file it replaces goes once that is committed."""
    replaced = memos.upload_memo(db.session, current_user, treatment, name, data, upload_dir())
    keep_or_remove(treatment.memo.stored_name)
    remove_when_committed(replaced)


@bp.post("/treatments/<int:treatment_id>/memo/upload")
def upload_memo(treatment_id: int):
    treatment = _memo_treatment(treatment_id)
    upload_form = MemoUploadForm()
    if upload_form.validate_on_submit():
        upload = upload_form.file.data
        name = upload.filename if upload else ""
        done = attempt(
            lambda: _upload_memo(treatment, name, read_upload(upload)),
            upload_form,
            at=lambda f, _name: f.file,
            what=memos.WHAT,
        )
        if done.ok:
            flash(f"Toppnotatet for sak {treatment.number} er nå Word-filen {name}.", "success")
            return _after_memo(treatment)
    treatment = _memo_treatment(treatment_id)
    form = MemoForm(formdata=None, data=MemoForm.values_of(treatment))
    return _memo_page(treatment, form, 400, upload_form)


@bp.post("/treatments/<int:treatment_id>/memo/upload/delete")
def remove_memo_upload(treatment_id: int):
    treatment = _memo_treatment(treatment_id)
    done = attempt(
        lambda: remove_when_committed(
            memos.remove_memo_upload(db.session, current_user, treatment)
        ),
        what="Dette",
    )
    if done.ok:
        flash(
            "Den opplastede filen er fjernet. Toppnotatet er igjen det som er skrevet her.",
            "success",
        )
    return _after_memo(treatment)
