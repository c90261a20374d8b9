"""The meeting page (header like the innkalling, agenda by day), and the secretariat's pages
that plan a meeting, edit it and change its status. The agenda has its own area (agenda.py),
as have the attachments (attachments.py)."""

from __future__ import annotations

from datetime import date, time

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from govern import openness, policy, presentation, queries
from govern.cache.pages import (
    SharedPart,
    cached_page,
    meeting_page_revision,
    part_cache,
    render_part,
    shared_part,
)
from govern.cache.readers import meeting_reader
from govern.cache.scopes import meeting_revision
from govern.exports.versions import withheld
from govern.extensions import db
from govern.forms.base import set_submitted
from govern.forms.meetings import MeetingEditForm, MeetingForm, StatusForm
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext, ngettext
from govern.models.meetings import Meeting
from govern.policy import can
from govern.presentation import MEMBER_ROLES
from govern.services import (
    answers,
    archive,
    change_outcomes,
    invitations,
    meeting_plans,
    meeting_status,
    minutes_approval,
    minutes_locking,
    sending,
)
from govern.timeutil import weekday_date
from govern.views.guard import require
from govern.views.settings import invitation_settings
from govern.views.unit_of_work import attempt

bp = Blueprint("meetings", __name__, template_folder="../../templates")

#: What a lost update the database refused is about (someone saved between our check and ours).
STALE_WHAT = lazy_gettext("Dette")


@bp.get("/meetings/<int:meeting_id>")
@cached_page(revision=meeting_page_revision)
def view_meeting(meeting_id: int):
    # The revision is read before anything the page shows.
    body_id, revision = meeting_revision(db.engine, meeting_id)
    if body_id is None:
        abort(404)
    reader = meeting_reader(db.session, current_user, meeting_id, body_id, revision, part_cache())
    part = shared_part(("meeting", meeting_id), revision, reader, lambda: _page(meeting_id))
    return render_template("meetings/view.html", part=part, mine=_my_answer(meeting_id))


def _my_answer(meeting_id: int) -> dict | None:
    """The logged-in member's own answer to a coming meeting (rendered per request, outside
    the part kept for the reader's class); None for others."""
    if not current_user.is_authenticated:
        return None
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != "innkalt":
        return None
    if (meeting.last_date or date.min) < date.today():
        return None
    roles = policy.roles_in(current_user, meeting.body)
    if not roles & {*MEMBER_ROLES, "vara"}:
        return None
    given = answers.my_answers(db.session, current_user.person_id, [meeting_id])
    member = bool(roles & set(MEMBER_ROLES))
    answer = given.get(meeting_id)
    return {
        "meeting_id": meeting_id,
        "answer": answer,
        "answer_text": answers.answer_label(answer),
        "member": member,
    }


def _page(meeting_id: int) -> SharedPart:
    """The page as the reader's class sees it (the reader's own rights decide what shows);
    a reader who may not read the meeting gets 404 before anything is kept."""
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require("read", meeting)
    may_prepare = can(current_user, "prepare", meeting)
    archived = may_prepare and meeting.minutes_locked
    packages = archive.packages_of(db.session, meeting) if archived else []
    reader = current_user
    treatments = [i.treatment for i in meeting.items if i.kind == "case"]
    return render_part(
        "meetings/_page.html",
        meeting.title,
        meeting=meeting,
        dates=presentation.meeting_dates(meeting),
        times=presentation.meeting_times(meeting),
        members=presentation.active_members(meeting.body, meeting.first_date),
        days=presentation.agenda_days(meeting, lambda t: openness.shown_title(reader, t)),
        titles={t.id: openness.shown_title(reader, t) for t in treatments},
        held_back={t.id: openness.held_back_text(reader, t) for t in treatments},
        hidden_attachments={
            a.id for a in meeting.attachments if not openness.may_see_attachment(reader, a)
        },
        attendance=presentation.attendance_lists(meeting),
        show_minutes=can(current_user, "read_minutes", meeting),
        may_prepare=may_prepare,
        withheld=withheld(meeting) if may_prepare else [],
        archive_packages=packages,
        archive_due=archived
        and archive.needs_new_package(db.session, meeting, packages[-1] if packages else None),
        change_links=change_outcomes.links_of(
            db.session, [i.treatment_id for i in meeting.items if i.kind == "case"]
        ),
    )


# -- planning and editing meetings ---------------------------------------------------------


