"""Calendar files and feeds, and the profile page with the personal feed link.

What is kept, and for how long, is in govern/cache/feeds.py; these are the routes.
"""

from __future__ import annotations

import secrets
from datetime import date
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from govern.cache.feeds import (
    Deadlines,
    calendar_bytes,
    calendar_order,
    meeting_events,
    send_calendar,
)
from govern.cache.pages import viewer_variant
from govern.cache.scopes import SHARED, body_revision, body_scope, person_scope, scope_revision
from govern.extensions import db
from govern.i18n import gettext, use_language
from govern.models.bodies import Body
from govern.models.meetings import PUBLISHED_STATUSES, Meeting
from govern.models.people import Person
from govern.openness import recused_meeting_ids
from govern.policy import (
    READER_ROLES,
    body_filter,
    body_ids_with,
    can,
    is_admin,
    may_read_body,
    visible_meeting_filter,
)
from govern.services import accounts, api_tokens
from govern.services import cycles as cycle_service
from govern.views.guard import require, require_login
from govern.views.language import select_language
from govern.views.unit_of_work import attempt, settle

bp = Blueprint("calendar", __name__, template_folder="../../templates")


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    # A visitor not logged in is answered from the cache before any check (like cached
    # pages), and may read published meetings only: the query itself is the check, so a
    # draft answers 404 just as require() would. Logged-in users are checked first.
    # A members-only body's meetings are not published. The public version lists exempt
    # cases by their public titles; the body's readers get the internal one.
    variant = viewer_variant()
    where = [Meeting.id == meeting_id]
    public = True
    if variant is None:
        meeting = db.session.get(Meeting, meeting_id) or abort(404)
        require("read", meeting)
        public = not reads_internal(current_user, meeting.body_id) or (
            meeting.id in recused_meeting_ids(current_user)
        )
    else:
        where += [Meeting.status.in_(PUBLISHED_STATUSES), body_filter(None, Meeting.body_id)]

    def build():
        events = meeting_events(*where, public=public)
        if not events:
            abort(404)
        return calendar_bytes(events)

    key = ("meeting", meeting_id, variant or "signed-in", "public" if public else "internal")
    return send_calendar(key, build, f"mote-{meeting_id}.ics")


@bp.get("/bodies/<slug>/calendar.ics")
def body_feed(slug: str):
    body_id, revision = body_revision(db.engine, slug)
    if body_id is None:
        abort(404)
    # A members-only body publishes nothing: its feed is for its readers (who see the
    # internal version); a public body's feed is the public version for everybody.
    body = db.session.get(Body, body_id)
    public = not body.members_only
    if not public and not may_read_body(current_user, body):
        abort(404)

    def build():
        where = (Meeting.body_id == body.id, Meeting.status.in_(PUBLISHED_STATUSES))
        events = meeting_events(*where, public=public)
        cycles = cycle_service.cycles_of(db.session, body)
        deadlines = Deadlines(cycles, lambda m: m.status in PUBLISHED_STATUSES)
        with use_language(body.document_language):
            name = (
                gettext("%(body)s – møter og frister", body=body.short_name)
                if cycles
                else gettext("%(body)s – møter", body=body.short_name)
            )
        return calendar_bytes(events, name, deadlines)

    key = ("body", body_id, "public" if public else "members")
    return send_calendar(key, build, f"{slug}.ics", revision)


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
        recused = sorted(recused_meeting_ids(reader))
        for body in bodies:
            where = (Meeting.body_id == body.id, visible_meeting_filter(reader, body))
            if reads_internal(reader, body.id) and recused:
                # A meeting with a case the person is recused from: the public version.
                events += meeting_events(*where, Meeting.id.not_in(recused), public=False)
                events += meeting_events(*where, Meeting.id.in_(recused), public=True)
            else:
                events += meeting_events(*where, public=not reads_internal(reader, body.id))
        events.sort(key=calendar_order)
        cycles = [c for b in bodies for c in cycle_service.cycles_of(db.session, b)]
        if any(m.role == "sekretariat" and m.active_on(date.today()) for m in person.memberships):
            cycles += cycle_service.cycles_of(db.session, None)  # the secretariats keep these
        deadlines = Deadlines(cycles, lambda m: can(reader, "read", m))
        # In the bodies' document language when they share one (the events are in theirs).
        languages = {b.document_language for b in bodies}
        with use_language(languages.pop() if len(languages) == 1 else None):
            name = gettext("Møter og frister – %(name)s", name=person.name)
        return calendar_bytes(events, name, deadlines)

    # Keyed by the token: a new token is a write, so the old one's file is never served.
    scopes = [person_scope(person.id), SHARED, *(body_scope(b.id) for b in bodies)]
    return send_calendar(
        ("person", feed_token), build, "moter.ics", scope_revision(db.session, scopes)
    )


def reads_internal(reader, body_id: int) -> bool:
    """Whether the reader gets the internal version of the body's calendars: administrators
    and the body's members and secretariat, who see every case treated there
    (govern.openness.may_see_case); everybody else gets the public version."""
    return is_admin(reader) or body_id in body_ids_with(reader, READER_ROLES)


def _logged_in_person() -> Person:
    require_login()
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


@bp.post("/profile/language")
def choose_language():
    """The interface language of the reader's profile ('' follows the browser)."""
    _logged_in_person()
    chosen = request.form.get("language") or None
    done = attempt(lambda: accounts.choose_language(current_user, chosen))
    if done.ok:
        with use_language(select_language()):
            flash(gettext("Språket er lagret."))
    return redirect(url_for("calendar.profile"))


@bp.post("/profile/api-tokens")
def new_api_token():
    """A personal API token; the page shows its secret once (it is stored hashed)."""
    _logged_in_person()
    name = request.form.get("name", "")
    done = attempt(lambda: api_tokens.create_token(db.session, current_user, name), quiet=True)
    if not done.ok:
        return profile(token_error=done.error.message, token_name=name), 400
    return profile(new_token=done.value[1])


@bp.post("/profile/api-tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int):
    _logged_in_person()
    done = attempt(lambda: api_tokens.revoke_token(db.session, current_user, token_id), quiet=True)
    token = done.value if done.ok else abort(404)
    flash(
        gettext(
            "API-nøkkelen «%(name)s» er trukket tilbake og virker ikke lenger.", name=token.name
        )
    )
    return redirect(url_for("calendar.profile"))


@bp.post("/profile/feed-token")
def new_feed_token():
    person = _logged_in_person()
    had_token = person.feed_token is not None
    person.feed_token = secrets.token_urlsafe(32)
    settle()
    flash(
        gettext("Ny kalenderlenke er laget. Den gamle virker ikke lenger.")
        if had_token
        else gettext("Kalenderlenken er laget.")
    )
    return redirect(url_for("calendar.profile"))
