"""The toppnotat (case memo) editor of the case owner and the secretariat: the memo written
section by section, or an uploaded Word file in its place."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from govern.extensions import db
from govern.forms.base import reset_version
from govern.forms.memos import SECTION_ACTION, MemoForm, MemoUploadForm
from govern.i18n import gettext as _
from govern.models.cases import Treatment
from govern.models.memos import SECTION_LABELS
from govern.services import memos
from govern.views.guard import require
from govern.views.minutes import treatment_or_404, when
from govern.views.unit_of_work import attempt
from govern.views.uploads import keep_or_remove, read_upload, remove_when_committed, upload_dir

bp = Blueprint("memos", __name__, template_folder="../../templates")


def _memo_treatment(treatment_id: int) -> Treatment:
    """The treatment with its memo; only for those who may edit the memo."""
    treatment = treatment_or_404(treatment_id, with_memo=True)
    require("edit_memo", treatment)
    return treatment


def _memo_page(treatment: Treatment, form: MemoForm, status: int, upload_form=None):
    return render_template(
        "memos/memo.html",
        treatment=treatment,
        form=form,
        upload_form=upload_form or MemoUploadForm(formdata=None),
        labels=SECTION_LABELS,
        stale=bool(form.version.errors),
        when=when,
    ), status


def _after_memo(treatment: Treatment):
    return redirect(url_for("memos.edit_memo", treatment_id=treatment.id))


@bp.route("/treatments/<int:treatment_id>/memo", methods=["GET", "POST"])
def edit_memo(treatment_id: int):
    treatment = _memo_treatment(treatment_id)
    form = MemoForm(data=MemoForm.values_of(treatment))
    action = request.form.get(SECTION_ACTION) if request.method == "POST" else None
    if action:  # add, move or remove a free section: shown again, saved with "Lagre"
        return _memo_page(treatment, form.rearranged(action), 200)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        done = attempt(
            lambda: memos.update_memo(db.session, current_user, treatment, form.to_input()),
            form,
            at="summary",
            what=memos.WHAT,
        )
        status = done.status
        if done.ok:
            flash(
                _("Toppnotatet er lagret.") if done.value else _("Ingen endringer å lagre."),
                "success",
            )
            return _after_memo(treatment)
        # A FieldList keeps its rows' errors as validation found them; show a section's.
        rows = [entry.errors for entry in form.sections.entries]
        form.sections.errors = rows if any(rows) else []
        treatment = _memo_treatment(treatment_id)
        if form.version.errors:
            reset_version(form, treatment.version)
            reset_version(form, treatment.memo.version if treatment.memo else None, "memo_version")
    return _memo_page(treatment, form, status)


def _upload_memo(treatment: Treatment, name: str, data: bytes) -> None:
    """Store the Word file as the memo; the file it replaces goes once that is committed."""
    replaced = memos.upload_memo(db.session, current_user, treatment, name, data, upload_dir())
    keep_or_remove(treatment.memo.stored_name)
    remove_when_committed(replaced)


@bp.post("/treatments/<int:treatment_id>/memo/upload")
def upload_memo(treatment_id: int):
    treatment = _memo_treatment(treatment_id)
    upload_form = MemoUploadForm()
    if upload_form.validate_on_submit():
        upload = upload_form.file.data
        name = upload.filename if upload else ""
        done = attempt(
            lambda: _upload_memo(treatment, name, read_upload(upload)),
            upload_form,
            at=lambda f, _name: f.file,
            what=memos.WHAT,
        )
        if done.ok:
            flash(
                _(
                    "Toppnotatet for sak %(number)s er nå Word-filen %(name)s.",
                    number=treatment.number,
                    name=name,
                ),
                "success",
            )
            return _after_memo(treatment)
    treatment = _memo_treatment(treatment_id)
    form = MemoForm(formdata=None, data=MemoForm.values_of(treatment))
    return _memo_page(treatment, form, 400, upload_form)


@bp.post("/treatments/<int:treatment_id>/memo/upload/delete")
def remove_memo_upload(treatment_id: int):
    treatment = _memo_treatment(treatment_id)
    done = attempt(
        lambda: remove_when_committed(
            memos.remove_memo_upload(db.session, current_user, treatment)
        ),
        what=_("Dette"),
    )
    if done.ok:
        flash(
            _("Den opplastede filen er fjernet. Toppnotatet er igjen det som er skrevet her."),
            "success",
        )
    return _after_memo(treatment)
