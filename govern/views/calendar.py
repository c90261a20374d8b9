"""Calendar files and feeds, and the profile page with the personal feed link.

Files are built on each request; the same data gives the same bytes, so the ETag is a hash
of the content and a calendar that polls a feed gets 304 while nothing has changed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from hashlib import sha256
from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from govern import queries
from govern.exports.calendar import build_feed, build_meeting_ics
from govern.extensions import db
from govern.models.bodies import Body
from govern.models.meetings import PUBLISHED_STATUSES, Meeting
from govern.models.people import Person
from govern.permissions import NeedLogin, require, visible_meeting_filter
from govern.revision import committed_revision
from govern.views.cache import PageCache

bp = Blueprint("calendar", __name__, template_folder="../../templates")


def _base_url() -> str:
    return current_app.config["BASE_URL"]


def _calendar_cache() -> PageCache:
    cache = current_app.extensions.get("govern_calendar_cache")
    if cache is None:
        cache = current_app.extensions["govern_calendar_cache"] = PageCache(
            current_app.config["PAGE_CACHE_SIZE"]
        )
    return cache


def send_calendar(key: tuple, build: Callable[[], tuple[bytes, list[Meeting]]], name: str):
    """Answer with a calendar file, or 304 when the client already has these bytes.

    The file is kept under the data revision it was built from (like cached pages), so a
    calendar polling a feed costs one small query until something is written.
    """
    cached = None
    if current_app.config["PAGE_CACHE_SIZE"]:
        key = (*key, committed_revision(db.engine))
        cached = _calendar_cache().get(key)
    if cached is None:
        content, meetings = build()
        stamps = [m.updated_at for m in meetings if m.updated_at is not None]
        cached = (content, sha256(content).hexdigest()[:40], max(stamps) if stamps else None)
        if current_app.config["PAGE_CACHE_SIZE"]:
            _calendar_cache().put(key, cached)
    content, etag, last_modified = cached
    response = make_response(content)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.no_cache = True
    return response.make_conditional(request)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    require("read", db.session.get(Meeting, meeting_id) or abort(404))

    def build():
        meetings = queries.calendar_meetings(db.session, Meeting.id == meeting_id)
        return build_meeting_ics(meetings[0], _base_url()), meetings

    return send_calendar(("meeting", meeting_id), build, f"mote-{meeting_id}.ics")


@bp.get("/bodies/<slug>/calendar.ics")
def body_feed(slug: str):
    body = db.session.scalar(select(Body).where(Body.slug == slug)) or abort(404)

    def build():
        where = (Meeting.body_id == body.id, Meeting.status.in_(PUBLISHED_STATUSES))
        meetings = queries.calendar_meetings(db.session, *where)
        return build_feed(meetings, f"{body.short_name} – møter", _base_url()), meetings

    return send_calendar(("body", body.id), build, f"{slug}.ics")


@bp.get("/feeds/<feed_token>.ics")
def person_feed(feed_token: str):
    person = db.session.scalar(select(Person).where(Person.feed_token == feed_token))
    if person is None:
        abort(404)

    def build():
        # What the person would see logged in, without an admin's extra reach.
        reader = SimpleNamespace(is_authenticated=True, is_admin=False, person=person)
        meetings = []
        for body in {m.body_id: m.body for m in person.memberships}.values():
            where = (Meeting.body_id == body.id, visible_meeting_filter(reader, body))
            meetings += queries.calendar_meetings(db.session, *where)
        meetings.sort(key=lambda m: (m.first_date is None, m.first_date, m.id))
        return build_feed(meetings, f"Møter – {person.name}", _base_url()), meetings

    return send_calendar(("person", person.id), build, "moter.ics")


def _logged_in_person() -> Person:
    if not current_user.is_authenticated:
        raise NeedLogin()
    return current_user.person


@bp.get("/profile")
def profile():
    person = _logged_in_person()
    feed_url = None
    if person.feed_token:
        feed_url = url_for("calendar.person_feed", feed_token=person.feed_token, _external=True)
        feed_url = "https://" + feed_url.split("://", 1)[1]
    webcal = "webcal://" + feed_url.split("://", 1)[1] if feed_url else None
    return render_template(
        "calendar/profile.html", person=person, user=current_user, feed_url=feed_url, webcal=webcal
    )


@bp.post("/profile/feed-token")
def new_feed_token():
    person = _logged_in_person()
    had_token = person.feed_token is not None
    person.feed_token = secrets.token_urlsafe(32)
    db.session.commit()
    flash(
        "Ny kalenderlenke er laget. Den gamle virker ikke lenger."
        if had_token
        else "Kalenderlenken er laget."
    )
    return redirect(url_for("calendar.profile"))
