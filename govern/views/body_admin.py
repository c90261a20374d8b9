"""The secretariat's pages for a body: its details, its members over time, its audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from govern import queries
from govern.extensions import db
from govern.forms.base import GovernForm
from govern.forms.bodies import (
    NONE,
    EditBodyForm,
    EndMembershipForm,
    MemberForm,
    MembershipForm,
    NewBodyForm,
)
from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.audit import AuditEntry
from govern.models.bodies import (
    DOCUMENT_LANGUAGES,
    MINUTES_APPROVAL_LABELS,
    QUORUM_RULES,
    ROLE_ORDER,
    Body,
    Membership,
    role_name,
)
from govern.models.people import Person
from govern.services import bodies, invitations, memberships, openness
from govern.services.memberships import DEPUTISED_ROLES, period_text
from govern.timeutil import clock, local, short_date
from govern.views.audit_labels import field_label, shown_value
from govern.views.guard import require
from govern.views.settings import invitation_settings
from govern.views.unit_of_work import attempt

bp = Blueprint("body_admin", __name__, template_folder="../../templates")

#: How many audit entries the log page shows.
AUDIT_LIMIT = 200


# -- helpers --------------------------------------------------------------------------------


def _body_or_404(slug: str) -> Body:
    return queries.body_by_slug(db.session, slug) or abort(404)


def _plain_body_or_404(slug: str) -> Body:
    """The body alone, for pages that do not show its members."""
    return db.session.scalar(select(Body).where(Body.slug == slug)) or abort(404)


def _membership_or_404(body: Body, membership_id: int) -> Membership:
    found = next((m for m in body.memberships if m.id == membership_id), None)
    return found or abort(404)


def _inviting(body: Body, work: Callable[[], Any]) -> Callable[[], Any]:
    """The change of members, then the invitations to the body's coming meetings updated
    in the same transaction (a member added is invited, one who left gets a CANCEL)."""

    def run() -> Any:
        result = work()
        db.session.flush()
        db.session.expire(body, ["memberships"])
        invitations.sync_body_invitations(db.session, body, **invitation_settings())
        return result

    return run


def _status(form: GovernForm) -> int:
    return 400 if form.errors else 200


def _escalation_choices(body: Body | None) -> list[tuple[int, str]]:
    others = db.session.scalars(select(Body).order_by(Body.name))
    choices = [(b.id, b.title) for b in others if body is None or b.id != body.id]
    return [(NONE, _("– ingen –")), *choices]


def _deputy_choices(body: Body, membership: Membership | None = None) -> list[tuple[int, str]]:
    """The body's members a vara can stand in for (and whoever this vara stands in for now)."""
    people = {m.person.id: m.person for m in body.memberships if m.role in DEPUTISED_ROLES}
    if membership is not None:
        people.pop(membership.person_id, None)
        if membership.deputy_for is not None:
            people[membership.deputy_for.id] = membership.deputy_for
    ordered = sorted(people.values(), key=lambda p: (p.name, p.id))
    return [(NONE, _("– ingen –")), *((p.id, p.label) for p in ordered)]


def _person_choices() -> list[tuple[int, str]]:
    people = db.session.scalars(
        select(Person).options(joinedload(Person.organisation)).order_by(Person.name, Person.id)
    )
    return [(NONE, _("– ny person (fyll ut under) –")), *((p.id, p.label) for p in people)]


# -- bodies ---------------------------------------------------------------------------------


@bp.route("/bodies/new", methods=["GET", "POST"])
def new_body():
    require("admin")
    form = NewBodyForm()
    form.escalates_to.choices = _escalation_choices(None)
    if form.validate_on_submit():

        def register():
            body = bodies.register_body(
                db.session, current_user, form.to_input(), form.escalation_id()
            )
            openness.set_members_only(db.session, body, form.members_only.data, current_user)
            return body

        done = attempt(register, form, at="slug")
        ok, body = done.ok, done.value
        if ok:
            flash(_("Organet %(body)s er opprettet.", body=body.short_name), "success")
            return redirect(url_for("bodies.view_body", slug=body.slug))
    return render_template("body_admin/body_form.html", form=form, body=None), _status(form)


@bp.route("/bodies/<slug>/edit", methods=["GET", "POST"])
def edit_body(slug: str):
    body = _body_or_404(slug)
    require("prepare", body)
    form = EditBodyForm(data=EditBodyForm.values_of(body))
    form.escalates_to.choices = _escalation_choices(body)
    if form.validate_on_submit():

        def update():
            changes = bodies.update_body(
                db.session, current_user, body, form.to_input(), form.version.data
            )
            before = body.members_only
            openness.set_members_only(db.session, body, form.members_only.data, current_user)
            return changes or before != body.members_only

        done = attempt(update, form, at="name")
        ok, changes = done.ok, done.value
        if ok:
            if changes:
                flash(_("Endringene er lagret."), "success")
            else:
                flash(_("Ingen endringer å lagre."), "info")
            return redirect(url_for("bodies.view_body", slug=slug))
        body = _body_or_404(slug)
    stale = bool(form.version.errors)
    return render_template(
        "body_admin/body_form.html",
        form=form,
        body=body,
        # After a refused stale save the form carries the version now saved, so that saving
        # again, having seen what the other person saved, is a deliberate choice.
        version=body.version if stale else form.version.data,
        saved=_saved_values(form, body) if stale else [],
    ), _status(form)


