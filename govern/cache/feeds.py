"""Calendar files and feeds as kept in the cache: each meeting's events, whole files.

The same data gives the same bytes, so the ETag is a hash of the content and a calendar that
polls a feed gets 304 while nothing has changed. Files are kept under the data revision, or
a feed under the revision of the scopes it shows; after a write, each meeting's events are
reused while the rows they are built from are unchanged, so a ten-year feed is rebuilt only
where something changed. The routes are in govern/views/calendar.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from hashlib import sha256

from flask import current_app, make_response, request
from sqlalchemy import func, or_, select

from govern.cache import calendar_rows
from govern.cache.pages import PageCache
from govern.cache.revision import committed_revision
from govern.exports.calendar import calendar_file, event_bytes
from govern.exports.calendar_deadlines import deadline_chunks
from govern.extensions import db
from govern.i18n import DEFAULT_LANGUAGE, current_language, use_language
from govern.models.audit import AuditEntry
from govern.models.cycles import Cycle
from govern.models.meetings import Meeting
from govern.services import cycles as cycle_service


def _base_url() -> str:
    return current_app.config["BASE_URL"]


def _calendar_cache() -> PageCache:
    cache = current_app.extensions.get("govern_calendar_cache")
    if cache is None:
        cache = current_app.extensions["govern_calendar_cache"] = PageCache(
            current_app.config["PAGE_CACHE_SIZE"], "calendar"
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
        cache = current_app.extensions["govern_calendar_events"] = PageCache(
            EVENT_CACHE_SIZE, "calendar_events"
        )
    return cache


def meeting_events(*where, public: bool) -> list[tuple[calendar_rows.Fingerprint, bytes]]:
    """Each meeting's VEVENT bytes, by year and number, with its fingerprint: the public
    version (exempt cases by their public titles) or the internal one, as `public` says.

    Events are reused while the rows they are built from, the base URL, the configured
    sender and the day (the organizer is the secretariat member active today) are unchanged;
    only the other meetings are fetched and built. What is built is kept only if no write
    was committed while it was read, so the rows it was built from are the fingerprinted ones.
    """
    base_url, cache = _base_url(), _event_cache()
    mail_from = current_app.config.get("MAIL_FROM")
    if cache is None:
        sources = calendar_rows.calendar_sources(db.session, *where)
        return [
            (
                calendar_rows.Fingerprint(s.meeting_id, s.first_date, s.updated_at, b""),
                event_bytes(
                    calendar_rows.calendar_snapshot(s), base_url, mail_from=mail_from, public=public
                ),
            )
            for s in sources
        ]
    # The version is part of the key: a public feed never gets an internal event.
    context = repr((base_url, mail_from, date.today(), public)).encode()
    revision = committed_revision(db.engine)
    prints = calendar_rows.fingerprints(db.session, *where)
    keys = {p.meeting_id: sha256(p.digest + context).digest() for p in prints}
    chunks = {n: cache.get(key) for n, key in keys.items()}
    missing = [n for n, chunk in chunks.items() if chunk is None]
    if missing:
        sources = calendar_rows.calendar_sources(db.session, Meeting.id.in_(missing))
        keep = committed_revision(db.engine) == revision
        for source in sources:
            chunk = event_bytes(
                calendar_rows.calendar_snapshot(source),
                base_url,
                mail_from=mail_from,
                public=public,
            )
            chunks[source.meeting_id] = chunk
            if keep:
                cache.put(keys[source.meeting_id], chunk)
    return [(p, chunks[p.meeting_id]) for p in prints if chunks[p.meeting_id] is not None]


def calendar_order(event: tuple[calendar_rows.Fingerprint, bytes]) -> tuple:
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
    those tied to meetings the reader may not see. Each cycle's deadlines are worded in its
    body's document language (bokmål for the shared cycles), as its events are."""

    def __init__(self, cycles: list[Cycle], visible: Callable[[Meeting], bool]) -> None:
        today = date.today()
        first, last = date(today.year - 1, 1, 1), date(today.year + 1, 12, 31)
        by_language: dict[str, list[Cycle]] = {}
        for cycle in cycles:
            language = cycle.body.document_language if cycle.body is not None else None
            by_language.setdefault(language or DEFAULT_LANGUAGE, []).append(cycle)
        planned = []
        for language, group in sorted(by_language.items()):
            with use_language(language):
                planned += cycle_service.plan_between(db.session, group, first, last, today)
        # The order plan_between gives one group, over all of them.
        planned.sort(key=lambda o: (o.starts_on, o.ends_on, o.title, o.entry.id))
        found = [o for o in planned if o.meeting is None or visible(o.meeting)]
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
    for feeds, under the given `revision` of the scopes they show (see govern.cache.scopes) and
    today's date, so a calendar polling a feed costs a query until something it shows is
    written. `build` runs only on a miss, so checks it makes (404, permissions) come before
    anything is kept.
    """
    cached = None
    # The reader's language may word the file's name (X-WR-CALNAME); the events are in
    # their bodies' languages whoever asks.
    key = (*key, current_language())
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
