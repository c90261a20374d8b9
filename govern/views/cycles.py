"""The annual cycle (årshjul) pages: the wheel, its table, the Word version, done marks."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cycles", __name__, template_folder="../../templates")
