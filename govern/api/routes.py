"""Read-only endpoints: bodies, a body's meetings, meetings, cases."""

from __future__ import annotations

from flask import abort, current_app, request, url_for
from flask_login import current_user
from sqlalchemy import select

from govern import queries
from govern.api import bp, serializers
from govern.extensions import db
from govern.models.bodies import Body
from govern.permissions import can, require, visible_meeting_filter, visible_treatments


def _int_arg(name: str, default: int | None, low: int = 1, high: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, description=f"«{name}» må være et heltall")
    if value < low or (high is not None and value > high):
        abort(400, description=f"«{name}» er utenfor gyldig område")
    return value


def _page(stmt, serialize) -> dict:
    """A paginated list: {'items': [...], 'page', 'per_page', 'total', 'pages', 'next'}."""
    page = _int_arg("page", 1)
    per_page = _int_arg(
        "per_page", current_app.config["PER_PAGE"], high=current_app.config["MAX_PER_PAGE"]
    )
    rows, total = queries.paginate(db.session, stmt, page, per_page)
    pages = max(1, -(-total // per_page))
    args = {**request.view_args, **request.args.to_dict()}
    return {
        "items": [serialize(r) for r in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "next": url_for(request.endpoint, **{**args, "page": page + 1}, _external=True)
        if page < pages
        else None,
    }


@bp.errorhandler(400)
def _bad_request(error):
    return {"error": {"status": 400, "message": error.description}}, 400


@bp.get("/")
def index():
    return {
        "bodies": url_for("api.list_bodies", _external=True),
        "version": 1,
    }


@bp.get("/bodies")
def list_bodies():
    stmt = select(Body).order_by(Body.external, Body.name, Body.id)
    return _page(stmt, serializers.body_summary)


@bp.get("/bodies/<slug>")
def get_body(slug: str):
    body = queries.body_by_slug(db.session, slug) or abort(404)
    return serializers.body_detail(body)


@bp.get("/bodies/<slug>/meetings")
def list_body_meetings(slug: str):
    body = db.session.scalar(select(Body).where(Body.slug == slug)) or abort(404)
    year = _int_arg("year", None, low=1900, high=2200)
    stmt = queries.meetings_of_stmt(body, year).where(visible_meeting_filter(current_user, body))
    return _page(stmt, serializers.meeting_summary)


@bp.get("/meetings/<int:meeting_id>")
def get_meeting(meeting_id: int):
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require("read", meeting)
    return serializers.meeting_detail(meeting, minutes=can(current_user, "read_minutes", meeting))


@bp.get("/cases/<int:case_id>")
def get_case(case_id: int):
    case = queries.case_full(db.session, case_id) or abort(404)
    treatments = visible_treatments(current_user, queries.treatments_in_order(case))
    if not treatments:
        abort(404)
    return serializers.case_detail(case, treatments, current_user)