def _saved_values(form: EditBodyForm, body: Body) -> list[tuple[str, str]]:
    """The saved body's values where they differ from what the user typed."""
    rows = []
    for name, value in EditBodyForm.values_of(body).items():
        if name == "version" or form[name].data == value:
            continue
        if name == "escalates_to":
            value = body.escalates_to.name if body.escalates_to else _("ingen")
        elif name in ("external", "members_only", "recusal_withholds"):
            value = _("ja") if value else _("nei")
        elif name == "minutes_approved_when":
            value = str(MINUTES_APPROVAL_LABELS.get(value, value))
        elif name == "quorum_rule":
            value = str(QUORUM_RULES.get(value, value))
        elif name == "document_language":
            value = str(DOCUMENT_LANGUAGES.get(value, value))
        rows.append((form[name].label.text, value or "–"))
    return rows


# -- members over time ----------------------------------------------------------------------


@bp.route("/bodies/<slug>/members", methods=["GET", "POST"])
def members(slug: str):
    body = _body_or_404(slug)
    require("prepare", body)
    form = MemberForm()
    form.person_id.choices = _person_choices()
    form.deputy_for.choices = _deputy_choices(body)
    if form.validate_on_submit():
        done = attempt(
            _inviting(
                body,
                lambda: memberships.add_member(db.session, current_user, body, form.to_input()),
            ),
            form,
            at="person_id",
        )
        ok, membership = done.ok, done.value
        if ok:
            flash(
                _(
                    "%(name)s er lagt til som %(role)s.",
                    name=membership.person.name,
                    role=role_name(membership.role),
                ),
                "success",
            )
            return redirect(url_for("body_admin.members", slug=slug))
    return _members_page(slug, add_form=form)


def _members_page(
    slug: str,
    *,
    add_form: MemberForm | None = None,
    end_form: tuple[int, EndMembershipForm] | None = None,
):
    """The members page; a form given (with its errors) is shown as the user left it."""
    body = _body_or_404(slug)
    if add_form is None:
        add_form = MemberForm(formdata=None)
    add_form.person_id.choices = _person_choices()
    add_form.deputy_for.choices = _deputy_choices(body)
    today = date.today()
    rows = sorted(body.memberships, key=lambda m: (ROLE_ORDER[m.role], m.person.name, m.id))
    current = [m for m in rows if m.active_on(today)]
    end_forms = {m.id: EndMembershipForm(formdata=None, prefix=f"end{m.id}") for m in current}
    if end_form is not None:
        end_forms[end_form[0]] = end_form[1]
    failed = add_form.errors or (end_form is not None and end_form[1].errors)
    return render_template(
        "body_admin/members.html",
        body=body,
        form=add_form,
        current=current,
        coming=[m for m in rows if m.starts_on and m.starts_on > today],
        earlier=[m for m in rows if m.ends_on and m.ends_on < today],
        end_forms=end_forms,
        period_text=period_text,
        role_label=role_name,
    ), (400 if failed else 200)


@bp.route("/bodies/<slug>/members/<int:membership_id>/edit", methods=["GET", "POST"])
def edit_membership(slug: str, membership_id: int):
    body = _body_or_404(slug)
    require("prepare", body)
    membership = _membership_or_404(body, membership_id)
    form = MembershipForm(data=MembershipForm.values_of(membership))
    form.deputy_for.choices = _deputy_choices(body, membership)
    if form.validate_on_submit():
        name = membership.person.name
        done = attempt(
            _inviting(
                body,
                lambda: memberships.update_membership(
                    db.session, current_user, membership, form.to_input()
                ),
            ),
            form,
            at="role",
        )
        ok, changes = done.ok, done.value
        if ok:
            message = (
                _("Medlemskapet til %(name)s er endret.", name=name)
                if changes
                else _("Medlemskapet til %(name)s er uendret.", name=name)
            )
            flash(message, "success")
            return redirect(url_for("body_admin.members", slug=slug))
        body = _body_or_404(slug)
        membership = _membership_or_404(body, membership_id)
    return render_template(
        "body_admin/membership_form.html", body=body, membership=membership, form=form
    ), _status(form)


@bp.post("/bodies/<slug>/members/<int:membership_id>/end")
def end_membership(slug: str, membership_id: int):
    body = _body_or_404(slug)
    require("prepare", body)
    membership = _membership_or_404(body, membership_id)
    form = EndMembershipForm(prefix=f"end{membership_id}")
    if form.validate_on_submit():
        name, last_day = membership.person.name, form.ends_on.data
        done = attempt(
            _inviting(
                body,
                lambda: memberships.end_membership(db.session, current_user, membership, last_day),
            ),
            form,
            at="ends_on",
        )
        if done.ok:
            flash(
                _(
                    "Medlemskapet til %(name)s er avsluttet; siste dag %(date)s.",
                    name=name,
                    date=short_date(last_day),
                ),
                "success",
            )
            return redirect(url_for("body_admin.members", slug=slug))
    return _members_page(slug, end_form=(membership_id, form))


# -- the audit log --------------------------------------------------------------------------


def _audit_row(entry: AuditEntry) -> dict[str, Any]:
    at = local(entry.at)
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    return {
        "at": _("%(date)s kl. %(time)s", date=short_date(at.date()), time=clock(at.time())),
        "who": entry.user.person.name if entry.user is not None else _("system"),
        "summary": entry.summary,
        "changes": [
            (field_label(name), shown_value(pair[0]), shown_value(pair[1]))
            for name, pair in changes.items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ],
    }


@bp.get("/bodies/<slug>/audit")
def audit_log(slug: str):
    body = _plain_body_or_404(slug)
    require("prepare", body)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.body_id == body.id)
        .options(joinedload(AuditEntry.user).joinedload(User.person))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(AUDIT_LIMIT)
    )
    rows = [_audit_row(entry) for entry in entries]
    return render_template("body_admin/audit.html", body=body, rows=rows, limit=AUDIT_LIMIT)
