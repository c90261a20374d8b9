"""The administrator's pages: accounts and one-time password links."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_user
from sqlalchemy import select

from govern.extensions import db
from govern.forms.admin import AccountForm
from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.people import Person
from govern.services import accounts, audit
from govern.views.guard import require
from govern.views.unit_of_work import attempt, settle

bp = Blueprint("admin", __name__, template_folder="../../templates")


def _people_without_account() -> list[tuple[int, str]]:
    taken = select(User.person_id)
    rows = db.session.scalars(select(Person).where(Person.id.not_in(taken)).order_by(Person.name))
    return [(p.id, p.label) for p in rows]


@bp.get("/admin/accounts")
def list_accounts():
    require("admin")
    users = db.session.scalars(select(User).join(Person).order_by(Person.name)).all()
    return render_template("admin/accounts.html", users=users)


def _create_account(form: AccountForm):
    person = db.session.get(Person, form.person_id.data)
    user = accounts.create_account(db.session, person, form.email.data, is_admin=form.is_admin.data)
    token = accounts.issue_password_link(db.session, user)
    audit.record(
        db.session, current_user, "account.create", user, f"Konto opprettet for {person.name}"
    )
    return user, token


@bp.route("/admin/accounts/new", methods=["GET", "POST"])
def new_account():
    require("admin")
    form = AccountForm()
    form.person_id.choices = [(0, _("– velg –")), *_people_without_account()]
    if form.validate_on_submit():
        done = attempt(lambda: _create_account(form), form, at="email")
        if done.ok:
            user, token = done.value
            return render_template("admin/link.html", user=user, token=token, new=True)
    return render_template("admin/account_form.html", form=form), 400 if form.errors else 200


@bp.post("/admin/accounts/<int:user_id>/reset")
def reset_link(user_id: int):
    require("admin")
    user = db.get_or_404(User, user_id)
    token = accounts.issue_password_link(db.session, user, reset=True)
    audit.record(
        db.session, current_user, "account.reset", user, f"Ny passordlenke for {user.person.name}"
    )
    settle()
    if user.id == current_user.id:
        login_user(user)  # the administrator's own session goes on, under the new token
    return render_template("admin/link.html", user=user, token=token, new=False)


@bp.post("/admin/accounts/<int:user_id>/active")
def toggle_active(user_id: int):
    require("admin")
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("Du kan ikke deaktivere din egen konto."), "error")
        return redirect(url_for("admin.list_accounts"))
    accounts.set_active(db.session, user, not user.active)
    state = "aktivert" if user.active else "deaktivert"
    audit.record(
        db.session, current_user, "account.active", user, f"Kontoen til {user.person.name} {state}"
    )
    settle()
    if user.active:
        flash(_("Kontoen til %(name)s er aktivert.", name=user.person.name), "success")
    else:
        flash(_("Kontoen til %(name)s er deaktivert.", name=user.person.name), "success")
    return redirect(url_for("admin.list_accounts"))
