"""The meeting page: header like the innkalling, agenda by day."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from govern import presentation, queries
from govern.cache.pages import cached_page
from govern.extensions import db
from govern.permissions import can, require
from govern.services import change_outcomes

bp = Blueprint("meetings", __name__, template_folder="../../templates")


@bp.get("/meetings/<int:meeting_id>")
@cached_page
def view_meeting(meeting_id: int):
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require("read", meeting)
    return render_template(
        "meetings/view.html",
        meeting=meeting,
        dates=presentation.meeting_dates(meeting),
        times=presentation.meeting_times(meeting),
        members=presentation.active_members(meeting.body, meeting.first_date),
        days=presentation.agenda_days(meeting),
        attendance=presentation.attendance_lists(meeting),
        show_minutes=can(current_user, "read_minutes", meeting),
        may_prepare=can(current_user, "prepare", meeting),
        change_links=change_outcomes.links_of(
            db.session, [i.treatment_id for i in meeting.items if i.kind == "case"]
        ),
    )
