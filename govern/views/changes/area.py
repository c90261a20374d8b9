"""The endringsråd's product area (releases, budget) and its backlog of change requests
(filters, ranking, CSV files)."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from govern.exports.spreadsheet_cells import build_csv
from govern.extensions import db
from govern.forms.changes import AreaForm, BudgetForm, PrioritiseForm, ReleaseForm
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.changes import CLASSIFICATION_LABELS, STATUS_LABELS
from govern.models.meetings import Meeting
from govern.services import change_decisions as decisions
from govern.services import changes
from govern.timeutil import short_moment
from govern.views.changes.common import (
    WHAT,
    area_or_404,
    body_or_404,
    bp,
    meeting_choices,
    open_meetings,
    require_member,
    visible_events,
)
from govern.views.guard import require
from govern.views.unit_of_work import attempt

# -- product area ---------------------------------------------------------------------------


def _area_page(body, area, release_form=None, budget_form=None):
    release_form = release_form or ReleaseForm(formdata=None)
    budget_form = budget_form or BudgetForm(formdata=None)
    years = sorted({b.year for b in area.budgets}) if area else []
    bars = [changes.budget_status(db.session, area, y) for y in years]
    status = 400 if release_form.errors or budget_form.errors else 200
    return render_template(
        "changes/area.html",
        body=body,
        area=area,
        bars=bars,
        release_form=release_form,
        budget_form=budget_form,
    ), status


@bp.get("/bodies/<slug>/produktomrade")
def product_area(slug: str):
    body = body_or_404(slug)
    require_member(body)
    return _area_page(body, changes.area_of(db.session, body))


@bp.route("/bodies/<slug>/produktomrade/rediger", methods=["GET", "POST"])
def edit_area(slug: str):
    body = body_or_404(slug)
    require("prepare", body)
    area = changes.area_of(db.session, body)
    form = AreaForm(obj=area)
    if form.validate_on_submit():
        done = attempt(
            lambda: changes.save_area(db.session, body, form.to_input(), current_user),
            form,
            what=WHAT,
        )
        if done.ok:
            flash(_("Produktområdet er lagret."), "success")
            return redirect(url_for("changes.product_area", slug=slug))
    status = 400 if form.errors else 200
    return render_template("changes/area_form.html", body=body, area=area, form=form), status


@bp.post("/bodies/<slug>/produktomrade/utgivelser")
def add_release(slug: str):
    body = body_or_404(slug)
    require("prepare", body)
    area = area_or_404(body)
    form = ReleaseForm()
    if form.validate():
        done = attempt(
            lambda: changes.add_release(
                db.session, area, form.name.data, form.planned_on.data, current_user
            ),
            form,
            what=WHAT,
        )
        if done.ok:
            flash(_("Utgivelsen %(name)s er lagt til.", name=form.name.data), "success")
            return redirect(url_for("changes.product_area", slug=slug))
    return _area_page(body, area, release_form=form)


@bp.post("/bodies/<slug>/produktomrade/budsjett")
def set_budget(slug: str):
    body = body_or_404(slug)
    require("prepare", body)
    area = area_or_404(body)
    form = BudgetForm()
    if form.validate():
        done = attempt(
            lambda: changes.set_budget(
                db.session, area, form.year.data, form.amount.data, current_user
            ),
            form,
            what=WHAT,
        )
        if done.ok:
            flash(_("Budsjettet for %(year)s er lagret.", year=form.year.data), "success")
            return redirect(url_for("changes.product_area", slug=slug))
    return _area_page(body, area, budget_form=form)


# -- backlog --------------------------------------------------------------------------------


def _filters(area) -> dict:
    """The backlog's filters from the query string; unknown values are ignored."""
    args = request.args
    year = args.get("year", "").strip()
    region = args.get("region", "").strip()
    return {
        "status": args.get("status") if args.get("status") in STATUS_LABELS else "",
        "classification": args.get("classification")
        if args.get("classification") in CLASSIFICATION_LABELS
        else "",
        "region": int(region) if region.isdigit() else None,
        "year": int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else date.today().year,
    }


def _filtered(area, f: dict):
    rows = changes.requests_of(db.session, area)
    return [
        r
        for r in rows
        if r.year == f["year"]
        and (not f["status"] or r.status == f["status"])
        and (not f["classification"] or r.classification == f["classification"])
        and (f["region"] is None or r.organisation_id == f["region"])
    ]


