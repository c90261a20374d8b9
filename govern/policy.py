"""Who may see or do what: one pure policy asked by views, the API, services, search and exports.

Every function takes the reader (a logged-in account, an anonymous visitor or None) as its
first argument and the day as `on` (today when omitted); nothing here reads the request, so a
service or a test asks exactly the same question as a view. The web guard that turns a "no"
into a login redirect, 403 or 404 is govern.views.guard.

Roles are per body and come from the person's memberships that are active on the day:
- sekretariat prepares and runs the body's meetings;
- leder, nestleder, medlem, vara, observatør read everything of their body, including
  agendas and minutes marked for members;
- the people behind a case's sakseier/saksbehandler edit its memo;
- an administrator manages bodies and accounts, and may do everything.
Visitors who are not logged in see what is published: bodies, called meetings' agendas,
approved minutes and decisions. A members-only body (Body.members_only) publishes nothing:
everything of it (meetings, change requests, prioritisation rounds, documents) is read only
by its members, its secretariat and administrators (may_read_body). What is exempt from
public access inside a public body (cases, Vedlegg, closed items) is decided in
govern.openness.

A reader needs only `is_authenticated`, `is_admin`, `person_id` and `person.memberships`
(each with `role`, `body_id` and `active_on(day)`), so plain objects do in tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, exists, false, or_, select, true

from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.cycles import Cycle, CycleEntry
from govern.models.meetings import PUBLISHED_STATUSES, Meeting

READER_ROLES = frozenset({"leder", "nestleder", "medlem", "vara", "observatør", "sekretariat"})
#: The roles of those who sit in the meetings: they declare habilitet and comment on minutes.
SEATED_ROLES = READER_ROLES - {"sekretariat"}
ACTIONS = frozenset(
    {"read", "read_minutes", "prepare", "edit_memo", "admin", "declare_recusal", "comment_minutes"}
)


def is_logged_in(reader) -> bool:
    """Whether the reader is a logged-in account (not None, not an anonymous visitor)."""
    return reader is not None and bool(getattr(reader, "is_authenticated", False))


def is_admin(reader) -> bool:
    """Whether the reader is a logged-in administrator."""
    return is_logged_in(reader) and bool(reader.is_admin)


def roles_in(reader, body: Body, on: date | None = None) -> set[str]:
    """The reader's roles in a body on a day (today by default)."""
    if not is_logged_in(reader):
        return set()
    on = on or date.today()
    return {m.role for m in reader.person.memberships if m.body_id == body.id and m.active_on(on)}


def body_ids_with(reader, wanted: Iterable[str], on: date | None = None) -> list[int]:
    """Ids of the bodies where the reader has one of the wanted roles on the day, sorted."""
    if not is_logged_in(reader):
        return []
    on = on or date.today()
    wanted = frozenset(wanted)
    return sorted(
        {m.body_id for m in reader.person.memberships if m.role in wanted and m.active_on(on)}
    )


def is_secretariat_anywhere(reader, on: date | None = None) -> bool:
    """Whether the reader is in some body's secretariat on the day.

    A shared annual cycle is kept by the secretariats together.
    """
    return bool(body_ids_with(reader, ("sekretariat",), on))


def _body_of(target) -> Body | None:
    if isinstance(target, Body):
        return target
    if isinstance(target, Meeting):
        return target.body
    if isinstance(target, Treatment):
        return target.body
    if isinstance(target, Cycle):
        return target.body
    if isinstance(target, CycleEntry):
        return target.cycle.body
    return None


def can(reader, action: str, target=None, on: date | None = None) -> bool:
    """Whether the reader (possibly anonymous) may do `action` on `target` on the day."""
    logged_in = is_logged_in(reader)
    if logged_in and reader.is_admin:
        return True
    body = _body_of(target)
    roles = roles_in(reader, body, on) if (logged_in and body is not None) else set()
    members_only = body is not None and body.members_only
    if action in ("read", "read_minutes") and members_only and not roles & READER_ROLES:
        return False
    match action:
        case "read":
            if isinstance(target, Meeting):
                return (
                    target.is_published
                    or "sekretariat" in roles
                    or (target.agenda_shared and bool(roles & READER_ROLES))
                )
            return True
        case "read_minutes":
            if target.minutes_status == "godkjent":
                return True
            if target.minutes_status == "sendt":
                return bool(roles & READER_ROLES)
            return "sekretariat" in roles
        case "prepare":
            if isinstance(target, (Cycle, CycleEntry)) and body is None:
                return logged_in and is_secretariat_anywhere(reader, on)
            return "sekretariat" in roles
        case "edit_memo":
            if "sekretariat" in roles:
                return True
            case: Case = target.case
            person_id = reader.person_id if logged_in else None
            return person_id is not None and person_id in (case.sakseier_id, case.saksbehandler_id)
        case "declare_recusal":
            # A member (vara, observatør) declares habilitet in a case of a meeting.
            return bool(roles & SEATED_ROLES) and target.meeting is not None
        case "comment_minutes":
            # A member comments on the draft minutes the secretariat sent for comments.
            return bool(roles & SEATED_ROLES) and target.minutes_status == "sendt"
        case "admin":
            return False
    raise ValueError(f"unknown action {action!r}")


