"""Memberships of a body: roles, periods and whom a vara stands in for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import DEFAULT_LANGUAGE, use_language
from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.bodies import (
    ROLES,
    Body,
    Membership,
    role_name,
)
from govern.models.people import Person
from govern.services import audit
from govern.services.errors import Conflict, GovernError, InvalidInput, NotFound
from govern.services.people import PersonInput, create_person, name_or_none
from govern.timeutil import short_date


@dataclass(frozen=True)
class MembershipInput:
    role: str
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class MemberInput:
    """A new membership, of a registered person (person_id) or of one registered on the way."""

    role: str
    person_id: int | None = None
    new_name: str = ""
    new_organisation: str = ""
    new_email: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    deputy_for_id: int | None = None


@dataclass(frozen=True)
class MembershipUpdate:
    """A membership's role, period and (for a vara) whom they stand in for."""

    role: str
    starts_on: date | None = None
    ends_on: date | None = None
    deputy_for_id: int | None = None


#: Roles a vara can stand in for.
DEPUTISED_ROLES = ("leder", "nestleder", "medlem")


def add_membership(
    session: Session,
    body: Body,
    person: Person,
    data: MembershipInput,
    deputy_for: Person | None = None,
) -> Membership:
    """Give a person a role in a body for a period."""
    if data.role not in ROLES:
        raise _unknown_role(data.role)
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise InvalidInput(_("Perioden slutter før den begynner"), field="ends_on")
    if deputy_for is not None:
        if data.role != "vara":
            raise InvalidInput(_("Bare en vara kan stille for et annet medlem"), field="deputy_for")
        if deputy_for.id == person.id:
            raise InvalidInput(_("En person kan ikke være vara for seg selv"), field="deputy_for")
    membership = Membership(
        body=body,
        person=person,
        role=data.role,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        deputy_for=deputy_for,
    )
    session.add(membership)
    session.flush()
    return membership


# -- the secretariat's workbench: changes made from the pages, each written to the audit log --


def _unknown_role(role: str) -> InvalidInput:
    return InvalidInput(
        _("Ukjent rolle «%(role)s»; velg en av %(roles)s", role=role, roles=", ".join(ROLES)),
        field="role",
    )


def period_text(starts_on: date | None, ends_on: date | None) -> str:
    """'fra 01.01.2026 til 31.12.2027', 'fra 01.01.2026', or 'uten tidsbegrensning'."""
    if starts_on and ends_on:
        return _("fra %(start)s til %(end)s", start=short_date(starts_on), end=short_date(ends_on))
    if starts_on:
        return _("fra %(date)s", date=short_date(starts_on))
    if ends_on:
        return _("til %(date)s", date=short_date(ends_on))
    return _("uten tidsbegrensning")


def _logged_period(starts_on: date | None, ends_on: date | None) -> str:
    """The period as the audit log keeps it (in bokmål, as the log's other texts)."""
    with use_language(DEFAULT_LANGUAGE):
        return period_text(starts_on, ends_on)


def _person(session: Session, person_id: int | None, field: str) -> Person | None:
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(_("Personen du valgte, finnes ikke"), field=field)
    return person


def _overlaps(a: Membership, starts_on: date | None, ends_on: date | None) -> bool:
    return (a.starts_on is None or ends_on is None or a.starts_on <= ends_on) and (
        starts_on is None or a.ends_on is None or starts_on <= a.ends_on
    )


def _check_membership(
    session: Session,
    body: Body,
    person: Person | None,
    data: MembershipUpdate | MemberInput,
    deputy_for: Person | None,
    *,
    current: Membership | None = None,
) -> None:
    """Refuse a membership that breaks the rules; `current` is the one being edited."""
    if data.role not in ROLES:
        raise _unknown_role(data.role)
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise InvalidInput(
            _("Perioden slutter før den begynner: til-datoen er før fra-datoen"), field="ends_on"
        )
    if deputy_for is not None:
        if data.role != "vara":
            raise InvalidInput(
                _(
                    "Bare en vara kan stille for et annet medlem. Velg rollen vara, eller fjern "
                    "valget under «Vara for»."
                ),
                field="deputy_for",
            )
        if person is not None and deputy_for.id == person.id:
            raise InvalidInput(_("En person kan ikke være vara for seg selv"), field="deputy_for")
        unchanged = current is not None and current.deputy_for_id == deputy_for.id
        if not unchanged and not _is_member(session, body, deputy_for):
            raise InvalidInput(
                _(
                    "%(name)s er ikke medlem av %(body)s; en vara kan bare stille for et medlem",
                    name=deputy_for.name,
                    body=body.short_name,
                ),
                field="deputy_for",
            )
    if person is None:
        return
    same_role = select(Membership).where(
        Membership.body_id == body.id,
        Membership.person_id == person.id,
        Membership.role == data.role,
    )
    for other in session.scalars(same_role):
        if other is not current and _overlaps(other, data.starts_on, data.ends_on):
            raise Conflict(
                _(
                    "%(name)s har allerede rollen %(role)s i %(body)s (%(period)s). To "
                    "medlemskap med samme rolle kan ikke overlappe i tid.",
                    name=person.name,
                    role=role_name(data.role),
                    body=body.short_name,
                    period=period_text(other.starts_on, other.ends_on),
                ),
                field="starts_on",
            )


