"""The rules a submitted case is checked against: texts, files, the meetings one may ask for
and the deadline for submitting cases to a meeting (from the body's årshjul).

The deadline is the occurrence, for that meeting, of an entry of one of the body's annual
cycles whose title speaks of "innmelding" (the demo's "Frist for innmelding av saker", four
weeks before each meeting). A submission that asks for a meeting whose deadline has passed
is refused with the date and the advice to ask for a later meeting or none: the
secretariat, which may still put any case on any open agenda, decides about late cases,
rather than finding them on an agenda it has closed. A body without such an entry has no
deadline; a meeting is open for submissions until it is held.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import SAKSTYPER
from govern.models.meetings import Meeting
from govern.services.attachments import check_file
from govern.services.cycles import cycles_of, plan_between
from govern.services.errors import InvalidInput
from govern.timeutil import date_span, long_date

MAX_FILES = 10
#: The most the files of one submission may take together.
MAX_TOTAL = 50 * 1024 * 1024
MAX_TEXT = 20_000
#: Automatic items of every agenda: not something to submit.
NOT_SUBMITTED = ("Godkjenning", "Eventuelt")
SUBMITTED_SAKSTYPER = tuple(s for s in SAKSTYPER if s not in NOT_SUBMITTED)
#: Words in the title of the årshjul entry that is the deadline for submitting cases.
DEADLINE_WORD = "innmelding"
OPEN_STATUSES = ("planlagt", "innkalt")


def meeting_label(meeting: Meeting) -> str:
    """'møte 3/26 (12. mai 2026)'."""
    if meeting.first_date is None:
        return _("møte %(number)s", number=meeting.number)
    return _(
        "møte %(number)s (%(dates)s)",
        number=meeting.number,
        dates=date_span(meeting.first_date, meeting.last_date),
    )


def check_submission_sakstype(sakstype: str | None) -> str:
    if sakstype not in SUBMITTED_SAKSTYPER:
        raise InvalidInput(
            _("Velg sakstype: %(choices)s", choices=", ".join(SUBMITTED_SAKSTYPER)),
            field="sakstype",
        )
    return sakstype


def check_text(text: str | None, field: str, what: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _("%(what)s kan ha høyst %(max)s tegn", what=what, max=MAX_TEXT), field=field
        )
    return text


def check_files(files: Sequence[Any]) -> list[tuple[Any, str]]:
    """Every file checked by its content (PDF, Word, Excel, PowerPoint, at most 20 MB
    each, MAX_FILES and MAX_TOTAL in all); returns (file, extension) pairs."""
    files = [f for f in files if (f.filename or "").strip() or f.content]
    if len(files) > MAX_FILES:
        raise InvalidInput(
            _("Du kan sende høyst %(max)s vedlegg med en sak", max=MAX_FILES), field="files"
        )
    checked = []
    for upload in files:
        try:
            ext = check_file(upload.filename, upload.content)
        except InvalidInput as error:
            name = (upload.filename or "").strip()
            raise InvalidInput(
                f"«{name}»: {error.message}" if name else error.message, field="files"
            ) from error
        checked.append((upload, ext))
    total = sum(len(f.content) for f in files)
    if total > MAX_TOTAL:
        raise InvalidInput(
            _("Vedleggene kan til sammen være høyst %(mb)s MB", mb=MAX_TOTAL // (1024 * 1024)),
            field="files",
        )
    return checked


def intake_deadline(session: Session, body: Body, meeting: Meeting) -> date | None:
    """The last day to submit cases to the meeting by the body's årshjul, or None."""
    if meeting.first_date is None:
        return None
    cycles = [c for c in cycles_of(session, body) if c.body_id == body.id]
    if not any(DEADLINE_WORD in e.title.casefold() for c in cycles for e in c.entries):
        return None
    first = meeting.first_date - timedelta(days=400)
    found = [
        o
        for o in plan_between(session, cycles, first, meeting.last_date)
        if o.meeting is not None
        and o.meeting.id == meeting.id
        and DEADLINE_WORD in o.entry.title.casefold()
    ]
    return min((o.ends_on for o in found), default=None)


def check_deadline(session: Session, body: Body, meeting: Meeting, today: date) -> None:
    """Refuse a meeting whose deadline for submitting cases has passed (or that is held)."""
    if meeting.status not in OPEN_STATUSES or (meeting.last_date or today) < today:
        raise InvalidInput(
            _(
                "Møte %(number)s tar ikke imot flere saker. Velg et annet møte.",
                number=meeting.number,
            ),
            field="wanted_meeting_id",
        )
    deadline = intake_deadline(session, body, meeting)
    if deadline is not None and today > deadline:
        raise InvalidInput(
            _(
                "Fristen for innmelding av saker til møte %(number)s var %(date)s. Velg et "
                "senere møte eller «Første ledige møte»; sekretariatet avgjør om saken kan "
                "tas med likevel.",
                number=meeting.number,
                date=long_date(deadline),
            ),
            field="wanted_meeting_id",
        )


def coming_meetings(session: Session, body: Body, today: date) -> list[Meeting]:
    """The body's meetings that are not held, cancelled or past, first first."""
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.body_id == body.id, Meeting.status.in_(OPEN_STATUSES))
        .options(selectinload(Meeting.days))
    ).all()
    coming = [m for m in meetings if m.last_date is not None and m.last_date >= today]
    return sorted(coming, key=lambda m: (m.first_date, m.id))


def meeting_choices(session: Session, body: Body, meetings: Sequence[Meeting], today: date):
    """(meeting, deadline, open) for each meeting one may ask for."""
    rows = []
    for meeting in meetings:
        deadline = intake_deadline(session, body, meeting)
        rows.append((meeting, deadline, deadline is None or today <= deadline))
    return rows