def is_body_reader(reader, body: Body, on: date | None = None) -> bool:
    """Whether the reader reads the body's internal pages: its secretariat and members, and
    administrators (the endringsråd's product area and change requests)."""
    return can(reader, "prepare", body, on) or bool(roles_in(reader, body, on) & READER_ROLES)


def may_read_body(reader, body: Body, on: date | None = None) -> bool:
    """Whether the reader may read anything of the body: everybody for a public body; for a
    members-only body only its members and secretariat (READER_ROLES) and administrators.

    Meetings, change requests, prioritisation rounds, annual cycles and documents of the body
    follow this (can(reader, "read", ...) asks it first); body_filter is its SQL form.
    """
    if not body.members_only or is_admin(reader):
        return True
    return bool(roles_in(reader, body, on) & READER_ROLES)


def may_submit_case(
    reader, body: Body, on: date | None = None, *, owns_cases: bool = False
) -> bool:
    """Submitting a case to a body (innmelding): its members and secretariat, administrators,
    and case owners (sakseier/saksbehandler of some case: `owns_cases`, which the caller
    looks up) for a body they may read. Never an external body, which govern does not run."""
    if not is_logged_in(reader) or body.external:
        return False
    if reader.is_admin or roles_in(reader, body, on) & READER_ROLES:
        return True
    return owns_cases and may_read_body(reader, body, on)


def may_read_submission(reader, submission, on: date | None = None) -> bool:
    """A submitted case is never public: its submitter, the body's secretariat and
    administrators read it (what is accepted is a case on an agenda, public by its rules)."""
    if not is_logged_in(reader):
        return False
    if reader.is_admin or reader.person_id == submission.submitter_id:
        return True
    return "sekretariat" in roles_in(reader, submission.body, on)


def may_edit_cases(reader, on: date | None = None) -> bool:
    """Registering cases and seeing those not yet on any agenda: administrators and anyone in
    a secretariat on the day."""
    if not is_logged_in(reader):
        return False
    return bool(reader.is_admin) or is_secretariat_anywhere(reader, on)


def may_link(reader, history: list[Treatment], on: date | None = None) -> bool:
    """Linking a case and registering its external treatments: the secretariat of a body in
    the case's history, or an administrator."""
    return any(can(reader, "prepare", body, on) for body in {t.body for t in history}) or can(
        reader, "admin", on=on
    )


def visible_treatments(reader, treatments: list[Treatment], on: date | None = None) -> list:
    """Treatments the reader may see: external ones, and those of meetings they may read.

    A decision (vedtak) is only shown where the minutes may be read; the page checks that
    per treatment with can(reader, "read_minutes", t.meeting).
    """
    return [
        t
        for t in treatments
        if (t.meeting is None and may_read_body(reader, t.body, on))
        or (t.meeting is not None and can(reader, "read", t.meeting, on))
    ]


def visible_events(reader, events: Iterable, on: date | None = None) -> list:
    """A change request's history as the reader may see it: what a meeting decided shows once
    the reader may read that meeting's minutes."""
    return [
        e
        for e in events
        if not (e.from_meeting and e.treatment.meeting is not None)
        or can(reader, "read_minutes", e.treatment.meeting, on)
    ]


# -- the same questions as SQL, for listings ----------------------------------------------


def body_filter(reader, body_id, on: date | None = None):
    """A WHERE clause saying the body with id `body_id` (a column, e.g. Meeting.body_id or
    PrioritisationRound.body_id) may be read: the SQL form of may_read_body. Public bodies,
    and the members-only bodies the reader is a member or secretariat of."""
    if is_admin(reader):
        return true()
    hidden = select(Body.id).where(Body.members_only.is_(True))
    readers = body_ids_with(reader, READER_ROLES, on)
    if readers:
        return or_(body_id.not_in(hidden), body_id.in_(readers))
    return body_id.not_in(hidden)