def _is_member(session: Session, body: Body, person: Person) -> bool:
    return (
        session.scalar(
            select(Membership.id)
            .where(
                Membership.body_id == body.id,
                Membership.person_id == person.id,
                Membership.role.in_(DEPUTISED_ROLES),
            )
            .limit(1)
        )
        is not None
    )


#: create_person's field names, as the member form calls them.
_NEW_PERSON_FIELDS = {"name": "new_name", "email": "new_email"}


def _register_new_person(session: Session, user: User | None, body: Body, data: MemberInput):
    name = (data.new_name or "").strip()
    if name and session.scalar(select(Person.id).where(Person.name == name).limit(1)):
        raise Conflict(
            _(
                "Det finnes allerede en person som heter %(name)s. Velg vedkommende i listen over.",
                name=name,
            ),
            field="new_name",
        )
    try:
        person = create_person(
            session,
            PersonInput(name, (data.new_organisation or "").strip() or None, data.new_email),
        )
    except GovernError as error:
        error.field = _NEW_PERSON_FIELDS.get(error.field or "", "new_name")
        raise
    audit.record(
        session, user, "person.create", person, f"{person.label} ble registrert", body=body
    )
    return person


def add_member(session: Session, user: User | None, body: Body, data: MemberInput) -> Membership:
    """Give a person a role in a body; a person not yet registered is registered first."""
    typed_new = any(
        (value or "").strip() for value in (data.new_name, data.new_organisation, data.new_email)
    )
    if data.person_id is not None and typed_new:
        raise InvalidInput(
            _("Velg en person i listen eller registrer en ny person, ikke begge"),
            field="person_id",
        )
    if data.person_id is None and not typed_new:
        raise InvalidInput(
            _("Velg en person i listen, eller skriv navnet på en ny person"),
            field="person_id",
        )
    person = _person(session, data.person_id, "person_id")
    deputy_for = _person(session, data.deputy_for_id, "deputy_for")
    _check_membership(session, body, person, data, deputy_for)
    if person is None:
        person = _register_new_person(session, user, body, data)
    membership = add_membership(
        session,
        body,
        person,
        MembershipInput(data.role, data.starts_on, data.ends_on),
        deputy_for=deputy_for,
    )
    deputy = f" for {deputy_for.name}" if deputy_for else ""
    audit.record(
        session,
        user,
        "membership.create",
        membership,
        f"{person.name} ble {data.role}{deputy} i {body.short_name} "
        f"({_logged_period(data.starts_on, data.ends_on)})",
        body=body,
    )
    return membership


def update_membership(
    session: Session, user: User | None, membership: Membership, data: MembershipUpdate
) -> dict[str, list]:
    """Change a membership's role, period or whom a vara stands in for; returns the changes."""
    deputy_for = _person(session, data.deputy_for_id, "deputy_for")
    body, person = membership.body, membership.person
    _check_membership(session, body, person, data, deputy_for, current=membership)
    before = membership.deputy_for
    changes = audit.diff(
        membership, {"role": data.role, "starts_on": data.starts_on, "ends_on": data.ends_on}
    )
    if deputy_for is not before:
        changes["deputy_for"] = [name_or_none(before), name_or_none(deputy_for)]
        membership.deputy_for = deputy_for
    if changes:
        session.flush()
        audit.record(
            session,
            user,
            "membership.update",
            membership,
            f"Medlemskapet til {person.name} i {body.short_name} ble endret",
            body=body,
            changes=changes,
        )
    return changes


def end_membership(
    session: Session, user: User | None, membership: Membership, last_day: date
) -> Membership:
    """End a membership; `last_day` is its last day (inclusive)."""
    if membership.starts_on and last_day < membership.starts_on:
        raise InvalidInput(
            _(
                "Medlemskapet begynte %(date)s og kan ikke slutte før det",
                date=short_date(membership.starts_on),
            ),
            field="ends_on",
        )
    if membership.ends_on is not None and membership.ends_on <= last_day:
        raise InvalidInput(
            _(
                "Medlemskapet slutter allerede %(date)s. Bruk «Rediger» for å forlenge det.",
                date=short_date(membership.ends_on),
            ),
            field="ends_on",
        )
    changes = audit.diff(membership, {"ends_on": last_day})
    session.flush()
    person, body = membership.person, membership.body
    audit.record(
        session,
        user,
        "membership.end",
        membership,
        f"Medlemskapet til {person.name} ({membership.role}) i {body.short_name} ble avsluttet; "
        f"siste dag {short_date(last_day)}",
        body=body,
        changes=changes,
    )
    return membership
