"""Full-text search (/sok): one box over cases, memos, innspill and decisions."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user

from govern import queries
from govern.extensions import db
from govern.models.cases import SAKSTYPE_LABELS, SAKSTYPER
from govern.models.meetings import MEETING_STATUS_LABELS
from govern.search import query as search
from govern.search.numbers import number_hits
from govern.search.text import BadQuery, parse_query
from govern.services import register

bp = Blueprint("search", __name__, template_folder="../../templates")


@bp.get("/sok")
def index():
    q = (request.args.get("q") or "").strip()[:500]
    wanted = register.parse_filter(request.args)
    page_no = request.args.get("side", "1")
    page_no = int(page_no) if page_no.isdigit() and 0 < int(page_no) < 100_000 else 1
    page, error = None, None
    numbers = number_hits(db.session, current_user, q, date.today()) if q else None
    if q:
        try:
            parsed = parse_query(q)
            page = search.search_page(
                db.session, current_user, parsed, wanted, page_no, date.today()
            )
        except BadQuery as bad:
            error = str(bad)
    return render_template(
        "search/index.html",
        q=q,
        page=page,
        error=error,
        numbers=numbers,
        wanted=wanted,
        args={"q": q, **wanted.as_args()},
        bodies=queries.body_list(db.session),
        years=search.search_years(db.session),
        statuses=register.FOLLOW_UP_FILTERS,
        status_labels=register.FILTER_LABELS,
        sakstyper=SAKSTYPER,
        sakstype_labels=SAKSTYPE_LABELS,
        meeting_status_labels=MEETING_STATUS_LABELS,
    ), (400 if error else 200)
