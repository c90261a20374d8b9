"""A meeting's attachments: add them (uploaded, or the toppnotat or the previous minutes),
upload a file later, delete them, and download one."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from govern.extensions import db
from govern.forms.attachments import AttachmentFileForm, AttachmentForm
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.cases import Treatment
from govern.models.meetings import AgendaItem, Attachment, Meeting
from govern.openness import may_see_attachment
from govern.services import attachments
from govern.views.guard import refuse, require
from govern.views.unit_of_work import attempt
from govern.views.uploads import (
    keep_or_remove,
    meeting_total_limit,
    read_upload,
    remove_when_committed,
    send_stored,
    upload_dir,
)

bp = Blueprint("attachments", __name__, template_folder="../../templates")

#: What a lost update the database refused is about (someone saved between our check and ours).
STALE_WHAT = lazy_gettext("Dette")


def _attachments_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.body),
            selectinload(Meeting.days),
            selectinload(Meeting.attachments)
            .joinedload(Attachment.treatment)
            .joinedload(Treatment.case),
            selectinload(Meeting.items).joinedload(AgendaItem.treatment).joinedload(Treatment.case),
        )
    )
    require("prepare", meeting or abort(404))
    return meeting


def _added_message(attachment: Attachment) -> str:
    number = attachment.number
    if attachment.source == "toppnotat":
        return _(
            "Vedlegg %(number)s er toppnotatet for sak %(case)s.",
            number=number,
            case=attachment.treatment.number,
        )
    if attachment.source == "referat":
        return _("Vedlegg %(number)s er referatet fra forrige møte.", number=number)
    if attachment.stored_name is None:
        return _(
            "Vedlegg %(number)s er lagt til uten fil. Last opp filen når den er klar.",
            number=number,
        )
    return _("Vedlegg %(number)s er lastet opp.", number=number)


def _add_attachment(meeting: Meeting, form: AttachmentForm) -> Attachment:
    data = form.to_input(read_upload(form.file.data))
    added = attachments.add_attachment(
        db.session, meeting, data, upload_dir(), current_user, meeting_total_limit()
    )
    keep_or_remove(added.stored_name)
    return added


@bp.route("/meetings/<int:meeting_id>/attachments", methods=["GET", "POST"])
def meeting_attachments(meeting_id: int):
    meeting = _attachments_meeting(meeting_id)
    form = AttachmentForm()
    form.treatment_id.choices = {0: _("Ingen sak")} | {
        i.treatment.id: f"{i.treatment.number} {i.display_title}"[:140]
        for i in meeting.items
        if i.treatment
    }
    if form.validate_on_submit():
        done = attempt(lambda: _add_attachment(meeting, form), form, what=STALE_WHAT)
        if not done.ok:
            meeting = _attachments_meeting(meeting_id)
        else:
            flash(_added_message(done.value), "success")
            return redirect(url_for("attachments.meeting_attachments", meeting_id=meeting_id))
    next_number = max((a.seq for a in meeting.attachments), default=0) + 1
    html = render_template(
        "attachments/attachments.html", meeting=meeting, form=form, next_number=next_number
    )
    return html, 400 if form.errors else 200


@bp.post("/attachments/<int:attachment_id>/file")
def attach_file(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    meeting_id = attachment.meeting_id
    require("prepare", attachment.meeting)
    upload = AttachmentFileForm().file.data
    number = attachment.number

    def work() -> None:
        name = upload.filename if upload else ""
        replaced = attachments.attach_file(
            db.session,
            attachment,
            name,
            read_upload(upload),
            upload_dir(),
            current_user,
            meeting_total_limit(),
        )
        keep_or_remove(attachment.stored_name)
        remove_when_committed(replaced)

    done = attempt(work, quiet=True, what=STALE_WHAT)
    if not done.ok:
        flash(_("Vedlegg %(number)s: %(error)s", number=number, error=done.error.message), "error")
    else:
        flash(_("Filen til vedlegg %(number)s er lastet opp.", number=attachment.number), "success")
    return redirect(url_for("attachments.meeting_attachments", meeting_id=meeting_id))


@bp.post("/attachments/<int:attachment_id>/delete")
def delete_attachment(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    meeting_id, number = attachment.meeting_id, attachment.number
    require("prepare", attachment.meeting)
    done = attempt(
        lambda: remove_when_committed(
            attachments.delete_attachment(db.session, attachment, current_user)
        ),
        what=STALE_WHAT,
    )
    if done.ok:
        flash(_("Vedlegg %(number)s er slettet.", number=number), "success")
    return redirect(url_for("attachments.meeting_attachments", meeting_id=meeting_id))


@bp.get("/attachments/<int:attachment_id>")
def download_attachment(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    require("read", attachment.meeting)
    if not may_see_attachment(current_user, attachment, on=date.today()):
        refuse()  # exempt from public access: log in, or 403 for a reader without access
    response = send_stored(attachment, attachments.download_name(attachment)) or abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
