"""The changes area of an endringsråd, by sub-topic: common.py (the blueprint and what the
pages share), area.py (the product area and the backlog), requests.py (one change request:
edit, status, escalation, outcome). Importing the package registers every route on `bp`."""

from __future__ import annotations

from govern.views.changes import area, requests  # noqa: F401  (their routes are on bp)
from govern.views.changes.common import bp

__all__ = ["bp"]
