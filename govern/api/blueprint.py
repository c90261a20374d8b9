"""The API's blueprint, apart from the package so the resource modules can import it
without importing the package that imports them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
