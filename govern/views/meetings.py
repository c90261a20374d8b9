"""The meeting page: header like the innkalling, agenda by day."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from govern import presentation, queries
from govern.cache.pages import (
    SharedPart,
    cached_page,
    meeting_page_revision,
    part_cache,
    render_part,
    shared_part,
)
from govern.cache.readers import meeting_reader
from govern.cache.scopes import meeting_revision
from govern.extensions import db
from govern.permissions import can, require
from govern.services import change_outcomes

bp = Blueprint("meetings", __name__, template_folder="../../templates")


@bp.get("/meetings/<int:meeting_id>")
@cached_page(revision=meeting_page_revision)
def view_meeting(meeting_id: int):
    # The revision is read before anything the page shows.
    body_id, revision = meeting_revision(db.engine, meeting_id)
    if body_id is None:
        abort(404)
    reader = meeting_reader(db.session, current_user, meeting_id, body_id, revision, part_cache())
    part = shared_part(("meeting", meeting_id), revision, reader, lambda: _page(meeting_id))
    return render_template("meetings/view.html", part=part)


def _page(meeting_id: int) -> SharedPart:
    """The page as the reader's class sees it (the reader's own rights decide what shows);
    a reader who may not read the meeting gets 404 before anything is kept."""
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require("read", meeting)
    return render_part(
        "meetings/_page.html",
        meeting.title,
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
