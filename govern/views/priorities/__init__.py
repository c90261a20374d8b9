"""The prioritisation model's pages, by sub-topic: common.py (the blueprint and lookups),
rounds.py (a body's rounds, a round's result and where it goes), entry.py (what the
secretariat enters: measures, questions, scores, the import). Importing the package
registers every route on `bp`."""

from __future__ import annotations

from govern.views.priorities import entry, rounds  # noqa: F401  (their routes are on bp)
from govern.views.priorities.common import bp

__all__ = ["bp"]
