"""Pages of the body-administration area (filled in by issue 4)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("body_admin", __name__, template_folder="../../templates")
