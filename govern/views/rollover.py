"""Rolling the annual cycle into next year: proposed meetings and deadlines, confirmed."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rollover", __name__, template_folder="../../templates")