def _backlog_page(body, area, form=None):
    f = _filters(area)
    rows = _filtered(area, f)
    regions = sorted(
        {r.organisation for r in changes.requests_of(db.session, area) if r.organisation},
        key=lambda o: o.name,
    )
    form = form or PrioritiseForm(formdata=None)
    form.meeting_id.choices = meeting_choices(open_meetings(body))
    return render_template(
        "changes/backlog.html",
        body=body,
        area=area,
        rows=rows,
        filters=f,
        regions=regions,
        plan=changes.backlog(db.session, area, f["year"]),
        budget=changes.budget_status(db.session, area, f["year"]),
        statuses=STATUS_LABELS,
        classifications=CLASSIFICATION_LABELS,
        form=form,
    ), (400 if form.errors else 200)


@bp.get("/bodies/<slug>/endringsonsker")
def backlog(slug: str):
    body = body_or_404(slug)
    require_member(body)
    return _backlog_page(body, area_or_404(body))


BACKLOG_HEADER = (
    lazy_gettext("Nummer"),
    lazy_gettext("Tittel"),
    lazy_gettext("Region"),
    lazy_gettext("Klassifisering"),
    lazy_gettext("Myndighetskrav"),
    lazy_gettext("Timer"),
    lazy_gettext("Kroner"),
    lazy_gettext("Teller mot budsjett (kr)"),
    lazy_gettext("Budsjettår"),
    lazy_gettext("Status"),
    lazy_gettext("Rangering"),
    lazy_gettext("Utgivelse"),
)
HISTORY_HEADER = (
    lazy_gettext("Nummer"),
    lazy_gettext("Tittel"),
    lazy_gettext("Tidspunkt"),
    lazy_gettext("Hvem"),
    lazy_gettext("Endring"),
    lazy_gettext("Merknad"),
    lazy_gettext("Organ"),
    lazy_gettext("Møte"),
    lazy_gettext("Sak"),
)


def _csv_response(content: bytes, filename: str) -> Response:
    return Response(
        content,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/bodies/<slug>/endringsonsker.csv")
def backlog_csv(slug: str):
    body = body_or_404(slug)
    require_member(body)
    area = area_or_404(body)
    rows = (
        (
            r.number,
            r.title,
            r.organisation.name if r.organisation else "",
            r.classification_label,
            _("ja") if r.statutory else _("nei"),
            r.estimate_hours or "",
            r.estimate_nok or "",
            r.cost_nok,
            r.year,
            r.status_label,
            r.rank or "",
            r.release.name if r.release else "",
        )
        for r in _filtered(area, _filters(area))
    )
    return _csv_response(
        build_csv([str(h) for h in BACKLOG_HEADER], rows), f"endringsonsker-{body.slug}.csv"
    )


@bp.get("/bodies/<slug>/endringsonsker/historikk.csv")
def history_csv(slug: str):
    body = body_or_404(slug)
    require_member(body)
    area = area_or_404(body)
    requests = _filtered(area, _filters(area))
    one = request.args.get("onske", type=int)
    if one is not None:
        requests = [r for r in requests if r.id == one] or abort(404)
    changes.load_history(db.session, requests)
    rows = (
        (
            r.number,
            r.title,
            short_moment(e.at),
            e.actor,
            e.change_label,
            e.note,
            e.treatment.body.short_name if e.treatment else "",
            e.treatment.meeting.number if e.treatment and e.treatment.meeting else "",
            e.treatment.number if e.treatment else "",
        )
        for r in requests
        for e in visible_events(r)
    )
    name = f"endringsonsker-{body.slug}-historikk.csv"
    return _csv_response(build_csv([str(h) for h in HISTORY_HEADER], rows), name)


@bp.post("/bodies/<slug>/endringsonsker/prioriter")
def record_prioritisation(slug: str):
    body = body_or_404(slug)
    require("prepare", body)
    area = area_or_404(body)
    form = PrioritiseForm()
    form.meeting_id.choices = meeting_choices(open_meetings(body))
    year = _filters(area)["year"]
    meeting = db.session.get(Meeting, form.meeting_id.data or 0) if form.validate() else None
    if meeting is None:
        form.meeting_id.errors = [_("Velg møtet der prioriteringen ble vedtatt")]
        return _backlog_page(body, area, form)
    done = attempt(
        lambda: decisions.record_prioritisation(db.session, area, meeting, year, current_user),
        form,
        what=WHAT,
    )
    ok, treatment = done.ok, done.value
    if not ok:
        return _backlog_page(body, area, form)
    flash(
        _(
            "Prioriteringen er registrert som sak %(case)s i møte %(meeting)s.",
            case=treatment.number,
            meeting=meeting.number,
        ),
        "success",
    )
    return redirect(url_for("changes.backlog", slug=slug, year=year))
