"""The case page: its treatments in every body, in date order."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from govern import queries
from govern.extensions import db
from govern.permissions import visible_treatments
from govern.views.cache import cached_page

bp = Blueprint("cases", __name__, template_folder="../../templates")


@bp.get("/cases/<int:case_id>")
@cached_page
def view_case(case_id: int):
    case = queries.case_full(db.session, case_id) or abort(404)
    treatments = visible_treatments(current_user, queries.treatments_in_order(case))
    if not treatments:
        abort(404)
    return render_template("cases/view.html", case=case, treatments=treatments)
