"""Organisations, people, bodies and memberships."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.models.bodies import BODY_KINDS, BODY_STATUSES, ROLES, Body, Membership
from govern.models.people import Organisation, Person
from govern.services.errors import Conflict, InvalidInput

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class PersonInput:
    name: str
    organisation: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class BodyInput:
    slug: str
    name: str
    short_name: str
    kind: str
    status: str = "Etablert"
    mandate: str = ""
    external: bool = False


@dataclass(frozen=True)
class MembershipInput:
    role: str
    starts_on: date | None = None
    ends_on: date | None = None


def _required(value: str | None, label: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{label} må fylles ut", field=field)
    if len(value) > limit:
        raise InvalidInput(f"{label} kan ha høyst {limit} tegn", field=field)
    return value


def get_or_create_organisation(session: Session, name: str) -> Organisation:
    """The organisation with this name, created if it does not exist."""
    name = _required(name, "Organisasjonsnavn", "name", 200)
    found = session.scalar(select(Organisation).where(Organisation.name == name))
    if found is None:
        found = Organisation(name=name)
        session.add(found)
        session.flush()
    return found


def create_person(session: Session, data: PersonInput) -> Person:
    """Register a person, optionally with organisation and e-mail."""
    name = _required(data.name, "Navn", "name", 200)
    email = (data.email or "").strip().lower() or None
    if email is not None:
        if not EMAIL_RE.match(email):
            raise InvalidInput(f"«{email}» er ikke en gyldig e-postadresse", field="email")
        if session.scalar(select(Person.id).where(func.lower(Person.email) == email)):
            raise Conflict(f"E-postadressen {email} er allerede registrert", field="email")
    organisation = (
        get_or_create_organisation(session, data.organisation) if data.organisation else None
    )
    person = Person(name=name, email=email, organisation=organisation)
    session.add(person)
    session.flush()
    return person


def create_body(session: Session, data: BodyInput) -> Body:
    """Create a body (råd or utvalg)."""
    slug = _required(data.slug, "Kortnavn i adressen", "slug", 80)
    if not SLUG_RE.match(slug):
        raise InvalidInput(
            "Kortnavnet i adressen kan bare ha små bokstaver a–z, tall og bindestrek", field="slug"
        )
    if session.scalar(select(Body.id).where(Body.slug == slug)):
        raise Conflict(f"Det finnes allerede et organ med adressen «{slug}»", field="slug")
    if data.kind not in BODY_KINDS:
        raise InvalidInput(
            f"Ukjent type «{data.kind}»; velg en av {', '.join(BODY_KINDS)}", field="kind"
        )
    if data.status not in BODY_STATUSES:
        raise InvalidInput(
            f"Ukjent status «{data.status}»; velg en av {', '.join(BODY_STATUSES)}", field="status"
        )
    body = Body(
        slug=slug,
        name=_required(data.name, "Navn", "name", 300),
        short_name=_required(data.short_name, "Kortnavn", "short_name", 120),
        kind=data.kind,
        status=data.status,
        mandate=(data.mandate or "").strip(),
        external=data.external,
    )
    session.add(body)
    session.flush()
    return body


def set_escalation(body: Body, target: Body | None) -> None:
    """Set the body that cases are escalated to from this one."""
    if target is not None and target.id == body.id:
        raise InvalidInput("Et organ kan ikke eskalere til seg selv", field="escalates_to")
    body.escalates_to = target


def add_membership(
    session: Session,
    body: Body,
    person: Person,
    data: MembershipInput,
    deputy_for: Person | None = None,
) -> Membership:
    """Give a person a role in a body for a period."""
    if data.role not in ROLES:
        raise InvalidInput(
            f"Ukjent rolle «{data.role}»; velg en av {', '.join(ROLES)}", field="role"
        )
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise InvalidInput("Perioden slutter før den begynner", field="ends_on")
    if deputy_for is not None:
        if data.role != "vara":
            raise InvalidInput("Bare en vara kan stille for et annet medlem", field="deputy_for")
        if deputy_for.id == person.id:
            raise InvalidInput("En person kan ikke være vara for seg selv", field="deputy_for")
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