def visible_bodies_filter(reader, on: date | None = None):
    """A WHERE clause over Body for the bodies the reader may read (may_read_body)."""
    return body_filter(reader, Body.id, on)


def visible_meeting_filter(reader, body: Body, on: date | None = None):
    """A WHERE clause for the meetings of a body the reader may read (for listings)."""
    if can(reader, "prepare", body, on):
        return true()
    if not may_read_body(reader, body, on):
        return false()
    published = Meeting.status.in_(PUBLISHED_STATUSES)
    if roles_in(reader, body, on) & READER_ROLES:
        return or_(published, Meeting.agenda_shared.is_(True))
    return published


def visible_meetings_filter(reader, on: date | None = None):
    """A WHERE clause over Meeting for meetings of any body the reader may read (for listings
    across bodies): the SQL form of can(reader, "read", meeting)."""
    if is_admin(reader):
        return true()
    clauses = [
        and_(Meeting.status.in_(PUBLISHED_STATUSES), body_filter(reader, Meeting.body_id, on))
    ]
    readers = body_ids_with(reader, READER_ROLES, on)
    if readers:
        clauses.append(and_(Meeting.body_id.in_(readers), Meeting.agenda_shared.is_(True)))
    secretariat = body_ids_with(reader, ("sekretariat",), on)
    if secretariat:
        clauses.append(Meeting.body_id.in_(secretariat))
    return or_(*clauses)


def visible_treatment_filter(reader, on: date | None = None):
    """A WHERE clause over Treatment (outer-joined to Meeting) for treatments the reader may see.

    The SQL form of visible_treatments: external treatments, and those of meetings the reader
    may read (published; shared agendas for the body's readers; everything for its
    secretariat). Decisions need visible_decision_filter in addition.
    """
    return or_(
        and_(Treatment.meeting_id.is_(None), body_filter(reader, Treatment.body_id, on)),
        visible_meetings_filter(reader, on),
    )


def visible_decision_filter(reader, on: date | None = None):
    """A WHERE clause over Treatment (outer-joined to Meeting) for decisions the reader may read.

    The SQL form of visible_treatments plus can(reader, "read_minutes", t.meeting): external
    treatments always; a meeting's treatments when the meeting may be read and its minutes
    too. Use with `select(Treatment).outerjoin(Treatment.meeting)`.
    """
    if is_admin(reader):
        return true()
    published = Meeting.status.in_(PUBLISHED_STATUSES)
    clauses = [
        and_(Treatment.meeting_id.is_(None), body_filter(reader, Treatment.body_id, on)),
        and_(
            published,
            Meeting.minutes_status == "godkjent",
            body_filter(reader, Meeting.body_id, on),
        ),
    ]
    secretariat = body_ids_with(reader, ("sekretariat",), on)
    readers = body_ids_with(reader, READER_ROLES, on)
    if readers:
        clauses.append(
            and_(
                Meeting.body_id.in_(readers),
                or_(published, Meeting.agenda_shared.is_(True)),
                Meeting.minutes_status.in_(("godkjent", "sendt")),
            )
        )
    if secretariat:
        clauses.append(Meeting.body_id.in_(secretariat))
    return or_(*clauses)


def visible_treatment_exists(reader, on: date | None = None):
    """visible_treatment_filter without the join: a WHERE on Treatment alone, for lists that
    do not join Meeting (an EXISTS on the treatment's meeting)."""
    if is_admin(reader):
        return true()
    readable = [
        and_(Meeting.status.in_(PUBLISHED_STATUSES), body_filter(reader, Meeting.body_id, on))
    ]
    secretariat = body_ids_with(reader, ("sekretariat",), on)
    if secretariat:
        readable.append(Meeting.body_id.in_(secretariat))
    readers = body_ids_with(reader, READER_ROLES, on)
    if readers:
        readable.append(and_(Meeting.agenda_shared.is_(True), Meeting.body_id.in_(readers)))
    meeting_visible = select(Meeting.id).where(Meeting.id == Treatment.meeting_id, or_(*readable))
    return and_(
        body_filter(reader, Treatment.body_id, on),
        or_(Treatment.meeting_id.is_(None), exists(meeting_visible)),
    )
