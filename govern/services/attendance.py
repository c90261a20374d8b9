"""Who attended a meeting: members, deputies and staff, on all days or only some."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.bodies import ROLE_ORDER, ROLES, Membership
from govern.models.meetings import ATTENDANCE_STATUSES, Attendance, Meeting
from govern.models.minutes import MinutesRevision
from govern.models.people import Person
from govern.presentation import active_members
from govern.services import audit
from govern.services.audit import StaleEdit
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.minutes import ensure_minutes_open
from govern.services.minutes_corrections import new_revision

#: How a status reads in the audit log and on the attendance page.
STATUS_LABELS = {"present": "til stede", "absent": "ikke til stede", "deputy": "stedfortreder"}


def days_text(days: Sequence[int] | None) -> str:
    """' – dag 1' or ' – dag 1 og 2' for a status that holds only some days; '' for all."""
    if not days:
        return ""
    numbers = [str(d) for d in sorted(days)]
    if len(numbers) == 1:
        return " – " + _("dag %(days)s", days=numbers[0])
    return " – " + _("dag %(days)s og %(last)s", days=", ".join(numbers[:-1]), last=numbers[-1])


def _days_stored(days: Sequence[int] | None) -> str:
    """days_text as the attendance's stored record writes it, always in bokmål."""
    if not days:
        return ""
    numbers = [str(d) for d in sorted(days)]
    joined = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " og " + numbers[-1]
    return f" – dag {joined}"


@dataclass(frozen=True)
class AttendanceRow:
    """One person's attendance; `days` are 1-based day numbers, empty for every day."""

    person_id: int
    status: str
    deputy_for_id: int | None = None
    days: tuple[int, ...] = ()


@dataclass
class Attendee:
    """A row of the attendance page: a person, their role in the body, what is recorded."""

    person: Person
    role: str | None
    membership: Membership | None
    recorded: Attendance | None


def attendees(meeting: Meeting) -> list[Attendee]:
    """Members active on the meeting's first day (by role), then others already recorded."""
    rows: dict[int, Attendee] = {}
    memberships = sorted(
        active_members(meeting.body, meeting.first_date, ROLES),
        key=lambda m: (ROLE_ORDER[m.role], m.id),
    )
    recorded = {a.person_id: a for a in meeting.attendance}
    for m in memberships:
        if m.person_id not in rows:
            rows[m.person_id] = Attendee(m.person, m.role, m, recorded.get(m.person_id))
    for a in sorted(meeting.attendance, key=lambda a: a.id):
        if a.person_id not in rows:
            rows[a.person_id] = Attendee(a.person, None, None, a)
    return list(rows.values())