def prepared_meeting(meeting_id: int) -> Meeting:
    """The meeting with everything the secretariat's pages show; only for its secretariat."""
    meeting = queries.meeting_full(db.session, meeting_id) or abort(404)
    require("prepare", meeting)
    return meeting


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
            lambda: meeting_plans.plan_meeting(db.session, body, form.to_input(), current_user),
            form,
        )
        if not done.ok:
            body = queries.body_by_slug(db.session, slug)
        else:
            meeting = done.value
            flash(
                _("Møte %(number)s er planlagt. Bygg dagsordenen under.", number=meeting.number),
                "success",
            )
            return redirect(url_for("agenda.edit_agenda", meeting_id=meeting.id))
    html = render_template("meetings/meeting_form.html", form=form, body=body, meeting=None)
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
    meeting = prepared_meeting(meeting_id)
    form = MeetingEditForm(data=_meeting_data(meeting))
    if form.validate_on_submit():
        done = attempt(lambda: _update_meeting(meeting, form), form, what=STALE_WHAT)
        if not done.ok:
            meeting = prepared_meeting(meeting_id)
            set_submitted(form.version, meeting.version)
        else:
            flash(_("Møte %(number)s er lagret.", number=meeting.number), "success")
            return redirect(url_for("meetings.view_meeting", meeting_id=meeting_id))
    return _meeting_page(form, meeting)


def _update_meeting(meeting: Meeting, form: MeetingEditForm) -> None:
    meeting_plans.update_meeting(db.session, meeting, form.to_input(), current_user)
    invitations.sync_invitations(db.session, meeting, **invitation_settings())


def _meeting_page(form: MeetingEditForm, meeting: Meeting):
    dates = sorted({row.date.data for row in form.days if row.date.data})
    form.move_items_to.choices = {"": _("Ikke flytt – avvis endringen")} | {
        d.isoformat(): weekday_date(d) for d in dates
    }
    statuses = [
        (s, str(meeting_status.STATUS_ACTIONS[s]))
        for s in meeting_status.STATUS_CHANGES.get(meeting.status, ())
    ]
    html = render_template(
        "meetings/meeting_form.html",
        form=form,
        body=meeting.body,
        meeting=meeting,
        status_form=StatusForm(formdata=None, version=meeting.version),
        statuses=statuses,
        mail=invitations.mail_report(db.session, meeting),
        withheld=withheld(meeting),
    )
    return html, (409 if form.version.errors else 400) if form.errors else 200


@bp.post("/meetings/<int:meeting_id>/status")
def change_status(meeting_id: int):
    meeting = prepared_meeting(meeting_id)
    form = StatusForm()
    status = form.status.data or ""
    if status == "gjennomført" and not form.confirmed and meeting.status == "innkalt":
        due = minutes_approval.approval_due(db.session, meeting, held=True)
        if due is not None:  # marking it held approves the previous minutes: confirm first
            return render_template(
                "minutes/confirm_held.html",
                meeting=meeting,
                plan=due,
                form=form,
                summary=minutes_locking.approval_summary,
            )
    _set_status(meeting, status, form)
    back = "meetings.view_meeting" if form.back.data == "meeting" else "meetings.edit_meeting"
    return redirect(url_for(back, meeting_id=meeting_id))


def _set_status(meeting: Meeting, status: str, form: StatusForm) -> None:
    """Change the status and keep the calendars in step; say what was sent."""

    def work():
        approved = meeting_status.change_status(
            db.session, meeting, status, form.version.data, current_user, confirmed=form.confirmed
        )
        return approved, invitations.sync_invitations(db.session, meeting, **invitation_settings())

    done = attempt(work, what=STALE_WHAT)
    if done.ok:
        approved, sent = done.value
        message = _(
            "Møte %(number)s har nå status «%(status)s».",
            number=meeting.number,
            status=meeting.status_label,
        )
        if sent:
            message += " " + ngettext(
                "E-post med kalenderinvitasjon går til %(num)s person.",
                "E-post med kalenderinvitasjon går til %(num)s personer.",
                len(sent),
            )
        flash(message, "success")
        for m in approved:
            flash(
                _(
                    "Referatet fra møte %(number)s i %(body)s er godkjent og låst.",
                    number=m.number,
                    body=m.body.short_name,
                ),
                "success",
            )
        missing = invitations.mail_report(db.session, meeting).without_address
        if sent and missing:
            flash(
                _(
                    "Disse har ingen e-postadresse og får ikke invitasjonen: %(names)s.",
                    names=", ".join(missing),
                ),
                "error",
            )


@bp.get("/meetings/<int:meeting_id>/send-innkalling")
def confirm_innkalling(meeting_id: int):
    """What «Send innkalling» will send, to whom, and what looks wrong, before it is sent."""
    meeting = prepared_meeting(meeting_id)
    if meeting.status != "planlagt":
        return render_template("meetings/confirm_innkalling.html", meeting=meeting, preview=None)
    preview = sending.innkalling_preview(meeting, invitation_settings()["base_url"], date.today())
    return render_template(
        "meetings/confirm_innkalling.html",
        meeting=meeting,
        preview=preview,
        withheld=withheld(meeting),
    )
