"""The read-only JSON API under /api/v1/."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from govern.api import routes  # noqa: E402,F401  (registers the routes on bp)
