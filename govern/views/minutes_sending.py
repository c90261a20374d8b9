"""Sending the minutes, always through a confirmation page that sends nothing: the draft to
the members for comments («Referat: send til medlemmene») and the final version («Send
endelig referat»). Each page shows the recipients (members and vara with their addresses,
and who has none), the e-mail's subject and text, the documents and what is missing; only
its button sends (govern.services.sending, govern.services.minutes_comments)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from govern import queries
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.meetings import Meeting
from govern.services import minutes_comments, minutes_locking, sending
from govern.views import minutes_comments as comments_views
from govern.views.guard import require
from govern.views.minutes import approved_message
from govern.views.unit_of_work import attempt

bp = Blueprint("minutes_sending", __name__, template_folder="../../templates")


def _meeting(meeting_id: int) -> Meeting:
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require("prepare", meeting)
    return meeting


def _deadline(raw: str) -> date | None:
    """The deadline asked for (YYYY-MM-DD): a week from today when none was given, None when
    it is not a date (the page then says so)."""
    raw = (raw or "").strip()
    if not raw:
        return minutes_comments.default_deadline(date.today())
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _sendable(meeting: Meeting) -> bool:
    return meeting.status == "gjennomført" and meeting.minutes_status == "utkast"


def _confirm_page(meeting: Meeting, raw_deadline: str):
    preview = None
    if _sendable(meeting):
        preview = sending.minutes_preview(
            db.session,
            meeting,
            _deadline(raw_deadline),
            current_app.config["BASE_URL"],
            date.today(),
        )
    return render_template(
        "minutes/confirm_send.html",
        meeting=meeting,
        preview=preview,
        summary=minutes_locking.approval_summary,
        frist=preview.deadline.isoformat() if preview and preview.deadline else raw_deadline,
    )


@bp.get("/meetings/<int:meeting_id>/minutes/send")
def confirm_send(meeting_id: int):
    """What «Referat: send til medlemmene» will send, to whom, and what is missing."""
    return _confirm_page(_meeting(meeting_id), request.args.get("frist", ""))


@bp.post("/meetings/<int:meeting_id>/minutes/send")
def send_minutes(meeting_id: int):
    """Send the draft for comments; only the confirmation page's button (confirm=1) sends,
    anything else is shown the confirmation page."""
    meeting = _meeting(meeting_id)
    if request.form.get("confirm") != "1" and _sendable(meeting):
        return _confirm_page(meeting, request.form.get("frist", ""))

    def work() -> str:
        deadline = _deadline(request.form.get("frist", ""))
        done = minutes_comments.send_for_comments(
            db.session, current_user, meeting, deadline, current_app.config["BASE_URL"],
            confirmed=True,
        )  # fmt: skip
        sent = _("Referatet er sendt til medlemmene.") + " " + comments_views.sent_note(done)
        return f"{sent} {approved_message(done.approved)}" if done.approved else sent

    done = attempt(work, what=_("Møtet"))
    if done.ok:
        flash(done.value, "success")
    return redirect(url_for("meetings.view_meeting", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>/referat/endelig")
def confirm_final(meeting_id: int):
    """What «Send endelig referat» will send, to whom, and what stands in the way."""
    meeting = _meeting(meeting_id)
    latest = minutes_comments.latest_sending(meeting)
    preview = None
    if meeting.minutes_status == "sendt" and latest is not None and latest.kind == "merknader":
        preview = sending.final_preview(meeting, current_app.config["BASE_URL"], date.today())
    return render_template("minutes/confirm_final.html", meeting=meeting, preview=preview)
