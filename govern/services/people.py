"""Organisations and people."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext as _l
from govern.models.bodies import (
    Body,
)
from govern.models.people import Organisation, Person
from govern.services.errors import Conflict, InvalidInput

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: The labels callers give `required_text`, so the catalogs hold them (shown translated).
FIELD_NAMES = (_l("Navn"), _l("Kortnavn"), _l("Kortnavn i adressen"), _l("Organisasjonsnavn"))


@dataclass(frozen=True)
class PersonInput:
    name: str
    organisation: str | None = None
    email: str | None = None


def required_text(value: str | None, label: str, field: str, limit: int) -> str:
    """The stripped text, refused when empty or longer than `limit`."""
    value = (value or "").strip()
    label = _(str(label))  # one of FIELD_NAMES (or already translated)
    if not value:
        raise InvalidInput(_("%(label)s må fylles ut", label=label), field=field)
    if len(value) > limit:
        raise InvalidInput(
            _("%(label)s kan ha høyst %(limit)s tegn", label=label, limit=limit), field=field
        )
    return value


def get_or_create_organisation(session: Session, name: str) -> Organisation:
    """The organisation with this name, created if it does not exist."""
    name = required_text(name, "Organisasjonsnavn", "name", 200)
    found = session.scalar(select(Organisation).where(Organisation.name == name))
    if found is None:
        found = Organisation(name=name)
        session.add(found)
        session.flush()
    return found


def create_person(session: Session, data: PersonInput) -> Person:
    """Register a person, optionally with organisation and e-mail."""
    name = required_text(data.name, "Navn", "name", 200)
    email = (data.email or "").strip().lower() or None
    if email is not None:
        if not EMAIL_RE.match(email):
            raise InvalidInput(
                _("«%(email)s» er ikke en gyldig e-postadresse", email=email), field="email"
            )
        if session.scalar(select(Person.id).where(func.lower(Person.email) == email)):
            raise Conflict(
                _("E-postadressen %(email)s er allerede registrert", email=email), field="email"
            )
    organisation = (
        get_or_create_organisation(session, data.organisation) if data.organisation else None
    )
    person = Person(name=name, email=email, organisation=organisation)
    session.add(person)
    session.flush()
    return person


def name_or_none(target: Body | Person | None) -> str | None:
    """The name of a body or person for the audit log, or None."""
    return target.name if target is not None else None
