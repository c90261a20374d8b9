"""Pages for bodies: the list and one body."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from govern import queries
from govern.extensions import db
from govern.models.bodies import ROLE_LABELS, ROLE_ORDER
from govern.permissions import can
from govern.views.cache import cached_page

bp = Blueprint("bodies", __name__, template_folder="../../templates")


@bp.get("/")
def index():
    return redirect(url_for("bodies.list_bodies"))


@bp.get("/bodies")
@cached_page
def list_bodies():
    return render_template("bodies/list.html", bodies=queries.body_list(db.session))


@bp.get("/bodies/<slug>")
@cached_page
def view_body(slug: str):
    body = queries.body_by_slug(db.session, slug) or abort(404)
    members = sorted(body.memberships, key=lambda m: (ROLE_ORDER[m.role], m.id))
    by_role = {role: [m for m in members if m.role == role] for role in ROLE_ORDER}
    meetings = [m for m in queries.meetings_of(db.session, body) if can(current_user, "read", m)]
    years = sorted({m.year for m in meetings}, reverse=True)
    return render_template(
        "bodies/view.html",
        body=body,
        by_role={r: rows for r, rows in by_role.items() if rows},
        role_labels=ROLE_LABELS,
        meetings_by_year={y: [m for m in meetings if m.year == y] for y in years},
        may_prepare=can(current_user, "prepare", body),
    )
