"""Keeping annual cycles: creating cycles and adding, changing and removing entries."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from govern.domain.cycle_plan import when_text
from govern.extensions import db
from govern.forms.base import choices
from govern.forms.cycles import NONE, WHEN_PAIRS, CycleForm, EntryForm
from govern.i18n import gettext as _
from govern.i18n import ngettext
from govern.models.bodies import Body, Membership, role_name
from govern.models.cycles import Cycle, CycleEntry
from govern.models.people import Person
from govern.services import cycles
from govern.views.cycles import wheel_url
from govern.views.guard import require
from govern.views.unit_of_work import attempt

bp = Blueprint("cycle_admin", __name__, template_folder="../../templates")


# -- helpers --------------------------------------------------------------------------------


def _cycle_or_404(cycle_slug: str) -> Cycle:
    cycle = db.session.scalar(
        select(Cycle)
        .where(Cycle.slug == cycle_slug)
        .options(
            joinedload(Cycle.body),
            selectinload(Cycle.entries).selectinload(CycleEntry.relative_to),
            selectinload(Cycle.entries).selectinload(CycleEntry.reminder_person),
        )
    )
    return cycle or abort(404)


def _entry_or_404(entry_id: int) -> CycleEntry:
    entry = db.session.get(
        CycleEntry,
        entry_id,
        options=[
            joinedload(CycleEntry.cycle).joinedload(Cycle.body),
            joinedload(CycleEntry.relative_to),
            joinedload(CycleEntry.reminder_person),
        ],
    )
    return entry or abort(404)


def _status(form) -> int:
    return 400 if form.errors else 200


def _wheel_url(cycle: Cycle) -> str:
    return wheel_url(cycle.body.slug if cycle.body is not None else None, cycle.slug)


def _reminder_text(entry: CycleEntry) -> str:
    if entry.reminder_days is None:
        return ""
    days = entry.reminder_days
    when = _("samme dag") if days == 0 else ngettext("%(num)s dag før", "%(num)s dager før", days)
    to = [
        role_name(entry.reminder_role) if entry.reminder_role else "",
        entry.reminder_person.name if entry.reminder_person else "",
    ]
    return _(
        "Påminnelse %(when)s til %(to)s",
        when=when,
        to=_(" og ").join(t for t in to if t),
    )


def _people(cycle: Cycle, entry: CycleEntry | None) -> list[Person]:
    """Who may be reminded: the body's members today (all people for a shared cycle)."""
    if cycle.body_id is None:
        return list(db.session.scalars(select(Person).order_by(Person.name, Person.id)))
    today = date.today()
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.body_id == cycle.body_id)
        .options(joinedload(Membership.person))
    )
    people = {m.person.id: m.person for m in memberships if m.active_on(today)}
    if entry is not None and entry.reminder_person is not None:
        people[entry.reminder_person.id] = entry.reminder_person
    return sorted(people.values(), key=lambda p: (p.name, p.id))


def _prepare(form: EntryForm, cycle: Cycle, entry: CycleEntry | None) -> EntryForm:
    """The choices that depend on the cycle: a shared cycle has no meetings to count from."""
    if cycle.body_id is None:
        form.when_kind.choices = choices(p for p in WHEN_PAIRS if p[0] != "meeting")
    others = [e for e in cycle.entries if entry is None or e.id != entry.id]
    form.relative_to.choices = choices(
        [(NONE, _("– velg frist –")), *((e.id, e.title) for e in others)]
    )
    people = _people(cycle, entry)
    form.reminder_person.choices = choices(
        [(NONE, _("– ingen –")), *((p.id, p.label) for p in people)]
    )
    return form


def _entry_page(form: EntryForm, cycle: Cycle, entry: CycleEntry | None):
    stale = entry is not None and bool(form.version.errors)
    return render_template(
        "cycle_admin/entry_form.html",
        form=form,
        cycle=cycle,
        entry=entry,
        # After a refused stale save the form carries the version now saved, so that saving
        # again, having seen what the other person saved, is a deliberate choice.
        version=entry.version if stale else form.version.data,
        saved=entry if stale else None,
        when_text=when_text,
        labels={c.value: c.label for c in form.when_kind.choices},
    ), _status(form)


