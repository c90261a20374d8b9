"""The annual cycle (årshjul) pages: the wheel, its table, the Word version, done marks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from govern import queries
from govern.exports.arshjul import build_arshjul
from govern.exports.docx_common import safe_filename
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.cycles import Cycle
from govern.policy import can
from govern.services import cycles as cycle_service
from govern.services.errors import GovernError
from govern.views.documents import send_document
from govern.views.guard import require
from govern.views.unit_of_work import attempt
from govern.wheel import Row, build_wheel, year_rows

bp = Blueprint("cycles", __name__, template_folder="../../templates")

FIRST_YEAR, LAST_YEAR = 1970, 2200


class BadYear(Exception):
    """A year in the address that is not a year we can show."""

    def __init__(self, text: str) -> None:
        self.text = text


@bp.errorhandler(BadYear)
def _bad_year(error: BadYear):
    message = _(
        "«%(text)s» er ikke et gyldig år. Skriv et år mellom %(first)s og %(last)s, "
        "for eksempel ?year=2026.",
        text=error.text,
        first=FIRST_YEAR,
        last=LAST_YEAR,
    )
    title = _("Ugyldig år")
    return render_template("errors/error.html", code=400, title=title, text=message), 400


def _year() -> int:
    """The year asked for (this year if none); a bad one answers 400 with a message."""
    text = request.args.get("year")
    if text is None or text == "":
        return today().year
    text = text.strip()
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise BadYear(text[:20])
    return int(text)


def wheel_url(body_slug: str | None, cycle_slug: str | None, year: int | None = None) -> str:
    """The wheel a deadline belongs on: its body's, or its shared cycle's."""
    if body_slug is not None:
        return url_for("cycles.body_wheel", slug=body_slug, year=year)
    return url_for("cycles.shared_wheel", cycle_slug=cycle_slug, year=year)


def today() -> date:
    """Today's date (a function, so tests can pin the day)."""
    return date.today()


@dataclass
class Plan:
    """Everything the wheel page and the Word version show for one year."""

    title: str
    year: int
    today: date
    rows: list[Row]
    cycles: list[Cycle]
    links: dict = field(default_factory=dict)


def _plan(body, cycles: list[Cycle], year: int) -> Plan:
    day = today()
    first, last = date(year, 1, 1), date(year, 12, 31)
    occurrences = cycle_service.plan_between(db.session, cycles, first, last, day)
    occurrences = [
        o for o in occurrences if o.meeting is None or can(current_user, "read", o.meeting)
    ]
    meetings = []
    if body is not None:
        meetings = [
            m for m in queries.meetings_of(db.session, body, year) if can(current_user, "read", m)
        ]
    title = body.short_name if body is not None else cycles[0].name
    rows = year_rows(meetings, occurrences, day)
    return Plan(title, year, day, rows, cycles, _links(body, cycles, year))


def _links(body, cycles: list[Cycle], year: int) -> dict:
    """The secretariat's links: keep each cycle, start one, plan next year."""
    target = body if body is not None else (cycles[0] if cycles else None)
    if target is None or not can(current_user, "prepare", target):
        return {}
    links = {
        "edit": [(c.name, url_for("cycle_admin.edit_cycle", cycle_slug=c.slug)) for c in cycles]
    }
    if body is not None:
        links["new"] = url_for("cycle_admin.new_body_cycle", slug=body.slug)
        links["plan"] = url_for("rollover.plan_year", slug=body.slug, year=year + 1)
    return links


def _render(plan: Plan, body=None, cycle=None):
    wheel = build_wheel(
        plan.rows, plan.year, plan.today, _("Årshjul %(year)s", year=plan.year) + f" – {plan.title}"
    )
    may_prepare = bool(plan.cycles) and can(current_user, "prepare", plan.cycles[0])
    return render_template(
        "cycles/wheel.html",
        plan=plan,
        body=body,
        cycle=cycle,
        wheel=Markup(wheel),
        may_prepare=may_prepare,
    )


def _body(slug: str):
    return queries.body_by_slug(db.session, slug) or abort(404)


def _cycle(cycle_slug: str) -> Cycle:
    return db.session.scalar(select(Cycle).where(Cycle.slug == cycle_slug)) or abort(404)


def _to_body(cycle: Cycle, endpoint: str):
    """A body's cycle is shown on the body's wheel (with its meetings)."""
    return redirect(url_for(endpoint, slug=cycle.body.slug, year=request.args.get("year")))


@bp.get("/bodies/<slug>/arshjul")
def body_wheel(slug: str):
    body = _body(slug)
    year = _year()
    plan = _plan(body, cycle_service.cycles_of(db.session, body), year)
    return _render(plan, body=body)


@bp.get("/arshjul")
def shared_cycles():
    cycles = cycle_service.cycles_of(db.session, None)
    return render_template("cycles/shared.html", cycles=cycles, year=today().year)


@bp.get("/arshjul/<cycle_slug>")
def shared_wheel(cycle_slug: str):
    cycle = _cycle(cycle_slug)
    if cycle.body is not None:
        return _to_body(cycle, "cycles.body_wheel")
    return _render(_plan(None, [cycle], _year()), cycle=cycle)


def _docx(plan: Plan):
    content = build_arshjul(
        plan.title, plan.year, plan.rows, current_app.config.get("DOCX_TEMPLATE")
    )
    return send_document(
        content, safe_filename(_("Årshjul %(year)s", year=plan.year) + f" – {plan.title}") + ".docx"
    )


@bp.get("/bodies/<slug>/arshjul.docx")
def body_wheel_docx(slug: str):
    body = _body(slug)
    return _docx(_plan(body, cycle_service.cycles_of(db.session, body), _year()))


@bp.get("/arshjul/<cycle_slug>.docx")
def shared_wheel_docx(cycle_slug: str):
    cycle = _cycle(cycle_slug)
    if cycle.body is not None:
        return _to_body(cycle, "cycles.body_wheel_docx")
    return _docx(_plan(None, [cycle], _year()))


def _change_mark(entry_id: int, done: bool):
    try:
        entry = cycle_service.find_entry(db.session, entry_id)
    except GovernError:
        abort(404)
    require("prepare", entry)
    key = request.form.get("key", "")

    def work() -> None:
        if done:
            cycle_service.mark_done(db.session, entry, key, current_user.person, current_user)
        else:
            cycle_service.undo_done(db.session, entry, key, current_user)

    if attempt(work, what=_("Fristen")).ok:
        flash(
            _("«%(title)s» er markert som utført.", title=entry.title)
            if done
            else _("«%(title)s» er ikke lenger utført.", title=entry.title)
        )
    return redirect(_back_to(entry, request.form.get("year", "")))


def _back_to(entry, year_text: str) -> str:
    year = (
        int(year_text)
        if year_text.isdigit() and FIRST_YEAR <= int(year_text) <= LAST_YEAR
        else None
    )
    cycle = entry.cycle
    if cycle.body is not None:
        return url_for("cycles.body_wheel", slug=cycle.body.slug, year=year) + "#plan"
    return url_for("cycles.shared_wheel", cycle_slug=cycle.slug, year=year) + "#plan"


@bp.post("/cycle-entries/<int:entry_id>/done")
def mark_done(entry_id: int):
    return _change_mark(entry_id, done=True)


@bp.post("/cycle-entries/<int:entry_id>/undone")
def undo_done(entry_id: int):
    return _change_mark(entry_id, done=False)
