"""Running and closing a meeting: attendance, the referat per case, send, approve, correct."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from govern import presentation, queries
from govern.domain.quorum import quorum_of
from govern.extensions import db
from govern.forms.base import reset_version
from govern.forms.changes import EscalationMinutesForm
from govern.forms.forfall import SubstituteForm
from govern.forms.minutes import (
    NONE,
    AttendanceCorrectionForm,
    AttendanceForm,
    CorrectionForm,
    MinutesForm,
)
from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.bodies import ROLE_NAMES
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.models.memos import Memo
from govern.models.minutes import MinutesRevision
from govern.models.people import Person
from govern.presentation import MEMBER_ROLES
from govern.services import (
    answers,
    attendance,
    change_outcomes,
    forfall,
    minutes,
    minutes_approval,
    minutes_comments,
    minutes_corrections,
    minutes_locking,
)
from govern.timeutil import clock, local, short_date
from govern.views.guard import require
from govern.views.unit_of_work import attempt

bp = Blueprint("minutes", __name__, template_folder="../../templates")

#: Where a service error goes in a form: (form, error.field) -> the field.
Placer = Callable[[Any, str], Any]


# -- helpers --------------------------------------------------------------------------------


def _meeting_or_404(meeting_id: int) -> Meeting:
    return queries.meeting_full(db.session, meeting_id) or abort(404)


def treatment_or_404(
    treatment_id: int, *, in_meeting: bool = False, with_memo: bool = False
) -> Treatment:
    """The treatment with what the minutes and memo pages show; 404 if there is none (or,
    `in_meeting`, if it is not on a meeting's agenda)."""
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


def _button(work: Callable[[], str]) -> None:
    """Run a button's service call (it returns the message) and flash the outcome."""
    done = attempt(work, what=_("Møtet"))
    if done.ok:
        flash(done.value, "success")


def _named(revision: MinutesRevision) -> dict:
    return {"number": revision.number, "reason": revision.reason}


def when(moment: datetime) -> str:
    """A moment as the revision lists show it: '3. mars kl. 10.00'."""
    at = local(moment)
    return _("%(date)s kl. %(time)s", date=short_date(at.date()), time=clock(at.time()))


# -- attendance -----------------------------------------------------------------------------


def _attendance_form(
    meeting: Meeting, rows: list[attendance.Attendee], kind: type[AttendanceForm] = AttendanceForm
) -> AttendanceForm:
    """The form as posted, or filled from what is recorded, else from the forfall reported
    (a vara preselects whom they stand in for); with the choices of every select."""
    if request.method == "POST":
        form = kind()
    else:
        proposed = forfall.attendance_prefill(db.session, meeting)
        data = [_row_data(r, proposed.get(r.person.id)) for r in rows]
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


def _row_data(r: attendance.Attendee, proposal: forfall.Prefill | None) -> dict:
    """One row as recorded, or as the forfall proposes, or empty."""
    if r.recorded is None and proposal is not None:
        return {
            "person_id": r.person.id,
            "status": proposal.status,
            "deputy_for": proposal.deputy_for_id or NONE,
            "days": list(proposal.days),
        }
    recorded = r.recorded
    return {
        "person_id": r.person.id,
        "status": recorded.status if recorded else "",
        "deputy_for": (
            recorded.deputy_for_id
            if recorded
            else (r.membership.deputy_for_id if r.membership else None)
        )
        or NONE,
        "days": list(recorded.days or []) if recorded else [],
    }


def _not_called(meeting: Meeting, rows: list[attendance.Attendee]) -> frozenset[int]:
    """Varas not standing in (not called in, or said no): "Alle til stede" leaves them out."""
    called = forfall.standing_in(db.session, meeting)
    return frozenset(r.person.id for r in rows if r.role == "vara" and r.person.id not in called)


def _attendance_placer(targets: list) -> Placer:
    """Service errors name 'rows[i].field'; find that row's field in the form."""

    def place(form: AttendanceForm, field: str):
        index, _sep, name = (field or "").removeprefix("rows[").partition("].")
        if name and index.isdigit() and int(index) < len(targets):
            return form.field_for(targets[int(index)], name)
        return form.fingerprint

    return place


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
def meeting_attendance(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("prepare", meeting)
    people = attendance.attendees(meeting)
    form = _attendance_form(meeting, people)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        rows, targets = form.to_input(_not_called(meeting, people))
        done = attempt(
            lambda: attendance.set_attendance(
                db.session, current_user, meeting, rows, form.fingerprint.data
            ),
            form,
            at=_attendance_placer(targets),
            what=_("Oppmøtet"),
        )
        status = done.status
        if done.ok:
            flash(
                _("Oppmøtet er lagret.") if done.value else _("Ingen endringer i oppmøtet."),
                "success",
            )
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
        "minutes/attendance.html",
        meeting=meeting,
        form=form,
        people={r.person.id: r for r in attendance.attendees(meeting)},
        role_names=ROLE_NAMES,
        # Refused because someone else saved in between: show what is saved now.
        saved=presentation.attendance_lists(meeting) if status == 409 and not locked else None,
        failed=status != 200 and not locked,
        locked=locked,
        correcting=correcting,
        recorded=presentation.attendance_lists(meeting),
        quorum=quorum_of(meeting),
        absences=[
            (a, forfall.free_varas(db.session, a)) for a in forfall.absences_of(db.session, meeting)
        ],
        answers=answers.answer_texts(db.session, meeting),
        vara_form=SubstituteForm(),
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
            what=_("Oppmøtet"),
        )
        status, revision = done.status, done.value
        if done.ok:
            message = _("Oppmøtet er rettet i revisjon %(number)s: %(reason)s", **_named(revision))
            flash(message, "success")
            return redirect(url_for("minutes.corrections", meeting_id=meeting_id))
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
    form.approval_item = minutes_approval.is_approval_item(db.session, treatment)
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
    treatment = treatment_or_404(treatment_id, in_meeting=True)
    require("prepare", treatment.meeting)
    links = change_outcomes.links_of(db.session, [treatment.id])
    escalated = links.escalation_of(treatment)
    form = _minutes_form(treatment, escalated)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        done = attempt(lambda: _record_minutes(treatment, escalated, form), form, at="decision")
        status = done.status
        if done.ok:
            flash(_("Referatet for sak %(number)s er lagret.", number=treatment.number), "success")
            if done.value.approval_due is not None:
                # The vedtak approves the previous minutes: confirm what that locks.
                return redirect(url_for("minutes.approve_minutes", treatment_id=treatment.id))
            return redirect(_meeting_url(treatment.meeting, treatment))
        treatment = treatment_or_404(treatment_id)
        if form.version.errors:
            reset_version(form, treatment.version)
    return render_template(
        "minutes/minutes.html",
        treatment=treatment,
        meeting=treatment.meeting,
        form=form,
        stale=bool(form.version.errors),
        change_links=links,
        refused=status == 409 and treatment.meeting.minutes_locked,
        comments=minutes_comments.comments_on(db.session, treatment),
    ), status


def approved_message(approved: list[Meeting]) -> str:
    numbers = _(" og ").join(_("møte %(number)s", number=m.number) for m in approved)
    body = approved[-1].body.short_name
    return _(
        "Referatet fra %(meetings)s i %(body)s er godkjent og låst.", meetings=numbers, body=body
    )


@bp.route("/treatments/<int:treatment_id>/approve-minutes", methods=["GET", "POST"])
def approve_minutes(treatment_id: int):
    """Confirm, then approve, the earlier minutes this meeting's Godkjenning item approves."""
    treatment = treatment_or_404(treatment_id, in_meeting=True)
    require("prepare", treatment.meeting)
    if request.method == "GET":
        plan = minutes_approval.plan_approval(db.session, treatment.meeting)
        return render_template(
            "minutes/confirm_approval.html",
            meeting=treatment.meeting,
            treatment=treatment,
            approval_item=minutes_approval.is_approval_item(db.session, treatment),
            plan=plan,
            summary=minutes_locking.approval_summary,
        )

    def work() -> str:
        approved = minutes_locking.approve_previous_minutes(db.session, current_user, treatment)
        return approved_message(approved)

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
        "minutes/corrections.html",
        meeting=meeting,
        cases=[i.treatment for i in meeting.items if i.kind == "case"],
        chosen=chosen,
        form=form,
        revisions=list(revisions),
        labels=minutes.field_labels(),
        when=when,
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
            lambda: minutes_corrections.correct_minutes(
                db.session, current_user, meeting, chosen, form.to_input()
            ),
            form,
            at="reason",
        )
        status, revision = done.status, done.value
        if done.ok:
            message = _("Referatet er rettet i revisjon %(number)s: %(reason)s", **_named(revision))
            flash(message, "success")
            return redirect(url_for("minutes.corrections", meeting_id=meeting_id))
        meeting = _meeting_or_404(meeting_id)
        chosen = _chosen_case(meeting)
        if form.version.errors:
            reset_version(form, chosen.version)
    return _corrections_page(meeting, chosen, form, status)
