"""The decision register (/vedtak), its exports, and a decision's page with its follow-ups."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govern import queries
from govern.cache.pages import SharedPart, render_part, shared_part
from govern.cache.readers import owned_held_cases, register_reader
from govern.cache.revision import committed_revision
from govern.domain.register import follow_up_label
from govern.exports.register_table import build_register_csv, build_register_xlsx
from govern.extensions import db
from govern.forms.followups import FollowUpForm
from govern.i18n import gettext as _
from govern.models.cases import SAKSTYPE_LABELS, SAKSTYPER, Treatment, sakstype_label
from govern.models.people import Organisation, Person
from govern.openness import held_back_text, shown_title
from govern.policy import can
from govern.services import audit, followups, register
from govern.views.guard import require
from govern.views.unit_of_work import attempt

bp = Blueprint("register", __name__, template_folder="../../templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/vedtak")
def index():
    wanted = register.parse_filter(request.args)
    page_no = request.args.get("side", "1")
    page_no = int(page_no) if page_no.isdigit() and 0 < int(page_no) < 100_000 else 1
    today = date.today()
    # The revision is read before anything the page shows. Any write may change the
    # register (it spans the bodies), so the part is kept under the data revision.
    revision = committed_revision(db.engine)
    part = shared_part(
        ("register", wanted, page_no, today),
        revision,
        register_reader(current_user, today, owned_held_cases(db.session, current_user)),
        lambda: _register_part(wanted, page_no, today),
    )
    return render_template("register/index.html", part=part)


def _register_part(wanted: register.RegisterFilter, page_no: int, today: date) -> SharedPart:
    """The register's page as the reader's class sees it: the filter, one page of rows."""
    page = register.register_lines(db.session, current_user, wanted, page_no, today)
    return render_part(
        "register/_page.html",
        _("Vedtak"),
        page=page,
        decision_url=_url_prefix("register.decision", "treatment_id"),
        case_url=_url_prefix("cases.view_case", "case_id"),
        wanted=wanted,
        args=wanted.as_args(),
        bodies=queries.body_list(db.session),
        years=register.register_years(db.session),
        statuses=register.FOLLOW_UP_FILTERS,
        status_labels=register.FILTER_LABELS,
        follow_up_label=follow_up_label,
        sakstyper=SAKSTYPER,
        sakstype_labels=SAKSTYPE_LABELS,
        # Each sakstype's label once per page, not once per row ('' for none).
        sakstype_names={"": "", **{s: sakstype_label(s) for s in SAKSTYPER}},
        today=today,
    )


def _url_prefix(endpoint: str, key: str) -> str:
    """The address of `endpoint` up to its last part, an id: the row's id is appended to it
    (one url_for per page instead of one per row)."""
    url = url_for(endpoint, **{key: 0})
    if not url.endswith("/0"):
        raise ValueError(f"{endpoint} does not end with its {key}: {url}")
    return url[:-1]


@bp.get("/vedtak.csv")
def export_csv():
    rows = register.register_all(
        db.session, current_user, register.parse_filter(request.args), date.today()
    )
    return _download(build_register_csv(rows), "text/csv", "vedtak.csv")


@bp.get("/vedtak.xlsx")
def export_xlsx():
    rows = register.register_all(
        db.session, current_user, register.parse_filter(request.args), date.today()
    )
    return _download(build_register_xlsx(rows), XLSX, "vedtak.xlsx")


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    # A text/ mimetype gets "; charset=utf-8" from Werkzeug: pass it without one (the CSV's
    # BOM says UTF-8 too).
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- one decision and its follow-ups ---------------------------------------------------------


def _treatment_or_404(treatment_id: int) -> Treatment:
    treatment = queries.treatment_full(db.session, treatment_id)
    if treatment is None:
        abort(404)
    if treatment.meeting is not None:
        require("read", treatment.meeting)
        require("read_minutes", treatment.meeting)
    return treatment


def _form(treatment: Treatment, **kw) -> FollowUpForm:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    people = db.session.scalars(
        select(Person).options(selectinload(Person.organisation)).order_by(Person.name, Person.id)
    )
    return FollowUpForm(**kw).set_choices(list(organisations), list(people))


def _page(treatment: Treatment, form: FollowUpForm, editing=None, saved=None):
    status = 400 if form.errors else 200
    # Where the content is held back from the reader (govern.openness) the page shows the
    # public title and "Unntatt offentlighet, <basis>", and no follow-ups.
    held_back = held_back_text(current_user, treatment)
    return render_template(
        "register/decision.html",
        treatment=treatment,
        title=shown_title(current_user, treatment),
        held_back=held_back,
        follow_ups=[] if held_back else followups.follow_ups_of(db.session, treatment),
        form=form,
        editing=editing,
        saved=saved,
        may_edit=can(current_user, "prepare", treatment.body),
        today=date.today(),
        follow_up_label=follow_up_label,
    ), status


#: What a refused stale save is about.
def _what() -> str:
    return _("Oppfølgingen")


@bp.get("/vedtak/<int:treatment_id>")
def decision(treatment_id: int):
    treatment = _treatment_or_404(treatment_id)
    return _page(treatment, _form(treatment, formdata=None))


@bp.post("/vedtak/<int:treatment_id>/oppfolging")
def add_follow_up(treatment_id: int):
    treatment = _treatment_or_404(treatment_id)
    require("prepare", treatment.body)
    form = _form(treatment)
    if (
        form.validate()
        and attempt(
            lambda: followups.add_follow_up(db.session, treatment, form.to_input(), current_user),
            form,
            what=_what(),
        ).ok
    ):
        flash(_("Oppfølgingen er lagt til."), "success")
        return redirect(url_for(".decision", treatment_id=treatment_id, _anchor="oppfolging"))
    return _page(_treatment_or_404(treatment_id), form)


def _follow_up_or_404(follow_up_id: int):
    follow_up = followups.follow_up_or_none(db.session, follow_up_id) or abort(404)
    _treatment_or_404(follow_up.treatment_id)
    require("prepare", follow_up.treatment.body)
    return follow_up


@bp.route("/oppfolging/<int:follow_up_id>/rediger", methods=["GET", "POST"])
def edit_follow_up(follow_up_id: int):
    follow_up = _follow_up_or_404(follow_up_id)
    treatment_id = follow_up.treatment_id
    if request.method == "GET":
        form = _form(follow_up.treatment, data=FollowUpForm.values_of(follow_up))
        return _page(follow_up.treatment, form, editing=follow_up)
    form = _form(follow_up.treatment)
    if (
        form.validate()
        and attempt(
            lambda: followups.update_follow_up(
                db.session, follow_up, form.to_input(), form.version.data, current_user
            ),
            form,
            what=_what(),
        ).ok
    ):
        flash(_("Oppfølgingen er lagret."), "success")
        return redirect(url_for(".decision", treatment_id=treatment_id, _anchor="oppfolging"))
    follow_up = followups.follow_up_or_none(db.session, follow_up_id) or abort(404)
    stale = bool(form.version.errors)
    return _page(follow_up.treatment, form, editing=follow_up, saved=follow_up if stale else None)


@bp.post("/oppfolging/<int:follow_up_id>/slett")
def delete_follow_up(follow_up_id: int):
    follow_up = _follow_up_or_404(follow_up_id)
    treatment_id = follow_up.treatment_id
    version = request.form.get("version", type=int)
    done = attempt(
        lambda: followups.delete_follow_up(db.session, follow_up, version, current_user),
        quiet=True,
    )
    if not done.ok:
        flash(audit.stale_edit(_what()).message, "error")
        return redirect(url_for(".decision", treatment_id=treatment_id, _anchor="oppfolging"))
    flash(_("Oppfølgingen er slettet."), "success")
    return redirect(url_for(".decision", treatment_id=treatment_id, _anchor="oppfolging"))
