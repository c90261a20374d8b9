"""Calendar files and feeds, and the profile page with the personal feed link.

The same data gives the same bytes, so the ETag is a hash of the content and a calendar that
polls a feed gets 304 while nothing has changed. Files are kept under the data revision;
after a write, each meeting's events are reused while the rows they are built from are
unchanged, so a ten-year feed is rebuilt only where something changed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime
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
from sqlalchemy import func, or_, select

from govern import calendar_rows
from govern.exports.calendar import calendar_file, event_bytes
from govern.exports.calendar_deadlines import deadline_chunks
from govern.extensions import db
from govern.models.audit import AuditEntry
from govern.models.bodies import Body
from govern.models.cycles import Cycle
from govern.models.meetings import PUBLISHED_STATUSES, Meeting
from govern.models.people import Person
from govern.permissions import NeedLogin, can, require, visible_meeting_filter
from govern.revision import committed_revision
from govern.revision_scopes import (
    SHARED,
    body_revision,
    body_scope,
    person_scope,
    scope_revision,
)
from govern.services import api_tokens
from govern.services import cycles as cycle_service
from govern.services.errors import GovernError
from govern.views.cache import PageCache, viewer_variant

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


#: Meetings whose serialized events are kept per process (about 1 kB each).
EVENT_CACHE_SIZE = 4096


def _event_cache() -> PageCache | None:
    """Each meeting's VEVENT bytes by a digest of everything they are built from."""
    if not current_app.config["PAGE_CACHE_SIZE"]:
        return None
    cache = current_app.extensions.get("govern_calendar_events")
    if cache is None:
        cache = current_app.extensions["govern_calendar_events"] = PageCache(EVENT_CACHE_SIZE)
    return cache


def meeting_events(*where) -> list[tuple[calendar_rows.Fingerprint, bytes]]:
    """Each meeting's VEVENT bytes, by year and number, with its fingerprint.

    Events are reused while the rows they are built from, the base URL, the configured
    sender and the day (the organizer is the secretariat member active today) are unchanged;
    only the other meetings are fetched and built. What is built is kept only if no write
    was committed while it was read, so the rows it was built from are the fingerprinted ones.
    """
    base_url, cache = _base_url(), _event_cache()
    if cache is None:
        sources = calendar_rows.calendar_sources(db.session, *where)
        return [
            (
                calendar_rows.Fingerprint(s.meeting_id, s.first_date, s.updated_at, b""),
                event_bytes(calendar_rows.calendar_snapshot(s), base_url),
            )
            for s in sources
        ]
    context = repr((base_url, current_app.config.get("MAIL_FROM"), date.today())).encode()
    revision = committed_revision(db.engine)
    prints = calendar_rows.fingerprints(db.session, *where)
    keys = {p.meeting_id: sha256(p.digest + context).digest() for p in prints}
    chunks = {n: cache.get(key) for n, key in keys.items()}
    missing = [n for n, chunk in chunks.items() if chunk is None]
    if missing:
        sources = calendar_rows.calendar_sources(db.session, Meeting.id.in_(missing))
        keep = committed_revision(db.engine) == revision
        for source in sources:
            chunk = event_bytes(calendar_rows.calendar_snapshot(source), base_url)
            chunks[source.meeting_id] = chunk
            if keep:
                cache.put(keys[source.meeting_id], chunk)
    return [(p, chunks[p.meeting_id]) for p in prints if chunks[p.meeting_id] is not None]


def _calendar_order(event: tuple[calendar_rows.Fingerprint, bytes]) -> tuple:
    meeting = event[0]
    return (meeting.first_date is None, meeting.first_date, meeting.meeting_id)


def calendar_bytes(
    events: list[tuple], name: str | None = None, deadlines: Deadlines | None = None
):
    """A calendar file of the meetings' events (and annual-cycle deadlines), and its
    Last-Modified."""
    chunks = [chunk for _, chunk in events]
    stamps = [p.updated_at for p, _ in events if p.updated_at is not None]
    if deadlines is not None:
        chunks += deadlines.chunks
        stamps += [deadlines.changed_at] if deadlines.changed_at else []
    return calendar_file(chunks, name=name), (max(stamps) if stamps else None)


class Deadlines:
    """The annual-cycle deadlines of a feed: from a year ago to the end of next year, minus
    those tied to meetings the reader may not see."""

    def __init__(self, cycles: list[Cycle], visible: Callable[[Meeting], bool]) -> None:
        today = date.today()
        first, last = date(today.year - 1, 1, 1), date(today.year + 1, 12, 31)
        found = [
            o
            for o in cycle_service.plan_between(db.session, cycles, first, last, today)
            if o.meeting is None or visible(o.meeting)
        ]
        base = _base_url().rstrip("/")

        def link(occurrence) -> str:
            cycle = occurrence.entry.cycle
            year = occurrence.starts_on.year
            if cycle.body is not None:
                return f"{base}/bodies/{cycle.body.slug}/arshjul?year={year}"
            return f"{base}/arshjul/{cycle.slug}?year={year}"

        self.chunks = deadline_chunks(found, link)
        # Every change to a cycle, its entries or a done mark is in the audit log.
        body_ids = {c.body_id for c in cycles}
        where = [AuditEntry.action.like("cycle.%")]
        if None in body_ids:
            where.append(
                or_(AuditEntry.body_id.in_(body_ids - {None}), AuditEntry.body_id.is_(None))
            )
        else:
            where.append(AuditEntry.body_id.in_(body_ids))
        self.changed_at = (
            db.session.scalar(select(func.max(AuditEntry.at)).where(*where)) if cycles else None
        )


