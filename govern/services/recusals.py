"""Habilitet: a member declares inhabilitet in a case, the secretariat decides and records it.

A member of the body (leder, nestleder, medlem, vara, observatør) declares himself or herself
inhabil in a case of a meeting, naming the ground in forvaltningsloven § 6 and, if wanted,
why (status "meldt"). The secretariat decides: inhabil (the member leaves the case; the
referat says so) or habil; it may also record an inhabilitet directly. A member withdraws a
declaration not yet decided. Nothing changes once the minutes are approved (they report it).
Whether an inhabil member still reads the case's internal papers is the body's choice
(Body.recusal_withholds), enforced by govern.openness. Every step goes to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern import policy
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.cases import Treatment
from govern.models.people import Person
from govern.models.recusals import RECUSAL_BASES, RECUSAL_STATUSES, Recusal
from govern.services import audit
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.minutes import ensure_minutes_open, meeting_of

LOCKED = lazy_gettext("Referatet er godkjent og låst; habiliteten i saken kan ikke endres lenger.")
#: The longest reason or note kept.
MAX_TEXT = 4000


@dataclass(frozen=True)
class RecusalInput:
    """The ground (a key of RECUSAL_BASES) and the member's own account of why."""

    basis: str
    reason: str = ""


def _checked(data: RecusalInput) -> tuple[str, str]:
    basis = (data.basis or "").strip()
    if basis not in RECUSAL_BASES:
        raise InvalidInput(_("Velg grunnlaget for inhabiliteten (fvl. § 6)"), field="basis")
    reason = (data.reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise InvalidInput(
            _("Begrunnelsen kan ha høyst %(max)s tegn", max=MAX_TEXT), field="reason"
        )
    return basis, reason


def _open(treatment: Treatment, field: str = "basis") -> None:
    meeting = meeting_of(treatment)
    ensure_minutes_open(meeting, field=field, message=str(LOCKED))
    if meeting.status == "avlyst":
        raise InvalidInput(_("Møtet er avlyst"), field=field)


def _where(treatment: Treatment) -> str:
    return f"sak {treatment.number} ({treatment.meeting.title})"


def recusal_of(session: Session, treatment: Treatment, person: Person) -> Recusal | None:
    return session.scalar(
        select(Recusal).where(Recusal.treatment_id == treatment.id, Recusal.person_id == person.id)
    )


def _seated(treatment: Treatment, person: Person) -> bool:
    """Whether the person sits in the body (member, vara, observatør) on the meeting's day."""
    day = treatment.meeting.first_date
    return any(
        m.body_id == treatment.body_id
        and m.role in policy.SEATED_ROLES
        and (day is None or m.active_on(day))
        for m in person.memberships
    )


def declare_recusal(
    session: Session, user: User, treatment: Treatment, data: RecusalInput
) -> Recusal:
    """The member declares himself or herself inhabil in the case (status "meldt")."""
    if not policy.can(user, "declare_recusal", treatment) or user.person is None:
        raise InvalidInput(
            _("Bare medlemmer av organet kan melde seg inhabile i saken"), field="basis"
        )
    _open(treatment)
    basis, reason = _checked(data)
    person = user.person
    recusal = recusal_of(session, treatment, person)
    if recusal is not None and recusal.status == "inhabil":
        raise Conflict(
            _("Du er allerede registrert som inhabil i sak %(number)s", number=treatment.number),
            field="basis",
        )
    if recusal is None:
        recusal = Recusal(treatment=treatment, person=person)
        session.add(recusal)
    recusal.status, recusal.basis, recusal.reason = "meldt", basis, reason
    recusal.declared_at, recusal.declared_by_id = utcnow(), user.id
    recusal.decided_at = recusal.decided_by_id = None
    recusal.note = ""
    session.flush()
    audit.record(
        session,
        user,
        "recusal.declare",
        recusal,
        f"{person.name} meldte seg inhabil i {_where(treatment)} ({basis})",
        body=treatment.body,
    )
    return recusal


def decide_recusal(
    session: Session, user: User | None, recusal: Recusal, inhabil: bool, note: str = ""
) -> Recusal:
    """The secretariat decides a declaration: inhabil (the member leaves the case) or habil."""
    treatment = recusal.treatment
    _open(treatment, "note")
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise InvalidInput(_("Merknaden kan ha høyst %(max)s tegn", max=MAX_TEXT), field="note")
    status = "inhabil" if inhabil else "habil"
    changes = audit.diff(recusal, {"status": status, "note": note})
    recusal.decided_at = utcnow()
    recusal.decided_by_id = user.id if user is not None and user.is_authenticated else None
    session.flush()
    verdict = "inhabil" if inhabil else "habil"
    audit.record(
        session,
        user,
        "recusal.decide",
        recusal,
        f"{recusal.person.name} ble funnet {verdict} i {_where(treatment)}",
        body=treatment.body,
        changes=changes,
    )
    return recusal


def record_recusal(
    session: Session, user: User | None, treatment: Treatment, person_id: int, data: RecusalInput
) -> Recusal:
    """The secretariat records directly that a member is inhabil in the case."""
    _open(treatment)
    person = session.get(Person, person_id) if person_id else None
    if person is None:
        raise NotFound(_("Velg medlemmet som er inhabilt"), field="person_id")
    if not _seated(treatment, person):
        raise InvalidInput(
            _(
                "%(name)s er ikke medlem av %(body)s på møtedagen",
                name=person.name,
                body=treatment.body.short_name,
            ),
            field="person_id",
        )
    basis, reason = _checked(data)
    recusal = recusal_of(session, treatment, person)
    if recusal is None:
        declared_by = user.id if user is not None and user.is_authenticated else None
        recusal = Recusal(treatment=treatment, person=person, declared_by_id=declared_by)
        session.add(recusal)
    elif recusal.status == "inhabil":
        raise Conflict(
            _(
                "%(name)s er allerede registrert som inhabil i sak %(number)s",
                name=person.name,
                number=treatment.number,
            ),
            field="person_id",
        )
    recusal.status, recusal.basis, recusal.reason = "inhabil", basis, reason
    recusal.decided_at = utcnow()
    recusal.decided_by_id = user.id if user is not None and user.is_authenticated else None
    session.flush()
    audit.record(
        session,
        user,
        "recusal.record",
        recusal,
        f"{person.name} ble registrert som inhabil i {_where(treatment)} ({basis})",
        body=treatment.body,
    )
    return recusal


def withdraw_recusal(session: Session, user: User, recusal: Recusal) -> None:
    """Remove a recusal: the member his or her own declaration not yet decided; the
    secretariat (may prepare the meeting) any, until the minutes are approved."""
    treatment = recusal.treatment
    secretariat = policy.can(user, "prepare", treatment.meeting)
    own = user.person_id is not None and user.person_id == recusal.person_id
    if not secretariat and not (own and recusal.status == "meldt"):
        raise Conflict(
            _("Sekretariatet har allerede avgjort habiliteten; ta kontakt med sekretariatet"),
            field="basis",
        )
    _open(treatment)
    person = recusal.person
    name = person.name
    treatment.recusals.remove(recusal)  # an orphan: deleted
    session.flush()
    session.expire(person, ["recusals"])
    audit.record(
        session,
        user,
        "recusal.withdraw",
        treatment,
        f"Habilitetsvurderingen for {name} i {_where(treatment)} ble trukket",
        body=treatment.body,
    )


def decided_recusals(treatment: Treatment) -> list[Recusal]:
    """The members found inhabil in the treatment, as the referat names them."""
    return [r for r in treatment.recusals if r.status == "inhabil"]


def import_recusal(
    session: Session,
    treatment: Treatment,
    person: Person,
    basis: str,
    *,
    reason: str = "",
    status: str = "inhabil",
    note: str = "",
) -> Recusal:
    """A recusal as the exchange format carries it (no audit line: the import is logged)."""
    basis, reason = _checked(RecusalInput(basis, reason))
    if status not in RECUSAL_STATUSES:
        raise InvalidInput(
            _(
                "«%(value)s» er ukjent; skriv %(known)s",
                value=status,
                known=", ".join(RECUSAL_STATUSES),
            ),
            field="status",
        )
    if recusal_of(session, treatment, person) is not None:
        raise Conflict(_("%(name)s står to ganger under saken", name=person.name), field="person")
    recusal = Recusal(treatment=treatment, person=person, basis=basis, reason=reason)
    recusal.status, recusal.note = status, note
    session.add(recusal)
    if status != "meldt":
        recusal.decided_at = utcnow()
    session.flush()
    return recusal
