"""Rolling the annual cycle into next year: proposed meetings and deadlines, confirmed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_login import current_user

from govern import queries
from govern.extensions import db
from govern.i18n import gettext as _
from govern.i18n import ngettext
from govern.models.bodies import Body
from govern.services import rollover
from govern.services.meetings import DayInput
from govern.views.cycles import wheel_url
from govern.views.guard import require
from govern.views.unit_of_work import attempt

bp = Blueprint("rollover", __name__, template_folder="../../templates")

FIRST_YEAR, LAST_YEAR = 1970, 2200
#: At most this many meetings and days per meeting are read from a submitted form.
MAX_ROWS, MAX_DAYS = 60, 7


@dataclass
class DayRow:
    """One day of a row as typed (strings, so what was typed comes back unchanged)."""

    date: str
    start: str
    end: str
    errors: list[str] = field(default_factory=list)


@dataclass
class Row:
    """One meeting in the table: what was typed, its warnings and errors."""

    index: int
    include: bool
    location: str
    days: list[DayRow]
    number: str = ""
    source: str = ""
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    proposal: rollover.Proposal | None = None


def _year() -> int | None:
    text = (request.args.get("year") or "").strip()
    if not text:
        return date.today().year + 1
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        return None
    return int(text)


def _row_of(index: int, proposal: rollover.Proposal) -> Row:
    days = [DayRow(d.date.isoformat(), f"{d.start:%H:%M}", f"{d.end:%H:%M}") for d in proposal.days]
    source = proposal.source.number if proposal.source is not None else ""
    row = Row(index, proposal.include, proposal.location, days, proposal.number, source)
    row.warnings, row.proposal = proposal.warnings, proposal
    return row


def _parse_error(part: str, text: str) -> str:
    if part == "date":
        if text.strip():
            return _("Ugyldig dato «%(text)s»", text=text)
        return _("Oppgi dato")
    if part == "start":
        if text.strip():
            return _("Ugyldig starttid «%(text)s»", text=text)
        return _("Oppgi starttid")
    if text.strip():
        return _("Ugyldig sluttid «%(text)s»", text=text)
    return _("Oppgi sluttid")


def _parse(text: str, kind, part: str, errors: list[str]):
    try:
        value = text.strip()
        if kind is time:  # "9.30" as Norwegians write it
            value = value.replace(".", ":").rjust(5, "0")
        return kind.fromisoformat(value)
    except ValueError:
        errors.append(_parse_error(part, text))
        return None


def _typed_rows() -> list[Row]:
    """The table as submitted; each row's proposal is set when all its values are valid."""
    form, rows = request.form, []
    for i in range(min(form.get("count", 0, type=int), MAX_ROWS)):
        days = [
            DayRow(*(form.get(f"m{i}-d{j}-{part}", "") for part in ("date", "start", "end")))
            for j in range(min(form.get(f"m{i}-days", 0, type=int), MAX_DAYS))
        ]
        row = Row(i, bool(form.get(f"m{i}-include")), form.get(f"m{i}-location", ""), days)
        row.source = form.get(f"m{i}-source", "")[:20]
        parsed = []
        for day in days:
            if not day.date.strip():
                continue  # an emptied date drops the day
            values = (
                _parse(day.date, date, "date", day.errors),
                _parse(day.start, time, "start", day.errors),
                _parse(day.end, time, "end", day.errors),
            )
            parsed.append(rollover.ProposedDay(*values))
        if row.include and not parsed:
            row.errors.append(_("Oppgi minst én dato, eller ta møtet ut av planen"))
        if not row.errors and not any(d.errors for d in days):
            row.proposal = rollover.Proposal(
                f"p{i + 1}", "", parsed, row.location.strip(), include=row.include
            )
        rows.append(row)
    return rows


def _body_wheel(body: Body, year: int) -> str:
    return wheel_url(body.slug, None, year)


def _page(body: Body, year: int, rows: list[Row], message: str | None = None, check=True):
    """The table and the deadlines it gives; warnings checked again after an edit."""
    proposals = [r.proposal for r in rows if r.proposal is not None]
    if check:
        rollover.check_proposals(db.session, body, proposals, year)
    for row in rows:
        if row.proposal is not None:
            row.number, row.warnings = row.proposal.number, row.proposal.warnings
    deadlines = rollover.proposed_deadlines(db.session, body, proposals, year)
    failed = message or any(r.errors or any(d.errors for d in r.days) for r in rows)
    html = render_template(
        "rollover/plan.html", body=body, year=year, rows=rows, deadlines=deadlines, message=message
    )
    return html, 400 if failed else 200


@bp.route("/bodies/<slug>/arshjul/ny-plan", methods=["GET", "POST"])
def plan_year(slug: str):
    body = queries.body_by_slug(db.session, slug) or abort(404)
    require("prepare", body)
    year = _year()
    if year is None:
        text = _(
            "«%(text)s» er ikke et gyldig år. Skriv et år mellom %(first)s og %(last)s, "
            "for eksempel ?year=2027.",
            text=request.args["year"][:20],
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
        title = _("Ugyldig år")
        return render_template("errors/error.html", code=400, title=title, text=text), 400
    if request.method == "GET":
        proposals = rollover.propose_year(db.session, body, year)
        return _page(body, year, [_row_of(i, p) for i, p in enumerate(proposals)], check=False)
    rows = _typed_rows()
    if request.form.get("action") != "confirm" or any(r.proposal is None for r in rows):
        return _page(body, year, rows)
    chosen = [
        rollover.RowInput(
            tuple(DayInput(d.date, d.start, d.end) for d in r.proposal.days),
            r.proposal.location,
            position=r.index + 1,
        )
        for r in rows
        if r.include
    ]
    done = attempt(
        lambda: rollover.confirm_year(db.session, body, chosen, current_user, year=year),
        quiet=True,
    )
    if not done.ok:
        body = queries.body_by_slug(db.session, slug)
        return _page(body, year, rows, done.error.message)
    created = done.value
    message = ngettext(
        "%(num)s møte er planlagt for %(year)s.",
        "%(num)s møter er planlagt for %(year)s.",
        len(created),
        year=year,
    )
    flash(message, "success")
    return redirect(_body_wheel(body, year))
