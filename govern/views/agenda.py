"""The agenda editor of the secretariat: put cases, breaks, headings and points on a
meeting's agenda, edit, move and remove them."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from govern import presentation
from govern.extensions import db
from govern.forms.agenda import (
    CaseEditForm,
    CaseItemForm,
    EntryEditForm,
    EntryForm,
    ExistingCaseForm,
    PointForm,
)
from govern.forms.base import set_submitted
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.meetings import AgendaItem, Meeting
from govern.services import agenda, agenda_order, case_picker
from govern.services.agenda_numbers import numbers_follow_agenda
from govern.services.audit import StaleEdit
from govern.services.errors import InvalidInput
from govern.timeutil import weekday_date
from govern.views.meetings import prepared_meeting
from govern.views.unit_of_work import attempt

bp = Blueprint("agenda", __name__, template_folder="../../templates")

#: What a lost update the database refused is about (someone saved between our check and ours).
STALE_WHAT = lazy_gettext("Dette")
ADD_FORMS = {
    "case": CaseItemForm,
    "existing": ExistingCaseForm,
    "break": EntryForm,
    "heading": EntryForm,
    "point": PointForm,
}


def _item(item_id: int) -> tuple[AgendaItem, Meeting]:
    meeting_id = db.session.scalar(select(AgendaItem.meeting_id).where(AgendaItem.id == item_id))
    meeting = prepared_meeting(meeting_id or abort(404))
    return next(i for i in meeting.items if i.id == item_id), meeting


def _back_to_agenda(meeting_id: int, item_id: int | None = None):
    anchor = f"#punkt-{item_id}" if item_id else ""
    return redirect(url_for("agenda.edit_agenda", meeting_id=meeting_id) + anchor)


def _on_agenda(meeting: Meeting) -> set[int]:
    return {i.treatment.case_id for i in meeting.items if i.treatment}


def _picked(meeting: Meeting, case_id: int | None):
    """The earlier case picked from the search, with its latest treatment (or None)."""
    if not case_id or case_id in _on_agenda(meeting):
        return None
    found = case_picker.candidates(db.session, [case_id])
    return found[0] if found else None


def _prefill(form: ExistingCaseForm, picked) -> None:
    """Start the new treatment from the latest one: sakstype, summary, forslag til vedtak."""
    latest = picked.latest
    form.case_id.data = picked.case.id
    if latest.sakstype and latest.sakstype not in (agenda.GODKJENNING, agenda.EVENTUELT):
        form.sakstype.data = latest.sakstype
    form.summary.data = latest.summary
    form.proposed_decision.data = latest.proposed_decision


def _choices(form, meeting: Meeting) -> None:
    if getattr(form, "day", None) is not None:
        days = enumerate(meeting.days, 1)
        form.day.choices = {
            n: _("Dag %(number)s – %(date)s", number=n, date=weekday_date(d.date)) for n, d in days
        }
    if hasattr(form, "parent_id"):
        cases = [i for i in meeting.items if i.kind == "case"]
        form.parent_id.choices = {0: _("– velg sak –")} | {
            i.id: f"{i.treatment.number} {i.display_title}"[:140] for i in cases
        }


def _agenda_page(meeting: Meeting, status: int = 200, finding=None, pick=None, **submitted):
    forms = {}
    for name, form_class in ADD_FORMS.items():
        forms[name] = submitted.get(name) or form_class(prefix=name, formdata=None)
        _choices(forms[name], meeting)
    if "break" not in submitted:
        forms["break"].title.data = _("Pause")
    existing = forms["existing"]
    picked = _picked(meeting, existing.case_id.data if "existing" in submitted else pick)
    if picked is not None and "existing" not in submitted:
        _prefill(existing, picked)
    html = render_template(
        "agenda/agenda.html",
        meeting=meeting,
        plan=presentation.agenda_days(meeting),
        forms=forms,
        open_form=next(iter(submitted), None) or ("existing" if finding or picked else None),
        finding=finding,
        picked=picked,
        moves=agenda_order.possible_moves(meeting),
        locked=meeting.minutes_locked,
    )
    return html, status


@bp.get("/meetings/<int:meeting_id>/agenda")
def edit_agenda(meeting_id: int):
    """The agenda; `finn` searches earlier cases, `sak` picks one for the form below it."""
    meeting = prepared_meeting(meeting_id)
    finding = None
    q = (request.args.get("finn") or "").strip()[:200]
    if q:
        found = case_picker.find_cases(db.session, current_user, q, _on_agenda(meeting))
        finding = {"q": q, "found": found}
    return _agenda_page(meeting, finding=finding, pick=request.args.get("sak", type=int))


def _add(meeting: Meeting, what: str, form) -> AgendaItem:
    if what in ("case", "existing"):
        case = None
        if what == "existing":
            picked = _picked(meeting, form.case_id.data)
            if picked is None:
                raise InvalidInput(
                    _("Finn og velg en sak som ikke står på dagsordenen"), field="case_id"
                )
            case = picked.case
        return agenda.add_case_item(db.session, meeting, form.to_input(), case, current_user)
    parent = db.session.get(AgendaItem, form.parent_id.data or 0) if what == "point" else None
    return agenda.add_entry(db.session, meeting, form.to_input(what), parent, current_user)


@bp.post("/meetings/<int:meeting_id>/agenda/<what>")
def add_to_agenda(meeting_id: int, what: str):
    if what not in ADD_FORMS:
        abort(404)
    meeting = prepared_meeting(meeting_id)
    form = ADD_FORMS[what](prefix=what)
    _choices(form, meeting)
    if form.validate_on_submit():
        done = attempt(lambda: _add(meeting, what, form), form, what=STALE_WHAT)
        if not done.ok:
            meeting = prepared_meeting(meeting_id)
        else:
            item = done.value
            flash(_added_message(item), "success")
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
        label = agenda.item_label(item)
        if to_day:
            message = _("%(item)s er flyttet til dag %(day)s.", item=label, day=to_day)
        elif request.form["direction"] == "up":
            message = _("%(item)s er flyttet opp.", item=label)
        else:
            message = _("%(item)s er flyttet ned.", item=label)
        flash(message, "success")
    return _back_to_agenda(meeting.id, item_id)


def _added_message(item: AgendaItem) -> str:
    if item.treatment is not None:
        message = _("%(item)s er lagt til på dagsordenen.", item=agenda.item_label(item))
        if item.renumbered_elsewhere:
            message += " " + _(
                "Sakene i møte %(meetings)s har fått nye saksnumre, slik at numrene følger "
                "møtenes datoer uten hull.",
                meetings=", ".join(item.renumbered_elsewhere),
            )
        return message
    return {
        "break": _("Pausen er lagt til på dagsordenen."),
        "heading": _("Overskriften er lagt til på dagsordenen."),
        "point": _("Underpunktet er lagt til på dagsordenen."),
    }[item.kind]


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
            flash(_("%(item)s er lagret.", item=agenda.item_label(item)), "success")
            return _back_to_agenda(meeting.id, item_id)
    saved = _item_form(item, formdata=False) if stale else None
    shared = item.treatment is not None and len(item.treatment.case.treatments) > 1
    html = render_template(
        "agenda/item_form.html", form=form, item=item, meeting=meeting, saved=saved, shared=shared
    )
    return html, (409 if stale else 400) if form.errors else 200


def _refresh_versions(form, item: AgendaItem) -> None:
    """After a refused save the form carries the current versions: saving again (after
    looking at the other person's change) goes through."""
    if item.treatment is None:
        set_submitted(form.version, item.version)
    else:
        set_submitted(form.item_version, item.version)
        set_submitted(form.treatment_version, item.treatment.version)


@bp.post("/agenda-items/<int:item_id>/delete")
def remove_item(item_id: int):
    item, meeting = _item(item_id)
    is_case = item.treatment is not None
    done = attempt(lambda: agenda.remove_item(db.session, item, current_user), what=STALE_WHAT)
    if done.ok:
        message = _("%(item)s er fjernet fra dagsordenen.", item=done.value)
        if is_case:
            message += " " + (
                _("Sakene etter den har rykket opp ett nummer.")
                if numbers_follow_agenda(meeting)
                else _("Saksnummeret brukes ikke på nytt.")
            )
        flash(message, "success")
    return _back_to_agenda(meeting.id)
