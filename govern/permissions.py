"""Who may do what: one check used by every view.

Roles are per body and come from the person's memberships that are active today:
- sekretariat prepares and runs the body's meetings;
- leder, nestleder, medlem, vara, observatør read everything of their body, including
  agendas and minutes marked for members;
- the people behind a case's sakseier/saksbehandler edit its memo;
- an administrator manages bodies and accounts, and may do everything.
Visitors who are not logged in see what is published: bodies, called meetings' agendas,
approved minutes and decisions.
"""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, request, url_for
from flask_login import current_user

from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.cycles import Cycle, CycleEntry
from govern.models.meetings import Meeting

READER_ROLES = frozenset({"leder", "nestleder", "medlem", "vara", "observatør", "sekretariat"})


class NeedLogin(Exception):
    """Raised by require() when a visitor must log in first."""


def roles_in(user, body: Body, on: date | None = None) -> set[str]:
    """The user's roles in a body on a day (today by default)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    on = on or date.today()
    return {m.role for m in user.person.memberships if m.body_id == body.id and m.active_on(on)}


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


def _secretariat_anywhere(user) -> bool:
    """A shared annual cycle is kept by the secretariats: anyone in one, today."""
    today = date.today()
    return any(m.role == "sekretariat" and m.active_on(today) for m in user.person.memberships)


def can(user, action: str, target=None) -> bool:
    """Whether the user (possibly anonymous) may do `action` on `target`."""
    logged_in = user is not None and getattr(user, "is_authenticated", False)
    if logged_in and user.is_admin:
        return True
    body = _body_of(target)
    roles = roles_in(user, body) if (logged_in and body is not None) else set()
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
                return logged_in and _secretariat_anywhere(user)
            return "sekretariat" in roles
        case "edit_memo":
            if "sekretariat" in roles:
                return True
            case: Case = target.case
            person_id = user.person_id if logged_in else None
            return person_id is not None and person_id in (case.sakseier_id, case.saksbehandler_id)
        case "admin":
            return False
    raise ValueError(f"unknown action {action!r}")


def require(action: str, target=None) -> None:
    """Stop the request unless allowed: log in first (302), or 403 when logged in.

    A target the visitor may not even read (a draft meeting) answers 404, so drafts are
    never revealed.
    """
    if can(current_user, action, target):
        return
    if action == "read":
        abort(404)
    if not current_user.is_authenticated:
        raise NeedLogin()
    abort(403)


def login_redirect():
    """Where NeedLogin sends the visitor: the login page, coming back afterwards."""
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def visible_meeting_filter(user, body: Body):
    """A WHERE clause for the meetings of a body the user may read (for listings)."""
    from sqlalchemy import or_, true

    from govern.models.meetings import PUBLISHED_STATUSES

    if can(user, "prepare", body):
        return true()
    published = Meeting.status.in_(PUBLISHED_STATUSES)
    if roles_in(user, body) & READER_ROLES:
        return or_(published, Meeting.agenda_shared.is_(True))
    return published


def visible_treatments(user, treatments: list[Treatment]) -> list[Treatment]:
    """Treatments the user may see: external ones, and those of meetings they may read.

    A decision (vedtak) is only shown where the minutes may be read; the page checks that
    per treatment with can(user, "read_minutes", t.meeting).
    """
    return [t for t in treatments if t.meeting is None or can(user, "read", t.meeting)]


def may_link(user, history: list[Treatment]) -> bool:
    """Linking a case and registering its external treatments: the secretariat of a body in
    the case's history, or an administrator."""
    return any(can(user, "prepare", body) for body in {t.body for t in history}) or can(
        user, "admin"
    )


def _body_ids_with(user, wanted: frozenset[str] | set[str]) -> list[int]:
    """Ids of the bodies where the user has one of the wanted roles today."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    today = date.today()
    return sorted(
        {m.body_id for m in user.person.memberships if m.role in wanted and m.active_on(today)}
    )


def visible_decision_filter(user):
    """A WHERE clause over Treatment (outer-joined to Meeting) for decisions the user may read.

    The SQL form of visible_treatments plus can(user, "read_minutes", t.meeting): external
    treatments always; a meeting's treatments when the meeting may be read and its minutes
    too. Use with `select(Treatment).outerjoin(Treatment.meeting)`.
    """
    from sqlalchemy import and_, or_, true

    from govern.models.meetings import PUBLISHED_STATUSES

    if user is not None and getattr(user, "is_authenticated", False) and user.is_admin:
        return true()
    published = Meeting.status.in_(PUBLISHED_STATUSES)
    clauses = [
        Treatment.meeting_id.is_(None),
        and_(published, Meeting.minutes_status == "godkjent"),
    ]
    secretariat = _body_ids_with(user, {"sekretariat"})
    readers = _body_ids_with(user, READER_ROLES)
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


def visible_treatment_filter(user):
    """A WHERE clause over Treatment (outer-joined to Meeting) for treatments the user may see.

    The SQL form of visible_treatments: external treatments, and those of meetings the user
    may read (published; shared agendas for the body's readers; everything for its
    secretariat). Decisions need visible_decision_filter in addition.
    """
    from sqlalchemy import or_

    return or_(Treatment.meeting_id.is_(None), visible_meetings_filter(user))


def visible_meetings_filter(user):
    """A WHERE clause over Meeting for meetings of any body the user may read (for listings
    across bodies): the SQL form of can(user, "read", meeting)."""
    from sqlalchemy import and_, or_, true

    from govern.models.meetings import PUBLISHED_STATUSES

    if user is not None and getattr(user, "is_authenticated", False) and user.is_admin:
        return true()
    clauses = [Meeting.status.in_(PUBLISHED_STATUSES)]
    readers = _body_ids_with(user, READER_ROLES)
    if readers:
        clauses.append(and_(Meeting.body_id.in_(readers), Meeting.agenda_shared.is_(True)))
    secretariat = _body_ids_with(user, {"sekretariat"})
    if secretariat:
        clauses.append(Meeting.body_id.in_(secretariat))
    return or_(*clauses)
