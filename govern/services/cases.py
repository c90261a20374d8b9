"""Cases, and treatments registered by hand in external bodies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.models.bodies import Body
from govern.models.cases import SAKSTYPER, Case, Treatment
from govern.models.people import Person
from govern.services.errors import Conflict, InvalidInput
from govern.services.numbering import claim_number, parse_number

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
TITLE_LIMIT = 500


@dataclass(frozen=True)
class CaseInput:
    title: str
    sakseier: str = ""
    saksbehandler: str = ""
    key: str | None = None


@dataclass(frozen=True)
class ExternalTreatmentInput:
    number: str
    decided_on: date | None = None
    title: str | None = None
    sakstype: str | None = None
    decision: str = ""


def check_title(title: str | None, field: str = "title") -> str:
    """A case title: required, at most TITLE_LIMIT characters."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput("Tittel må fylles ut", field=field)
    if len(title) > TITLE_LIMIT:
        raise InvalidInput(f"Tittelen kan ha høyst {TITLE_LIMIT} tegn", field=field)
    return title


def check_sakstype(
    sakstype: str | None, field: str = "sakstype", required: bool = True
) -> str | None:
    """One of the sakstyper, or None when not required and empty."""
    if not sakstype and not required:
        return None
    if sakstype not in SAKSTYPER:
        raise InvalidInput(
            f"Ukjent sakstype «{sakstype or ''}»; velg en av {', '.join(SAKSTYPER)}", field=field
        )
    return sakstype


def create_case(session: Session, data: CaseInput) -> Case:
    """Register a case (a matter that may travel between bodies)."""
    key = (data.key or "").strip() or None
    if key is not None:
        if not KEY_RE.match(key) or len(key) > 120:
            raise InvalidInput(f"«{key}» er ikke en gyldig saksnøkkel", field="key")
        if session.scalar(select(Case.id).where(Case.key == key)):
            raise Conflict(f"Saksnøkkelen «{key}» er allerede i bruk", field="key")
    case = Case(
        key=key,
        title=check_title(data.title),
        sakseier=(data.sakseier or "").strip(),
        saksbehandler=(data.saksbehandler or "").strip(),
    )
    link_case_owners(session, case)
    session.add(case)
    session.flush()
    return case


def _person_named(session: Session, name: str) -> Person | None:
    """The one person with exactly this name, or None (no one, or several)."""
    found = session.scalars(select(Person).where(Person.name == name).limit(2)).all()
    return found[0] if len(found) == 1 else None


def link_case_owners(session: Session, case: Case) -> None:
    """Link sakseier/saksbehandler to people when the text names exactly one person.

    The text stays as written (it is what the toppnotat prints); the link is what lets the
    person edit the case's memo.
    """
    case.sakseier_person = _person_named(session, case.sakseier) if case.sakseier else None
    case.saksbehandler_person = (
        _person_named(session, case.saksbehandler) if case.saksbehandler else None
    )


def set_follows(case: Case, earlier: Case | None) -> None:
    """Record that a case continues an earlier one (its history then includes the earlier's)."""
    if earlier is not None and case in earlier.lineage():
        raise InvalidInput("En sak kan ikke videreføre seg selv", field="follows")
    case.follows = earlier


def reserve_case_number(session: Session, body: Body, year: int, number: str, field: str) -> int:
    """Check a case number given by hand and record it; returns its sequence number."""
    seq, yy = parse_number(number, field=field)
    if yy != year % 100:
        raise InvalidInput(f"Saksnummer {number} passer ikke med året {year}", field=field)
    taken = session.scalar(
        select(Treatment.id).where(
            Treatment.body_id == body.id, Treatment.year == year, Treatment.seq == seq
        )
    )
    if taken:
        raise Conflict(f"Saksnummer {number} er allerede brukt i {body.short_name}", field=field)
    claim_number(session, body.id, year, "case", seq)
    return seq


def register_external_treatment(
    session: Session, case: Case, body: Body, data: ExternalTreatmentInput
) -> Treatment:
    """Record that a case was treated in a body whose meetings are not run in govern."""
    if not body.external:
        raise InvalidInput(
            f"{body.short_name} føres i govern; behandlingen registreres på møtets dagsorden",
            field="body",
        )
    _, yy = parse_number(data.number, field="number")
    year = data.decided_on.year if data.decided_on else 2000 + yy
    if data.decided_on and data.decided_on.year % 100 != yy:
        raise InvalidInput(
            f"Saksnummer {data.number} passer ikke med datoen {data.decided_on:%d.%m.%Y}",
            field="number",
        )
    seq = reserve_case_number(session, body, year, data.number, "number")
    title = check_title(data.title, "title") if data.title else None
    treatment = Treatment(
        case=case,
        body=body,
        year=year,
        seq=seq,
        sakstype=check_sakstype(data.sakstype, required=False),
        title=title if title != case.title else None,
        decision=(data.decision or "").strip(),
        decided_on=data.decided_on,
    )
    session.add(treatment)
    session.flush()
    return treatment
