"""The secretariat's planning pages: plan and edit meetings, build the agenda, attachments."""

from __future__ import annotations

from datetime import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from govern import presentation, queries
from govern.extensions import db
from govern.forms.planning import (
    AttachmentFileForm,
    AttachmentForm,
    CaseEditForm,
    CaseItemForm,
    EntryEditForm,
    EntryForm,
    ExistingCaseForm,
    MeetingEditForm,
    MeetingForm,
    PointForm,
    StatusForm,
)
from govern.models.cases import Case, Treatment
from govern.models.meetings import AgendaItem, Attachment, Meeting
from govern.permissions import require
from govern.services import agenda, attachments, invitations, meetings, minutes
from govern.services.audit import StaleEdit
from govern.services.errors import InvalidInput
from govern.timeutil import weekday_date
from govern.views.unit_of_work import attempt
from govern.views.uploads import (
    keep_or_remove,
    meeting_total_limit,
    read_upload,
    remove_when_committed,
    upload_dir,
)

bp = Blueprint("planning", __name__, template_folder="../../templates")

#: What a lost update the database refused is about (someone saved between our check and ours).
STALE_WHAT = "Dette"
ADD_FORMS = {
    "case": CaseItemForm,
    "existing": ExistingCaseForm,
    "break": EntryForm,
    "heading": EntryForm,
    "point": PointForm,
}


# -- helpers -------------------------------------------------------------------------------


def _meeting(meeting_id: int) -> Meeting:
    """The meeting with everything the planning pages show; only for its secretariat."""
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require("prepare", meeting)
    return meeting


def _item(item_id: int) -> tuple[AgendaItem, Meeting]:
    meeting_id = db.session.scalar(select(AgendaItem.meeting_id).where(AgendaItem.id == item_id))
    meeting = _meeting(meeting_id or abort(404))
    return next(i for i in meeting.items if i.id == item_id), meeting


def _set(field, value) -> None:
    """Set a field as if it had been submitted (hidden versions after a refused save)."""
    field.data = value
    field.raw_data = [] if value is None else [str(value)]


def _back_to_agenda(meeting_id: int, item_id: int | None = None):
    anchor = f"#punkt-{item_id}" if item_id else ""
    return redirect(url_for("planning.edit_agenda", meeting_id=meeting_id) + anchor)


# -- planning and editing meetings ---------------------------------------------------------


@bp.route("/bodies/<slug>/meetings/new", methods=["GET", "POST"])
def new_meeting(slug: str):
    body = queries.body_by_slug(db.session, slug) or abort(404)
    require("prepare", body)
    if body.external:
        abort(404)
    form = MeetingForm()
    if not form.is_submitted():
        form.days[0].start.data, form.days[0].end.data = time(10), time(16)
    if form.validate_on_submit():
        done = attempt(
            lambda: meetings.plan_meeting(db.session, body, form.to_input(), current_user), form
        )
        if not done.ok:
            body = queries.body_by_slug(db.session, slug)
        else:
            meeting = done.value
            flash(f"Møte {meeting.number} er planlagt. Bygg dagsordenen under.", "success")
            return redirect(url_for("planning.edit_agenda", meeting_id=meeting.id))
    html = render_template("planning/meeting_form.html", form=form, body=body, meeting=None)
    return html, 400 if form.errors else 200


def _meeting_data(meeting: Meeting) -> dict:
    days = [
        {"day_id": str(d.id), "date": d.date, "start": d.start_time, "end": d.end_time}
        for d in meeting.days
    ]
    return {
        "location": meeting.location,
        "agenda_shared": meeting.agenda_shared,
        "version": meeting.version,
        "days": days,
    }


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = MeetingEditForm(data=_meeting_data(meeting))
    if form.validate_on_submit():
        done = attempt(lambda: _update_meeting(meeting, form), form, what=STALE_WHAT)
        if not done.ok:
            meeting = _meeting(meeting_id)
            _set(form.version, meeting.version)
        else:
            flash(f"Møte {meeting.number} er lagret.", "success")
            return redirect(url_for("meetings.view_meeting", meeting_id=meeting_id))
    return _meeting_page(form, meeting)


def _update_meeting(meeting: Meeting, form: MeetingEditForm) -> None:
    meetings.update_meeting(db.session, meeting, form.to_input(), current_user)
    invitations.sync_invitations(db.session, meeting, current_app.config["BASE_URL"])


def _meeting_page(form: MeetingEditForm, meeting: Meeting):
    dates = sorted({row.date.data for row in form.days if row.date.data})
    form.move_items_to.choices = {"": "Ikke flytt – avvis endringen"} | {
        d.isoformat(): weekday_date(d) for d in dates
    }
    statuses = [
        (s, meetings.STATUS_ACTIONS[s]) for s in meetings.STATUS_CHANGES.get(meeting.status, ())
    ]
    html = render_template(
        "planning/meeting_form.html",
        form=form,
        body=meeting.body,
        meeting=meeting,
        status_form=StatusForm(formdata=None, version=meeting.version),
        statuses=statuses,
        mail=invitations.mail_report(db.session, meeting),
    )
    return html, (409 if form.version.errors else 400) if form.errors else 200


