"""Pages for bodies: the list and one body."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from govern import queries
from govern.cache.pages import body_page_revision, cached_page
from govern.extensions import db
from govern.models.bodies import (
    BODY_KIND_NAMES,
    BODY_STATUS_NAMES,
    ROLE_LABELS,
    ROLE_ORDER,
    Body,
)
from govern.policy import can, may_read_body, visible_meeting_filter
from govern.services import followups, meeting_tasks, reminders, submissions
from govern.views.cycles import wheel_url
from govern.views.guard import require
from govern.views.submissions import may_submit

bp = Blueprint("bodies", __name__, template_folder="../../templates")


@bp.get("/")
def index():
    """The secretariat's front page: coming and overdue deadlines, submitted cases waiting;
    other logged-in users go to Mine møter, visitors to /bodies."""
    if not current_user.is_authenticated:
        return redirect(url_for("bodies.list_bodies"))
    today = date.today()
    bodies = _kept_bodies(current_user, today)
    if not bodies and not current_user.is_admin:
        return redirect(url_for("mine.my_meetings_page"))
    page = reminders.front_page(
        db.session, bodies, today, lambda meeting: can(current_user, "read", meeting)
    )
    links = {row: _wheel_url(row) for row in page.overdue + page.coming}
    overdue = followups.overdue_followups(db.session, bodies, today)
    return render_template(
        "bodies/home.html",
        page=page,
        links=links,
        bodies=bodies,
        follow_ups=[(f, (today - f.due_on).days) for f in overdue],
        submitted=submissions.pending_count(db.session, [b.id for b in bodies]),
        meetings=meeting_tasks.front_page_meetings(db.session, bodies, today),
    )


def _kept_bodies(user, today: date) -> list:
    """The bodies whose secretariat the user is in today (every internal body for admins)."""
    if user.is_admin:
        return [b for b in queries.body_list(db.session) if not b.external]
    found = {
        m.body.id: m.body
        for m in user.person.memberships
        if m.role == "sekretariat" and m.active_on(today)
    }
    return sorted(found.values(), key=lambda b: b.name)


def _wheel_url(row) -> str:
    return wheel_url(row.body_slug, row.cycle_slug, row.year)


@bp.get("/bodies")
@cached_page
def list_bodies():
    bodies = queries.body_list(db.session)
    readable = {b.id for b in bodies if may_read_body(current_user, b)}
    return render_template("bodies/list.html", bodies=bodies, readable=readable)


@bp.get("/bodies/<slug>")
@cached_page(args=("ar",), revision=body_page_revision)
def view_body(slug: str):
    body = queries.body_by_slug(db.session, slug) or abort(404)
    require("read", body)  # a members-only body is not revealed to others (404)
    members = sorted(body.memberships, key=lambda m: (ROLE_ORDER[m.role], m.id))
    by_role = {role: [m for m in members if m.role == role] for role in ROLE_ORDER}
    shown, other_years, year = _meetings_shown(body, request.args.get("ar", ""))
    meetings = [m for m in shown if can(current_user, "read", m)]
    years = sorted({m.year for m in meetings}, reverse=True)
    return render_template(
        "bodies/view.html",
        body=body,
        by_role={r: rows for r, rows in by_role.items() if rows},
        role_labels=ROLE_LABELS,
        kind_name=BODY_KIND_NAMES.get(body.kind, body.kind),
        status_name=BODY_STATUS_NAMES.get(body.status, body.status),
        meetings_by_year={y: [m for m in meetings if m.year == y] for y in years},
        other_years=other_years,
        year=year,
        may_prepare=can(current_user, "prepare", body),
        may_submit=may_submit(body),
        waiting=submissions.pending_count(db.session, [body.id]).get(body.id, 0)
        if can(current_user, "prepare", body)
        else 0,
        product_area=_product_area_links(body),
    )


def _meetings_shown(body: Body, year_text: str) -> tuple[list, list[int], int | None]:
    """The meetings the body page lists, the other years to link to, and the year asked for.

    A year asked for (?ar=2019) lists that year's meetings; otherwise the page lists those
    from the year of the last meeting held on, so its cost does not grow with the years
    behind it; older years are links.
    """
    visible = visible_meeting_filter(current_user, body)
    years, begun = queries.recent_meeting_years(db.session, body, visible, date.today())
    year = next((y for y in years if str(y) == year_text), None)
    if year is not None:
        return queries.meetings_of(db.session, body, year), [y for y in years if y != year], year
    older = [y for y in years if begun is not None and y < begun]
    return queries.meetings_of(db.session, body, since=begun), older, None


def _product_area_links(body: Body) -> str | None:
    """Which links to the endringsråd's product area the visitor gets: None (not an
    endringsråd, or not a reader), "setup" (no area yet; the secretariat may make one) or
    "all" (the area and its change requests)."""
    from govern.services.changes import area_of
    from govern.views.changes.common import may_read_changes

    if body.kind != "endringsråd" or not may_read_changes(body):
        return None
    if area_of(db.session, body) is not None:
        return "all"
    return "setup" if can(current_user, "prepare", body) else None
