"""Comments (merknader) on draft minutes: members comment per case, the secretariat takes them
in or answers, then sends the final version (govern.services.minutes_comments)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from govern import openness, queries
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.minutes import MinutesComment
from govern.services import minutes_comments
from govern.timeutil import long_date
from govern.views.guard import allowed, refuse, require
from govern.views.unit_of_work import attempt

bp = Blueprint("minutes_comments", __name__, template_folder="../../templates")


def sent_note(done: minutes_comments.Sent) -> str:
    """What the flash says about the e-mails queued."""
    deadline = done.sending.deadline
    if deadline:
        return _(
            "E-post med lenke og frist for merknader (%(date)s) er lagt i kø til %(count)s medlemmer.",
            date=long_date(deadline),
            count=done.mails,
        )
    return _("E-post med lenke er lagt i kø til %(count)s medlemmer.", count=done.mails)


def _meeting(meeting_id: int):
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require("read_minutes", meeting)
    if not (allowed("comment_minutes", meeting) or allowed("prepare", meeting)):
        refuse()
    return meeting


def _page(meeting, status: int = 200, typed: dict | None = None):
    secretariat = allowed("prepare", meeting)
    comments = minutes_comments.comments_of(db.session, meeting)
    if not secretariat:
        comments = [c for c in comments if c.person_id == current_user.person_id]
    cases = [i.treatment for i in meeting.items if i.kind == "case"]
    return render_template(
        "minutes/comments.html",
        meeting=meeting,
        cases=cases,
        titles={t.id: openness.shown_title(current_user, t) for t in cases},
        held={t.id: openness.held_back_text(current_user, t) for t in cases},
        comments=comments,
        secretariat=secretariat,
        may_comment=allowed("comment_minutes", meeting),
        round=minutes_comments.open_round(meeting, date.today()),
        latest=minutes_comments.latest_sending(meeting),
        typed=typed or {},
    ), status


@bp.get("/meetings/<int:meeting_id>/referat/merknader")
def comments(meeting_id: int):
    return _page(_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/referat/merknader")
def add_comment(meeting_id: int):
    meeting = _meeting(meeting_id)
    if not allowed("comment_minutes", meeting):
        refuse()
    case = request.form.get("sak", "")
    # Not a case of this meeting (a number too long for an id, say): the service refuses it.
    treatment_id = (int(case) if case.isdigit() and len(case) < 10 else -1) if case else None
    text = request.form.get("tekst", "")
    done = attempt(
        lambda: minutes_comments.add_comment(db.session, current_user, meeting, treatment_id, text)
    )
    if done.ok:
        flash(_("Merknaden er sendt til sekretariatet."), "success")
        return redirect(url_for("minutes_comments.comments", meeting_id=meeting_id))
    return _page(_meeting(meeting_id), 400, typed={treatment_id or 0: text})


@bp.post("/minutes-comments/<int:comment_id>/svar")
def answer(comment_id: int):
    comment = db.session.get(MinutesComment, comment_id) or abort(404)
    meeting = _meeting(comment.sending.meeting_id)
    require("prepare", meeting)
    status, text = request.form.get("status", ""), request.form.get("svar", "")
    done = attempt(
        lambda: minutes_comments.answer_comment(db.session, current_user, comment, status, text)
    )
    if done.ok:
        shown = _("tatt inn") if status == "tatt inn" else _("besvart")
        flash(
            _("Merknaden fra %(name)s er %(status)s.", name=comment.person.name, status=shown),
            "success",
        )
    if request.form.get("tilbake") == "referat" and comment.treatment_id:
        target = url_for("minutes.treatment_minutes", treatment_id=comment.treatment_id)
    else:
        target = url_for("minutes_comments.comments", meeting_id=meeting.id)
    return redirect(target)


@bp.post("/meetings/<int:meeting_id>/referat/endelig")
def send_final(meeting_id: int):
    meeting = _meeting(meeting_id)
    require("prepare", meeting)
    if request.form.get("confirm") != "1":  # only the confirmation page's button sends
        return redirect(url_for("minutes_sending.confirm_final", meeting_id=meeting_id))
    base_url = current_app.config["BASE_URL"]
    done = attempt(lambda: minutes_comments.send_final(db.session, current_user, meeting, base_url))
    if done.ok:
        flash(
            _("Den endelige versjonen av referatet er sendt.") + " " + sent_note(done.value),
            "success",
        )
        return redirect(url_for("meetings.view_meeting", meeting_id=meeting_id))
    return redirect(url_for("minutes_comments.comments", meeting_id=meeting_id))
