"""What is kept between requests, and when it is stale.

- revision.py: the data revision, bumped by every committed write, and the session
  listeners that keep it and the scope revisions;
- scopes.py: which scopes (a body, a person, the shared cycles) a write touched, so a page
  or a feed of one body outlives writes in the others;
- pages.py: rendered pages (whole for visitors, shared parts for logged-in readers);
- calendar_rows.py and feeds.py: calendar events and files.

create_app calls register_listeners(); nothing here registers anything when imported.
"""

from __future__ import annotations


def register_listeners() -> None:
    """Keep the data and scope revisions on every session."""
    from govern.cache import revision

    revision.register_listeners()
