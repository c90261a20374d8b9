"""Rendered pages kept per process under the revision they were built from.

A page is served from the cache only while the revision it was kept under is unchanged, so
a write in any process (or any worker) that reaches it makes it be rendered afresh. Pages
across bodies (the list of bodies, a case) are kept under the data revision, which every
write raises; a body's page and its meetings' pages under the revision of the body's scope
(govern/cache/scopes.py), which writes in other bodies leave alone. The revision is also the
page's ETag: a browser that already has the page gets 304 Not Modified.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import current_app, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from govern.cache.revision import committed_revision
from govern.cache.scopes import body_revision, meeting_revision
from govern.extensions import db
from govern.i18n import current_language
from govern.operations.metrics import count_cache_lookup


class PageCache:
    """A small thread-safe LRU of rendered pages."""

    def __init__(self, size: int, name: str = "page") -> None:
        self.size = size
        #: The cache's name in the metrics (hits and misses, govern/operations/metrics.py).
        self.name = name
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def keys_in_order(self) -> list[tuple]:
        """The keys, least recently used first."""
        with self._lock:
            return list(self._items)

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
        count_cache_lookup(self.name, value is not None)
        return value

    def put(self, key: tuple, value: bytes) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _cache() -> PageCache:
    cache = current_app.extensions.get("govern_page_cache")
    if cache is None:
        cache = current_app.extensions["govern_page_cache"] = PageCache(
            current_app.config["PAGE_CACHE_SIZE"]
        )
    return cache


def viewer_variant() -> str | None:
    """The version of a page the visitor sees: 'public-<language>' for visitors not logged in.

    Logged-in users see pages shaped by their roles and their name in the header, so their
    pages are rendered each time (None: no caching).
    """
    return None if current_user.is_authenticated else f"public-{current_language()}"


def cache_key(args: tuple[str, ...]) -> tuple:
    """The request as far as the page depends on it: the path and the declared parameters.

    Any other query parameter (a cache-busting `?v=…`, tracking tags) does not change what
    the view renders, so it must not make a new entry that pushes real pages out.
    """
    return (request.path, tuple((name, tuple(request.args.getlist(name))) for name in args))


def data_revision(**_view_args) -> int:
    """The revision of a page that may show any body: the data revision."""
    return committed_revision(db.engine)


def body_page_revision(slug: str, **_view_args) -> int:
    """The revision of a body's page: its scope's."""
    return body_revision(db.engine, slug)[1]


def meeting_page_revision(meeting_id: int, **_view_args) -> int:
    """The revision of a meeting's page: its body's scope's."""
    return meeting_revision(db.engine, meeting_id)[1]


def cached_page(
    view: Callable | None = None,
    *,
    args: tuple[str, ...] = (),
    revision: Callable[..., int] = data_revision,
) -> Callable:
    """Serve a GET page from the cache while the data has not changed since it was built.

    `args` names the query parameters the view reads; the others are not part of the key.
    `revision` reads, from the view's arguments, the revision the page is kept under (the
    data revision unless the page shows one body only).
    Use as `@cached_page` or `@cached_page(args=("fra",), revision=...)`.
    """
    if view is None:
        return lambda inner: cached_page(inner, args=args, revision=revision)

    @wraps(view)
    def wrapper(*view_args, **kwargs):
        variant = viewer_variant()
        if variant is None or not current_app.config["PAGE_CACHE_SIZE"] or session.get("_flashes"):
            # A page that carries a one-time message is never cached or served from cache.
            return view(*view_args, **kwargs)
        kept_under = revision(**kwargs)
        etag = f"r{kept_under}-{variant}"
        key = (cache_key(args), variant, kept_under)
        body = _cache().get(key)
        if body is None:
            response = make_response(view(*view_args, **kwargs))
            if response.status_code != 200:
                return response
            _cache().put(key, response.get_data())
        else:
            response = make_response(body)
        response.set_etag(etag, weak=True)
        response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)

    return wrapper


# -- parts of a logged-in reader's page -------------------------------------------------------

#: Written where a kept part has a form's CSRF token; each request puts the reader's own in.
CSRF_MARK = f"csrf-{secrets.token_hex(16)}"


def _csrf_mark() -> str:
    return CSRF_MARK


@dataclass(frozen=True)
class SharedPart:
    """What every reader of one class sees of a page: its title and its main content."""

    title: str
    html: str

    def for_this_reader(self) -> SharedPart:
        """The part with this request's CSRF token in its forms, ready for the layout."""
        html = self.html
        if CSRF_MARK in html:
            html = html.replace(CSRF_MARK, generate_csrf())
        return SharedPart(self.title, Markup(html))


def render_part(template: str, title: str, **context) -> SharedPart:
    """Render a page's shared part; forms in it get a mark instead of the reader's token."""
    from flask import render_template

    return SharedPart(title, render_template(template, csrf_token=_csrf_mark, **context))


def part_cache() -> PageCache | None:
    """The parts of pages kept for logged-in readers (None when caching is off)."""
    if not current_app.config["PAGE_CACHE_SIZE"]:
        return None
    return _part_cache()


def _part_cache() -> PageCache:
    cache = current_app.extensions.get("govern_part_cache")
    if cache is None:
        cache = current_app.extensions["govern_part_cache"] = PageCache(
            current_app.config["PAGE_CACHE_SIZE"], "page_part"
        )
    return cache


def shared_part(
    key: tuple, revision: int, reader: tuple, build: Callable[[], SharedPart]
) -> SharedPart:
    """The part of a page every reader of the `reader` class sees, kept under `revision`
    (read before anything the part shows is loaded), built by `build` when missing.

    The layout around it (the reader's name, messages, the logout form) is rendered for
    each request, so a logged-in reader's page costs a few small queries, not a render.
    """
    if not current_app.config["PAGE_CACHE_SIZE"]:
        return build().for_this_reader()
    full_key = (*key, revision, reader, current_language())
    part = _part_cache().get(full_key)
    if part is None:
        part = build()
        _part_cache().put(full_key, part)
    return part.for_this_reader()