def fingerprint(meeting: Meeting) -> str:
    """A short digest of the recorded attendance, so a form opened on older data is refused."""
    rows = sorted(
        (a.person_id, a.status, a.deputy_for_id or 0, tuple(sorted(a.days or ())))
        for a in meeting.attendance
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def describe(status: str | None, deputy_for: Person | None, days: Sequence[int] | None) -> str:
    """'ikke til stede – dag 1', 'stedfortreder for Stine Slørdal', 'ikke registrert'
    (in bokmål: the revisions and the audit log keep it as written)."""
    if not status:
        return "ikke registrert"
    text = STATUS_LABELS.get(status, status)
    if status == "deputy" and deputy_for is not None:
        text += f" for {deputy_for.name}"
    return text + _days_stored(days)


def _check_row(
    session: Session, meeting: Meeting, i: int, row: AttendanceRow, seen: set[int]
) -> tuple[Person, Person | None, list[int] | None]:
    """The row's person, whom they stand in for, and its days; refuse what cannot be."""
    person = session.get(Person, row.person_id) if row.person_id else None
    if person is None:
        raise NotFound(_("Personen finnes ikke"), field=f"rows[{i}].person")
    if row.status not in ATTENDANCE_STATUSES:
        raise InvalidInput(
            _("Ukjent oppmøtestatus «%(status)s»", status=row.status), field=f"rows[{i}].status"
        )
    if person.id in seen:
        raise InvalidInput(
            _("%(name)s er oppført to ganger; en person kan bare stå én gang", name=person.name),
            field=f"rows[{i}].person",
        )
    seen.add(person.id)
    deputy_for = None
    if row.deputy_for_id is not None:
        deputy_for = session.get(Person, row.deputy_for_id)
        if deputy_for is None:
            raise NotFound(
                _("Personen det stilles for, finnes ikke"), field=f"rows[{i}].deputy_for"
            )
    if row.status == "deputy" and deputy_for is None:
        raise InvalidInput(
            _("Oppgi hvem %(name)s stiller for som stedfortreder", name=person.name),
            field=f"rows[{i}].deputy_for",
        )
    if row.status != "deputy" and deputy_for is not None:
        raise InvalidInput(
            _("Bare en stedfortreder stiller for noen"), field=f"rows[{i}].deputy_for"
        )
    if deputy_for is not None and deputy_for.id == person.id:
        raise InvalidInput(
            _("%(name)s kan ikke stille for seg selv", name=person.name),
            field=f"rows[{i}].deputy_for",
        )
    days = sorted(set(row.days))
    for number in days:
        if not 1 <= number <= len(meeting.days):
            raise InvalidInput(
                _("Møtet har ingen dag %(day)s", day=number), field=f"rows[{i}].days"
            )
    # Every day ticked is the same as none: the status holds for the whole meeting.
    return person, deputy_for, (days if days and len(days) < len(meeting.days) else None)


def set_attendance(
    session: Session,
    user: User | None,
    meeting: Meeting,
    rows: Sequence[AttendanceRow],
    seen_fingerprint: str | None = None,
) -> dict[str, list]:
    """Replace the meeting's attendance with `rows` in one go; people left out are removed.

    `seen_fingerprint` is the fingerprint() of the attendance the form was opened on; if
    someone saved in between, nothing is saved. Approved minutes are locked: a change then
    goes through correct_attendance. Returns {person: [before, after]}.
    """
    ensure_minutes_open(
        meeting,
        field="fingerprint",
        message=_(
            "Referatet fra møte %(number)s er godkjent og låst; oppmøtet kan ikke endres. "
            "Rettelser føres som en ny revisjon av referatet.",
            number=meeting.number,
        ),
    )
    changes = _replace(session, meeting, rows, seen_fingerprint)
    if changes:
        counts = {s: sum(1 for r in rows if r.status == s) for s in ATTENDANCE_STATUSES}
        audit.record(
            session,
            user,
            "meeting.attendance",
            meeting,
            f"Oppmøtet på {meeting.title} ble registrert: {counts['present']} til stede, "
            f"{counts['absent']} ikke til stede, {counts['deputy']} stedfortreder(e)",
            body=meeting.body,
            changes=changes,
        )
    return changes


def correct_attendance(
    session: Session,
    user: User | None,
    meeting: Meeting,
    rows: Sequence[AttendanceRow],
    reason: str,
    seen_fingerprint: str | None = None,
) -> MinutesRevision:
    """Correct the attendance in approved minutes: a new revision of the referat, with why."""
    if not meeting.minutes_locked:
        raise Conflict(
            _("Referatet er ikke godkjent ennå; før oppmøtet direkte på oppmøtesiden"),
            field="reason",
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Skriv hvorfor oppmøtet rettes"), field="reason")
    changes = _replace(session, meeting, rows, seen_fingerprint)
    if not changes:
        raise InvalidInput(_("Ingenting er endret i oppmøtet"), field="reason")
    return new_revision(
        session,
        user,
        meeting,
        reason,
        changes,
        [
            {"field": "attendance", "person": name, "before": before, "after": after}
            for name, (before, after) in changes.items()
        ],
        subject="Oppmøtet i referatet",
    )


def _replace(
    session: Session,
    meeting: Meeting,
    rows: Sequence[AttendanceRow],
    seen_fingerprint: str | None,
) -> dict[str, list]:
    """Replace the attendance with `rows`; {person: [before, after]} of what changed."""
    if seen_fingerprint is not None and seen_fingerprint != fingerprint(meeting):
        raise StaleEdit(
            _(
                "Oppmøtet ble endret av noen andre mens du redigerte. Endringene dine er ikke "
                "lagret; de står under slik du la dem inn. Se over det som nå er lagret, og "
                "lagre på nytt."
            ),
            field="fingerprint",
        )
    if meeting.status == "avlyst":
        raise InvalidInput(_("Møtet er avlyst; det registreres ikke oppmøte"), field="rows")
    seen: set[int] = set()
    checked = [_check_row(session, meeting, i, row, seen) for i, row in enumerate(rows)]
    existing = {a.person_id: a for a in meeting.attendance}
    changes: dict[str, list] = {}
    for (person, deputy_for, days), row in zip(checked, rows, strict=True):
        current = existing.pop(person.id, None)
        before = describe(current.status, current.deputy_for, current.days) if current else None
        if current is None:
            current = Attendance(meeting=meeting, person=person)
            session.add(current)
        current.status, current.deputy_for, current.days = row.status, deputy_for, days
        after = describe(row.status, deputy_for, days)
        if before != after:
            changes[person.name] = [before or "ikke registrert", after]
    for gone in existing.values():
        changes[gone.person.name] = [describe(gone.status, gone.deputy_for, gone.days), None]
        meeting.attendance.remove(gone)
    try:
        session.flush()
    except StaleDataError:
        raise StaleEdit(
            _(
                "Oppmøtet ble endret av noen andre samtidig. Endringene dine er ikke lagret; "
                "prøv igjen."
            ),
            field="fingerprint",
        ) from None
    return changes