# -- cycles ---------------------------------------------------------------------------------


def _new_cycle(form: CycleForm, body: Body | None):
    if form.validate_on_submit():
        done = attempt(
            lambda: cycles.create_cycle(db.session, form.to_input(), body=body, user=current_user),
            form,
            what=_("Fristen"),
        )
        ok, cycle = done.ok, done.value
        if ok:
            flash(
                _("Årshjulet «%(name)s» er opprettet. Legg til fristene.", name=cycle.name),
                "success",
            )
            return redirect(url_for("cycle_admin.edit_cycle", cycle_slug=cycle.slug))
    return render_template("cycle_admin/cycle_form.html", form=form, body=body), _status(form)


@bp.route("/bodies/<slug>/arshjul/nytt", methods=["GET", "POST"])
def new_body_cycle(slug: str):
    body = db.session.scalar(select(Body).where(Body.slug == slug)) or abort(404)
    require("prepare", body)
    return _new_cycle(
        CycleForm(data={"name": _("Årshjul for %(body)s", body=body.short_name)}), body
    )


@bp.route("/arshjul/nytt", methods=["GET", "POST"])
def new_shared_cycle():
    require("prepare", Cycle(body=None))
    return _new_cycle(CycleForm(), None)


@bp.route("/arshjul/<cycle_slug>/rediger")
def edit_cycle(cycle_slug: str):
    cycle = _cycle_or_404(cycle_slug)
    require("prepare", cycle)
    rows = [(e, when_text(e), _reminder_text(e)) for e in cycle.entries]
    return render_template(
        "cycle_admin/cycle.html", cycle=cycle, rows=rows, wheel_url=_wheel_url(cycle)
    )


# -- entries --------------------------------------------------------------------------------


@bp.route("/arshjul/<cycle_slug>/frister/ny", methods=["GET", "POST"])
def new_entry(cycle_slug: str):
    cycle = _cycle_or_404(cycle_slug)
    require("prepare", cycle)
    form = _prepare(EntryForm(), cycle, None)
    if form.validate_on_submit():
        done = attempt(
            lambda: cycles.add_entry(db.session, cycle, form.to_input(), current_user),
            form,
            what=_("Fristen"),
        )
        ok, entry = done.ok, done.value
        if ok:
            flash(_("Fristen «%(title)s» er lagt til.", title=entry.title), "success")
            return redirect(
                url_for(".edit_cycle", cycle_slug=cycle_slug, _anchor=f"frist-{entry.id}")
            )
        cycle = _cycle_or_404(cycle_slug)
    return _entry_page(form, cycle, None)


@bp.route("/cycle-entries/<int:entry_id>/rediger", methods=["GET", "POST"])
def edit_entry(entry_id: int):
    entry = _entry_or_404(entry_id)
    require("prepare", entry)
    form = _prepare(EntryForm(data=EntryForm.values_of(entry)), entry.cycle, entry)
    if form.validate_on_submit():
        done = attempt(
            lambda: cycles.update_entry(
                db.session, entry, form.to_input(), form.version.data, current_user
            ),
            form,
            what=_("Fristen"),
        )
        if done.ok:
            flash(_("Fristen «%(title)s» er lagret.", title=entry.title), "success")
            return redirect(
                url_for(".edit_cycle", cycle_slug=entry.cycle.slug, _anchor=f"frist-{entry_id}")
            )
        entry = _entry_or_404(entry_id)
    return _entry_page(form, entry.cycle, entry)


@bp.route("/cycle-entries/<int:entry_id>/slett", methods=["POST"])
def delete_entry(entry_id: int):
    entry = _entry_or_404(entry_id)
    require("prepare", entry)
    cycle_slug, title = entry.cycle.slug, entry.title
    if attempt(lambda: cycles.delete_entry(db.session, entry, current_user), what=_("Fristen")).ok:
        flash(_("Fristen «%(title)s» er slettet.", title=title), "success")
    return redirect(url_for(".edit_cycle", cycle_slug=cycle_slug))
