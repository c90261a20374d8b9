"""Edits of people and cases that had no form of their own yet (used by the API)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.cases import Case
from govern.models.people import Person
from govern.services import audit
from govern.services.cases import CaseInput, check_title, link_case_owners, set_follows
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.people import EMAIL_RE, PersonInput, get_or_create_organisation, required_text


def update_person(
    session: Session, user: User | None, person: Person, data: PersonInput
) -> dict[str, list]:
    """Change a person's name, organisation and e-mail; returns the changes."""
    name = required_text(data.name, _("Navn"), "name", 200)
    email = (data.email or "").strip().lower() or None
    if email is not None:
        if not EMAIL_RE.match(email):
            raise InvalidInput(
                _("«%(email)s» er ikke en gyldig e-postadresse", email=email), field="email"
            )
        taken = select(Person.id).where(func.lower(Person.email) == email, Person.id != person.id)
        if session.scalar(taken):
            raise Conflict(
                _("E-postadressen %(email)s er allerede registrert", email=email), field="email"
            )
    organisation = (
        get_or_create_organisation(session, data.organisation.strip())
        if (data.organisation or "").strip()
        else None
    )
    changes = audit.diff(person, {"name": name, "email": email})
    if organisation is not person.organisation:
        before = person.organisation.name if person.organisation else None
        changes["organisation"] = [before, organisation.name if organisation else None]
        person.organisation = organisation
    if changes:
        session.flush()
        audit.record(
            session, user, "person.update", person, f"{person.name} ble endret", changes=changes
        )
    return changes


def create_case_with_history(
    session: Session, user: User | None, data: CaseInput, follows_id: int | None
) -> Case:
    """Register a case, optionally continuing an earlier one, and log it."""
    from govern.services.cases import create_case

    case = create_case(session, data)
    if follows_id is not None:
        set_follows(case, _case(session, follows_id))
        session.flush()
    audit.record(session, user, "case.create", case, f"Saken «{case.title}» ble registrert")
    return case


def update_case(
    session: Session,
    user: User | None,
    case: Case,
    data: CaseInput,
    follows_id: int | None,
    version: int | None,
) -> dict[str, list]:
    """Change a case's title, owners and the case it continues, unless saved since read."""
    audit.check_version(case, version, _("Saken"))
    values = {
        "title": check_title(data.title),
        "sakseier": (data.sakseier or "").strip(),
        "saksbehandler": (data.saksbehandler or "").strip(),
    }
    changes = audit.diff(case, values)
    earlier = _case(session, follows_id) if follows_id is not None else None
    if earlier is not case.follows:
        before = case.follows_id
        set_follows(case, earlier)
        changes["follows"] = [before, follows_id]
    if not changes:
        return changes
    link_case_owners(session, case)
    session.flush()
    audit.record(
        session, user, "case.update", case, f"Saken «{case.title}» ble endret", changes=changes
    )
    return changes


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(_("Saken du viste til, finnes ikke"), field="follows")
    return case
