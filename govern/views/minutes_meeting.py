"""«Før referat» for the whole meeting on one page: every case of the agenda in order with
its presentation, innspill and vedtak (the vedtak starting as the forslag til vedtak), the
members' comments beside each case, and one «Lagre» that saves them all at once
(govern.services.minutes_meeting), or nothing."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from govern import queries
from govern.extensions import db
from govern.forms.base import reset_version
from govern.forms.minutes import CaseMinutesForm, MeetingMinutesForm
from govern.i18n import gettext as _
from govern.i18n import ngettext
from govern.models.meetings import Meeting
from govern.services import change_outcomes, minutes_approval, minutes_comments, minutes_meeting
from govern.views.guard import require
from govern.views.unit_of_work import attempt

bp = Blueprint("minutes_meeting", __name__, template_folder="../../templates")


def _meeting(meeting_id: int) -> Meeting:
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require("prepare", meeting)
    return meeting


def _form(meeting: Meeting) -> MeetingMinutesForm:
    cases = minutes_meeting.cases_of(meeting)
    if request.method == "POST":
        form = MeetingMinutesForm()
    else:
        form = MeetingMinutesForm(data={"cases": [CaseMinutesForm.values_of(t) for t in cases]})
    form.mark_approval_item(
        {t.id for t in cases if minutes_approval.is_approval_item(db.session, t)}
    )
    return form


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
def meeting_minutes(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = _form(meeting)
    status, refusal = (400 if request.method == "POST" else 200), None
    if form.validate_on_submit():
        done = attempt(
            lambda: minutes_meeting.record_meeting_minutes(
                db.session, current_user, meeting, form.to_input()
            ),
            form,
        )
        status = done.status
        if done.ok:
            return _saved(meeting, done.value)
        refusal = done.error
        meeting = _meeting(meeting_id)
        _show_saved_versions(meeting, form, getattr(refusal, "stale", []))
    elif request.method == "POST" and meeting.minutes_locked:
        status = 409
    return _page(meeting, form, status, refusal)


def _saved(meeting: Meeting, results: list) -> object:
    changed = [r for r in results if r.changes]
    if changed:
        flash(
            ngettext(
                "Referatet er lagret (%(num)s sak endret).",
                "Referatet er lagret (%(num)s saker endret).",
                len(changed),
            ),
            "success",
        )
    else:
        flash(_("Ingen endringer i referatet."), "success")
    due = [r for r in results if r.approval_due is not None]
    if due:
        # The Godkjenning vedtak approves the previous minutes: confirm what that locks.
        return redirect(url_for("minutes.approve_minutes", treatment_id=due[0].treatment.id))
    return redirect(url_for("meetings.view_meeting", meeting_id=meeting.id))


def _show_saved_versions(meeting: Meeting, form: MeetingMinutesForm, stale: list[str]) -> None:
    """After a refusal because someone else saved: the cases they saved carry the version
    saved now, so that saving again, having seen it, is a deliberate choice."""
    current = {t.id: t for t in minutes_meeting.cases_of(meeting)}
    for entry in form.cases:
        treatment = current.get(entry.form.treatment_id.data)
        if treatment is not None and treatment.number in stale:
            reset_version(entry.form, treatment.version)


def _page(meeting: Meeting, form: MeetingMinutesForm, status: int | None, refusal=None):
    cases = {t.id: t for t in minutes_meeting.cases_of(meeting)}
    comments = defaultdict(list)
    for c in minutes_comments.comments_of(db.session, meeting):
        comments[c.treatment_id].append(c)
    links = change_outcomes.links_of(db.session, list(cases))
    return render_template(
        "minutes/meeting_minutes.html",
        meeting=meeting,
        form=form,
        rows=[
            (e.form, cases[e.form.treatment_id.data])
            for e in form.cases
            if e.form.treatment_id.data in cases
        ],  # fmt: skip
        comments=comments,
        change_links=links,
        refusal=refusal,
        refused=status == 409 and meeting.minutes_locked,
    ), status or 200
