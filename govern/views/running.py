"""Pages of the running area (filled in by issue 4)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("running", __name__, template_folder="../../templates")
