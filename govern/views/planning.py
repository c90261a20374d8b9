"""Pages of the planning area (filled in by issue 4)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("planning", __name__, template_folder="../../templates")
