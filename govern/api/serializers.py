"""Model -> JSON dictionaries for the API. Dates are ISO 8601; numbers as users quote them."""

from __future__ import annotations

from typing import Any

from flask import url_for

from govern.models.bodies import Body, Membership
from govern.models.cases import Case, Treatment
from govern.models.meetings import AgendaItem, Attendance, Meeting
from govern.presentation import attachment_refs, treatment_texts


def body_summary(body: Body) -> dict[str, Any]:
    return {
        "id": body.id,
        "slug": body.slug,
        "name": body.name,
        "short_name": body.short_name,
        "kind": body.kind,
        "status": body.status,
        "external": body.external,
        "url": url_for("api.get_body", slug=body.slug, _external=True),
    }


def membership(m: Membership) -> dict[str, Any]:
    return {
        "id": m.id,
        "person": {
            "id": m.person.id,
            "name": m.person.name,
            "organisation": m.person.organisation.name if m.person.organisation else None,
        },
        "role": m.role,
        "from": m.starts_on.isoformat() if m.starts_on else None,
        "to": m.ends_on.isoformat() if m.ends_on else None,
        "deputy_for": m.deputy_for.name if m.deputy_for else None,
    }


def body_detail(body: Body) -> dict[str, Any]:
    return {
        **body_summary(body),
        "mandate": body.mandate,
        "escalates_to": body.escalates_to.slug if body.escalates_to else None,
        "members": [membership(m) for m in sorted(body.memberships, key=lambda m: m.id)],
        "meetings_url": url_for("api.list_body_meetings", slug=body.slug, _external=True),
    }


def meeting_summary(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "body": meeting.body.slug,
        "number": meeting.number,
        "year": meeting.year,
        "status": meeting.status,
        "location": meeting.location,
        "days": [
            {
                "date": d.date.isoformat(),
                "start": d.starts_at.isoformat(),
                "end": d.ends_at.isoformat(),
            }
            for d in meeting.days
        ],
        "url": url_for("api.get_meeting", meeting_id=meeting.id, _external=True),
    }


#: Fields that belong to the minutes: shown only where the minutes may be read.
MINUTES_FIELDS = ("presentation", "input", "decision")


def _without_minutes(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ([] if k == "input" else "") if k in MINUTES_FIELDS else v for k, v in data.items()}


def treatment(t: Treatment, minutes: bool = True) -> dict[str, Any]:
    data = {
        "id": t.id,
        "case_id": t.case_id,
        "body": t.body.slug,
        "meeting_id": t.meeting_id,
        "case_number": t.number,
        "title": t.display_title,
        "date": t.date.isoformat() if t.date else None,
        **treatment_texts(t),
    }
    return data if minutes else _without_minutes(data)


def agenda_item(item: AgendaItem, day_number: int, minutes: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id,
        "position": item.position,
        "type": item.kind,
        "day": day_number,
        "time": item.start_time.strftime("%H:%M") if item.start_time else None,
        "title": item.display_title,
        "parent_id": item.parent_id,
        "case_number": None,
    }
    if item.treatment is not None:
        t = item.treatment
        data.update(
            case_number=t.number,
            case_id=t.case_id,
            treatment_id=t.id,
            **treatment_texts(t),
            attachments=attachment_refs(t),
        )
    return data if minutes else _without_minutes(data)


def attendance(a: Attendance) -> dict[str, Any]:
    return {
        "person": a.person.name,
        "status": a.status,
        "for": a.deputy_for.name if a.deputy_for else None,
        "days": a.days or None,
    }


def meeting_detail(meeting: Meeting, minutes: bool = True) -> dict[str, Any]:
    """A meeting with its agenda; minutes (innspill, vedtak, attendance) only if `minutes`."""
    day_numbers = {d.id: i + 1 for i, d in enumerate(meeting.days)}
    rows = sorted(meeting.attendance, key=lambda a: a.id) if minutes else []
    return {
        **meeting_summary(meeting),
        "title": meeting.title,
        "minutes_status": meeting.minutes_status,
        "agenda": [agenda_item(i, day_numbers[i.day_id], minutes) for i in meeting.items],
        "attendance": [attendance(a) for a in rows],
    }


def case_detail(case: Case, treatments: list[Treatment], user) -> dict[str, Any]:
    """A case with the treatments the user may see; decisions only where minutes are readable."""
    from govern.permissions import can

    return {
        "id": case.id,
        "title": case.title,
        "sakseier": case.sakseier,
        "saksbehandler": case.saksbehandler,
        "treatments": [
            treatment(t, t.meeting is None or can(user, "read_minutes", t.meeting))
            for t in treatments
        ],
    }