@bp.post("/meetings/<int:meeting_id>/status")
def change_status(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = StatusForm()
    status = form.status.data or ""
    if status == "gjennomført" and not form.confirmed and meeting.status == "innkalt":
        due = minutes.approval_due(db.session, meeting, held=True)
        if due is not None:  # marking it held approves the previous minutes: confirm first
            return render_template(
                "running/confirm_held.html",
                meeting=meeting,
                plan=due,
                form=form,
                summary=minutes.approval_summary,
            )

    def work():
        approved = meetings.change_status(
            db.session, meeting, status, form.version.data, current_user, confirmed=form.confirmed
        )
        return approved, invitations.sync_invitations(
            db.session, meeting, current_app.config["BASE_URL"]
        )

    done = attempt(work, what=STALE_WHAT)
    if done.ok:
        approved, sent = done.value
        people = f"{len(sent)} {'person' if len(sent) == 1 else 'personer'}"
        note = f" E-post med kalenderinvitasjon går til {people}." if sent else ""
        flash(f"Møte {meeting.number} har nå status «{meeting.status}».{note}", "success")
        for m in approved:
            flash(
                f"Referatet fra møte {m.number} i {m.body.short_name} er godkjent og låst.",
                "success",
            )
        missing = invitations.mail_report(db.session, meeting).without_address
        if sent and missing:
            flash(
                f"Disse har ingen e-postadresse og får ikke invitasjonen: {', '.join(missing)}.",
                "error",
            )
    return redirect(url_for("planning.edit_meeting", meeting_id=meeting_id))


# -- the agenda editor ---------------------------------------------------------------------


def _existing_cases(meeting: Meeting) -> dict[int, str]:
    """Cases that may be put on this agenda: every case not on it, by title, with numbers."""
    on_agenda = {i.treatment.case_id for i in meeting.items if i.treatment}
    cases = db.session.scalars(
        select(Case)
        .options(selectinload(Case.treatments).joinedload(Treatment.body))
        .order_by(Case.title, Case.id)
    )
    choices = {}
    for case in cases:
        kinds = {t.sakstype for t in case.treatments}
        if case.id in on_agenda or (kinds and kinds <= {agenda.GODKJENNING, agenda.EVENTUELT}):
            continue
        ordered = sorted(case.treatments, key=lambda t: (t.year, t.seq))
        numbers = ", ".join(f"{t.body.short_name} {t.number}" for t in ordered)
        title = case.title if len(case.title) <= 120 else case.title[:119] + "…"
        choices[case.id] = f"{title} ({numbers or 'ikke behandlet'})"
    return choices


def _choices(form, meeting: Meeting) -> None:
    if getattr(form, "day", None) is not None:
        days = enumerate(meeting.days, 1)
        form.day.choices = {n: f"Dag {n} – {weekday_date(d.date)}" for n, d in days}
    if hasattr(form, "parent_id"):
        cases = [i for i in meeting.items if i.kind == "case"]
        form.parent_id.choices = {0: "– velg sak –"} | {
            i.id: f"{i.treatment.number} {i.display_title}"[:140] for i in cases
        }
    if hasattr(form, "case_id"):
        form.case_id.choices = {0: "– velg sak –"} | _existing_cases(meeting)


def _agenda_page(meeting: Meeting, status: int = 200, **submitted):
    forms = {}
    for name, form_class in ADD_FORMS.items():
        forms[name] = submitted.get(name) or form_class(prefix=name, formdata=None)
        _choices(forms[name], meeting)
    if "break" not in submitted:
        forms["break"].title.data = "Pause"
    html = render_template(
        "planning/agenda.html",
        meeting=meeting,
        plan=presentation.agenda_days(meeting),
        forms=forms,
        open_form=next(iter(submitted), None),
        locked=meeting.minutes_locked,
    )
    return html, status


@bp.get("/meetings/<int:meeting_id>/agenda")
def edit_agenda(meeting_id: int):
    return _agenda_page(_meeting(meeting_id))


def _add(meeting: Meeting, what: str, form) -> AgendaItem:
    if what in ("case", "existing"):
        case = db.session.get(Case, form.case_id.data) if what == "existing" else None
        if what == "existing" and case is None:
            raise InvalidInput("Velg en sak", field="case_id")
        return agenda.add_case_item(db.session, meeting, form.to_input(), case, current_user)
    parent = db.session.get(AgendaItem, form.parent_id.data or 0) if what == "point" else None
    return agenda.add_entry(db.session, meeting, form.to_input(what), parent, current_user)


@bp.post("/meetings/<int:meeting_id>/agenda/<what>")
def add_to_agenda(meeting_id: int, what: str):
    if what not in ADD_FORMS:
        abort(404)
    meeting = _meeting(meeting_id)
    form = ADD_FORMS[what](prefix=what)
    _choices(form, meeting)
    if form.validate_on_submit():
        done = attempt(lambda: _add(meeting, what, form), form, what=STALE_WHAT)
        if not done.ok:
            meeting = _meeting(meeting_id)
        else:
            item = done.value
            label = agenda.item_label(item) if item.treatment else agenda.ENTRY_KINDS[item.kind]
            flash(f"{label} er lagt til på dagsordenen.", "success")
            return _back_to_agenda(meeting_id, item.id)
    return _agenda_page(meeting, 400, **{what: form})


@bp.post("/agenda-items/<int:item_id>/move")
def move_item(item_id: int):
    item, meeting = _item(item_id)
    to_day = request.form.get("day", type=int)
    done = attempt(
        lambda: agenda.move_item(
            db.session, item, request.form.get("direction"), to_day, actor=current_user
        ),
        what=STALE_WHAT,
    )
    if done.ok:
        where = (
            f"til dag {to_day}"
            if to_day
            else {"up": "opp", "down": "ned"}[request.form["direction"]]
        )
        flash(f"{agenda.item_label(item)} er flyttet {where}.", "success")
    return _back_to_agenda(meeting.id, item_id)


def _item_form(item: AgendaItem, formdata: bool = True):
    kwargs = {} if formdata else {"formdata": None}
    t = item.treatment
    data = {"duration_minutes": item.duration_minutes, "start_time": item.start_time}
    if t is None:
        return EntryEditForm(data={**data, "title": item.title, "version": item.version}, **kwargs)
    data |= {
        "title": t.display_title,
        "sakstype": t.sakstype,
        "summary": t.summary,
        "proposed_decision": t.proposed_decision,
        "presenter": t.presenter,
        "item_version": item.version,
        "treatment_version": t.version,
    }
    return CaseEditForm(data=data, **kwargs)


@bp.route("/agenda-items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id: int):
    item, meeting = _item(item_id)
    form, stale = _item_form(item), False
    if form.validate_on_submit():
        update = agenda.update_case_item if item.treatment else agenda.update_entry
        done = attempt(
            lambda: update(db.session, item, form.to_input(), current_user), form, what=STALE_WHAT
        )
        if not done.ok:
            stale = isinstance(done.error, StaleEdit)
            item, meeting = _item(item_id)
            _refresh_versions(form, item)
        else:
            flash(f"{agenda.item_label(item)} er lagret.", "success")
            return _back_to_agenda(meeting.id, item_id)
    saved = _item_form(item, formdata=False) if stale else None
    shared = item.treatment is not None and len(item.treatment.case.treatments) > 1
    html = render_template(
        "planning/item_form.html", form=form, item=item, meeting=meeting, saved=saved, shared=shared
    )
    return html, (409 if stale else 400) if form.errors else 200


def _refresh_versions(form, item: AgendaItem) -> None:
    """After a refused save the form carries the current versions: saving again (after
    looking at the other person's change) goes through."""
    if item.treatment is None:
        _set(form.version, item.version)
    else:
        _set(form.item_version, item.version)
        _set(form.treatment_version, item.treatment.version)


@bp.post("/agenda-items/<int:item_id>/delete")
def remove_item(item_id: int):
    item, meeting = _item(item_id)
    done = attempt(lambda: agenda.remove_item(db.session, item, current_user), what=STALE_WHAT)
    if done.ok:
        label = done.value
        kept = " Saksnummeret brukes ikke på nytt." if label.startswith("Sak ") else ""
        flash(f"{label} er fjernet fra dagsordenen.{kept}", "success")
    return _back_to_agenda(meeting.id)


# -- attachments ---------------------------------------------------------------------------


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
    if attachment.source == "toppnotat":
        return f"Vedlegg {attachment.number} er toppnotatet for sak {attachment.treatment.number}."
    if attachment.source == "referat":
        return f"Vedlegg {attachment.number} er referatet fra forrige møte."
    if attachment.stored_name is None:
        return f"Vedlegg {attachment.number} er lagt til uten fil. Last opp filen når den er klar."
    return f"Vedlegg {attachment.number} er lastet opp."


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
    form.treatment_id.choices = {0: "Ingen sak"} | {
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
            return redirect(url_for("planning.meeting_attachments", meeting_id=meeting_id))
    next_number = max((a.seq for a in meeting.attachments), default=0) + 1
    html = render_template(
        "planning/attachments.html", meeting=meeting, form=form, next_number=next_number
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
        flash(f"Vedlegg {number}: {done.error.message}", "error")
    else:
        flash(f"Filen til vedlegg {attachment.number} er lastet opp.", "success")
    return redirect(url_for("planning.meeting_attachments", meeting_id=meeting_id))


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
        flash(f"Vedlegg {number} er slettet.", "success")
    return redirect(url_for("planning.meeting_attachments", meeting_id=meeting_id))


@bp.get("/attachments/<int:attachment_id>")
def download_attachment(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    require("read", attachment.meeting)
    path = attachments.stored_path(upload_dir(), attachment) or abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachments.download_name(attachment),
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
