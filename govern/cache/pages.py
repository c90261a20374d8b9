"""Rendered pages kept per process under the data revision they were built from.

A page is served from the cache only while the database's data revision is unchanged, so
a write in any process (or any worker) makes it be rendered afresh. The revision is also
the page's ETag: a browser that already has the page gets 304 Not Modified.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import current_app, make_response, request, session
from flask_login import current_user

from govern.cache.revision import committed_revision
from govern.extensions import db


class PageCache:
    """A small thread-safe LRU of rendered pages."""

    def __init__(self, size: int) -> None:
        self.size = size
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
    """The version of a page the visitor sees: 'public' for visitors not logged in.

    Logged-in users see pages shaped by their roles and their name in the header, so their
    pages are rendered each time (None: no caching).
    """
    return None if current_user.is_authenticated else "public"


def cache_key(args: tuple[str, ...]) -> tuple:
    """The request as far as the page depends on it: the path and the declared parameters.

    Any other query parameter (a cache-busting `?v=…`, tracking tags) does not change what
    the view renders, so it must not make a new entry that pushes real pages out.
    """
    return (request.path, tuple((name, tuple(request.args.getlist(name))) for name in args))


def cached_page(view: Callable | None = None, *, args: tuple[str, ...] = ()) -> Callable:
    """Serve a GET page from the cache while the data has not changed since it was built.

    `args` names the query parameters the view reads; the others are not part of the key.
    Use as `@cached_page` or `@cached_page(args=("fra",))`.
    """
    if view is None:
        return lambda inner: cached_page(inner, args=args)

    @wraps(view)
    def wrapper(*view_args, **kwargs):
        variant = viewer_variant()
        if variant is None or not current_app.config["PAGE_CACHE_SIZE"] or session.get("_flashes"):
            # A page that carries a one-time message is never cached or served from cache.
            return view(*view_args, **kwargs)
        revision = committed_revision(db.engine)
        etag = f"r{revision}-{variant}"
        key = (cache_key(args), variant, revision)
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