def send_calendar(
    key: tuple,
    build: Callable[[], tuple[bytes, datetime | None]],
    name: str,
    revision: int | None = None,
):
    """Answer with a calendar file, or 304 when the client already has these bytes.

    The file is kept under the data revision it was built from (like cached pages), or,
    for feeds, under the given `revision` of the scopes they show (see revision_scopes) and
    today's date, so a calendar polling a feed costs a query until something it shows is
    written. `build` runs only on a miss, so checks it makes (404, permissions) come before
    anything is kept.
    """
    cached = None
    if current_app.config["PAGE_CACHE_SIZE"]:
        if revision is None:
            key = (*key, committed_revision(db.engine))
        else:
            key = (*key, revision, date.today())
        cached = _calendar_cache().get(key)
    if cached is None:
        content, last_modified = build()
        cached = (content, sha256(content).hexdigest()[:40], last_modified)
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
    # A visitor not logged in is answered from the cache before any check (like cached
    # pages), and may read published meetings only: the query itself is the check, so a
    # draft answers 404 just as require() would. Logged-in users are checked first.
    variant = viewer_variant()
    where = [Meeting.id == meeting_id]
    if variant is None:
        require("read", db.session.get(Meeting, meeting_id) or abort(404))
    else:
        where.append(Meeting.status.in_(PUBLISHED_STATUSES))

    def build():
        events = meeting_events(*where)
        if not events:
            abort(404)
        return calendar_bytes(events)

    key = ("meeting", meeting_id, variant or "signed-in")
    return send_calendar(key, build, f"mote-{meeting_id}.ics")


@bp.get("/bodies/<slug>/calendar.ics")
def body_feed(slug: str):
    body_id, revision = body_revision(db.engine, slug)
    if body_id is None:
        abort(404)

    def build():
        body = db.session.get(Body, body_id)
        where = (Meeting.body_id == body.id, Meeting.status.in_(PUBLISHED_STATUSES))
        events = meeting_events(*where)
        cycles = cycle_service.cycles_of(db.session, body)
        deadlines = Deadlines(cycles, lambda m: m.status in PUBLISHED_STATUSES)
        name = f"{body.short_name} – møter og frister" if cycles else f"{body.short_name} – møter"
        return calendar_bytes(events, name, deadlines)

    return send_calendar(("body", body_id), build, f"{slug}.ics", revision)


@bp.get("/feeds/<feed_token>.ics")
def person_feed(feed_token: str):
    person = db.session.scalar(select(Person).where(Person.feed_token == feed_token))
    if person is None:
        abort(404)
    bodies = list({m.body_id: m.body for m in person.memberships}.values())

    def build():
        # What the person would see logged in, without an admin's extra reach.
        reader = SimpleNamespace(is_authenticated=True, is_admin=False, person=person)
        events = []
        for body in bodies:
            where = (Meeting.body_id == body.id, visible_meeting_filter(reader, body))
            events += meeting_events(*where)
        events.sort(key=_calendar_order)
        cycles = [c for b in bodies for c in cycle_service.cycles_of(db.session, b)]
        if any(m.role == "sekretariat" and m.active_on(date.today()) for m in person.memberships):
            cycles += cycle_service.cycles_of(db.session, None)  # the secretariats keep these
        deadlines = Deadlines(cycles, lambda m: can(reader, "read", m))
        return calendar_bytes(events, f"Møter og frister – {person.name}", deadlines)

    # Keyed by the token: a new token is a write, so the old one's file is never served.
    scopes = [person_scope(person.id), SHARED, *(body_scope(b.id) for b in bodies)]
    return send_calendar(
        ("person", feed_token), build, "moter.ics", scope_revision(db.session, scopes)
    )


def _logged_in_person() -> Person:
    if not current_user.is_authenticated:
        raise NeedLogin()
    return current_user.person


@bp.get("/profile")
def profile(**api_token_state):
    person = _logged_in_person()
    feed_url = None
    if person.feed_token:
        feed_url = url_for("calendar.person_feed", feed_token=person.feed_token, _external=True)
        feed_url = "https://" + feed_url.split("://", 1)[1]
    webcal = "webcal://" + feed_url.split("://", 1)[1] if feed_url else None
    return render_template(
        "calendar/profile.html",
        person=person,
        user=current_user,
        feed_url=feed_url,
        webcal=webcal,
        api_tokens=api_tokens.tokens_of(db.session, current_user),
        **api_token_state,
    )


@bp.post("/profile/api-tokens")
def new_api_token():
    """A personal API token; the page shows its secret once (it is stored hashed)."""
    _logged_in_person()
    name = request.form.get("name", "")
    try:
        _, secret = api_tokens.create_token(db.session, current_user, name)
    except GovernError as error:
        db.session.rollback()
        return profile(token_error=error.message, token_name=name), 400
    db.session.commit()
    return profile(new_token=secret)


@bp.post("/profile/api-tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int):
    _logged_in_person()
    try:
        token = api_tokens.revoke_token(db.session, current_user, token_id)
    except GovernError:
        abort(404)
    db.session.commit()
    flash(f"API-nøkkelen «{token.name}» er trukket tilbake og virker ikke lenger.")
    return redirect(url_for("calendar.profile"))


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
