"""Keeping annual cycles: creating cycles and adding, changing and removing entries."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cycle_admin", __name__, template_folder="../../templates")
