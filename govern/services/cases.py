"""Cases, and treatments registered by hand in external bodies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from govern import queries
from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import SAKSTYPER, Case, Treatment
from govern.models.people import Person
from govern.services import audit
from govern.services.errors import Conflict, InvalidInput
from govern.services.numbering import claim_number, parse_number

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
TITLE_LIMIT = 500
#: A case number, optionally followed by words of the body's name: '14/25 e-helseråd'.
NUMBER_WITH_BODY_RE = re.compile(r"^\s*(\d{1,5})\s*/\s*(\d{2})(?:\s+(.+?))?\s*$")


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
        raise InvalidInput(_("Tittel må fylles ut"), field=field)
    if len(title) > TITLE_LIMIT:
        raise InvalidInput(_("Tittelen kan ha høyst %(max)s tegn", max=TITLE_LIMIT), field=field)
    return title


def check_sakstype(
    sakstype: str | None, field: str = "sakstype", required: bool = True
) -> str | None:
    """One of the sakstyper, or None when not required and empty."""
    if not sakstype and not required:
        return None
    if sakstype not in SAKSTYPER:
        raise InvalidInput(
            _(
                "Ukjent sakstype «%(value)s»; velg en av %(known)s",
                value=sakstype or "",
                known=", ".join(SAKSTYPER),
            ),
            field=field,
        )
    return sakstype


def create_case(session: Session, data: CaseInput) -> Case:
    """Register a case (a matter that may travel between bodies)."""
    key = (data.key or "").strip() or None
    if key is not None:
        if not KEY_RE.match(key) or len(key) > 120:
            raise InvalidInput(_("«%(key)s» er ikke en gyldig saksnøkkel", key=key), field="key")
        if session.scalar(select(Case.id).where(Case.key == key)):
            raise Conflict(_("Saksnøkkelen «%(key)s» er allerede i bruk", key=key), field="key")
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
        raise InvalidInput(_("En sak kan ikke videreføre seg selv"), field="follows")
    case.follows = earlier


def reserve_case_number(session: Session, body: Body, year: int, number: str, field: str) -> int:
    """Check a case number given by hand and record it; returns its sequence number."""
    seq, yy = parse_number(number, field=field)
    if yy != year % 100:
        raise InvalidInput(
            _("Saksnummer %(number)s passer ikke med året %(year)s", number=number, year=year),
            field=field,
        )
    taken = session.scalar(
        select(Treatment.id).where(
            Treatment.body_id == body.id, Treatment.year == year, Treatment.seq == seq
        )
    )
    if taken:
        raise Conflict(
            _(
                "Saksnummer %(number)s er allerede brukt i %(body)s",
                number=number,
                body=body.short_name,
            ),
            field=field,
        )
    claim_number(session, body.id, year, "case", seq)
    return seq


def _external_number(body: Body, data: ExternalTreatmentInput) -> tuple[int, int]:
    """The (sequence, year) of an external treatment's case number; the body must be external
    and the number's two-digit year must fit the date."""
    if not body.external:
        raise InvalidInput(
            _(
                "%(body)s føres i govern; behandlingen registreres på møtets dagsorden",
                body=body.short_name,
            ),
            field="body",
        )
    seq, yy = parse_number(data.number, field="number")
    if data.decided_on and data.decided_on.year % 100 != yy:
        raise InvalidInput(
            _(
                "Saksnummer %(number)s passer ikke med datoen %(date)s",
                number=data.number,
                date=data.decided_on.strftime("%d.%m.%Y"),
            ),
            field="number",
        )
    return seq, data.decided_on.year if data.decided_on else 2000 + yy


def register_external_treatment(
    session: Session, case: Case, body: Body, data: ExternalTreatmentInput
) -> Treatment:
    """Record that a case was treated in a body whose meetings are not run in govern."""
    _number, year = _external_number(body, data)
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


# -- history across bodies: links between cases, external treatments by hand ----------------


def add_external_treatment(
    session: Session, case: Case, body: Body, data: ExternalTreatmentInput, user
) -> Treatment:
    """Register an external treatment from the case page, with an audit line."""
    treatment = register_external_treatment(session, case, body, data)
    audit.record(
        session,
        user,
        "treatment.external.create",
        treatment,
        f"Registrerte behandling {treatment.number} i {body.short_name} for «{case.title}»",
        body=body,
    )
    return treatment


def _check_external(treatment: Treatment) -> None:
    if treatment.meeting_id is not None or not treatment.body.external:
        raise InvalidInput(
            _(
                "Bare behandlinger i eksterne organer kan endres her; "
                "andre behandlinger endres på møtets dagsorden"
            ),
            field="body",
        )


def update_external_treatment(
    session: Session,
    treatment: Treatment,
    body: Body,
    data: ExternalTreatmentInput,
    user,
    version: int | None = None,
) -> Treatment:
    """Change an external treatment: the same rules as registering it (body, number, date)."""
    _check_external(treatment)
    audit.check_version(treatment, version, _("Behandlingen"))
    seq, year = _external_number(body, data)
    if (body.id, year, seq) != (treatment.body_id, treatment.year, treatment.seq):
        reserve_case_number(session, body, year, data.number, "number")
    title = check_title(data.title, "title") if data.title else None
    changes = audit.diff(
        treatment,
        {
            "body_id": body.id,
            "year": year,
            "seq": seq,
            "sakstype": check_sakstype(data.sakstype, required=False),
            "title": title if title != treatment.case.title else None,
            "decision": (data.decision or "").strip(),
            "decided_on": data.decided_on,
        },
    )
    treatment.body = body
    if changes:
        audit.record(
            session,
            user,
            "treatment.external.update",
            treatment,
            f"Endret behandling {treatment.number} i {body.short_name}",
            body=body,
            changes=changes,
        )
    session.flush()
    return treatment


def delete_external_treatment(session: Session, treatment: Treatment, user) -> None:
    """Remove an external treatment registered by hand (not one with follow-ups)."""
    from govern.models.followups import FollowUp

    _check_external(treatment)
    if session.scalar(select(FollowUp.id).where(FollowUp.treatment_id == treatment.id).limit(1)):
        raise Conflict(
            _("Vedtaket har oppfølging; slett oppfølgingen før behandlingen"), field="number"
        )
    audit.record(
        session,
        user,
        "treatment.external.delete",
        treatment,
        f"Slettet behandling {treatment.number} i {treatment.body.short_name}",
        body=treatment.body,
    )
    session.delete(treatment)
    session.flush()


def link_case(session: Session, case: Case, earlier: Case, user) -> None:
    """Record that a case continues an earlier one (no cycles), with an audit line."""
    before = case.follows_id
    set_follows(case, earlier)
    audit.record(
        session,
        user,
        "case.link",
        case,
        f"Koblet «{case.title}» til tidligere behandlet sak «{earlier.title}»",
        changes={"follows_id": [before, earlier.id]} if before != earlier.id else None,
    )
    session.flush()


def unlink_case(session: Session, case: Case, user) -> None:
    """Remove the link to the earlier case."""
    if case.follows is None:
        return
    audit.record(
        session,
        user,
        "case.unlink",
        case,
        f"Fjernet koblingen fra «{case.title}» til «{case.follows.title}»",
        changes={"follows_id": [case.follows_id, None]},
    )
    set_follows(case, None)
    session.flush()


def _like_pattern(text: str) -> str:
    """A LIKE pattern for a substring: wildcards escaped; letters outside ASCII become '_',
    since SQLite folds case for ASCII only (the match is then checked in Python)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%" + "".join(c if c.isascii() else "_" for c in escaped) + "%"


def find_treatments(
    session: Session,
    user,
    text: str,
    body: Body | int | None = None,
    limit: int = 20,
    exclude_case: Case | None = None,
) -> list[Treatment]:
    """Treatments the user may see, by exact case number ('14/25', '14/25 NUIT') or title words.

    Newest first; the treatments of `exclude_case` are left out.
    """
    from govern.policy import visible_treatment_filter

    text = " ".join((text or "").split())[:200]
    if not text:
        return []
    stmt = (
        select(Treatment)
        .join(Treatment.case)
        .outerjoin(Treatment.meeting)
        .where(visible_treatment_filter(user))
        .options(*queries.treatment_context())
        .order_by(Treatment.year.desc(), Treatment.seq.desc(), Treatment.id.desc())
    )
    if body is not None:
        stmt = stmt.where(Treatment.body_id == (body if isinstance(body, int) else body.id))
    if exclude_case is not None:
        stmt = stmt.where(Treatment.case_id != exclude_case.id)
    number = NUMBER_WITH_BODY_RE.match(text)
    if number:
        seq, yy, named = int(number.group(1)), int(number.group(2)), number.group(3)
        stmt = stmt.where(Treatment.seq == seq, Treatment.year.in_((1900 + yy, 2000 + yy)))
        found = list(session.scalars(stmt.limit(limit * 5 if named else limit)).unique())
        if named:  # '14/25 e-helserådet': the body's name or short name contains the words
            wanted = named.casefold()
            found = [
                t
                for t in found
                if wanted in t.body.short_name.casefold() or wanted in t.body.name.casefold()
            ]
        return found[:limit]
    pattern = _like_pattern(text)
    stmt = stmt.where(
        or_(Case.title.ilike(pattern, escape="\\"), Treatment.title.ilike(pattern, escape="\\"))
    )
    wanted = text.casefold()
    found = []
    for treatment in session.scalars(stmt.limit(limit * 10)).unique():
        if (
            wanted in treatment.display_title.casefold()
            or wanted in treatment.case.title.casefold()
        ):
            found.append(treatment)
            if len(found) == limit:
                break
    return found


def continued_in(session: Session, user, case: Case) -> list[Case]:
    """The cases that continue this one and have a treatment the user may see."""
    from govern.policy import visible_treatment_filter

    seen = (
        select(Treatment.case_id).outerjoin(Treatment.meeting).where(visible_treatment_filter(user))
    )
    return list(
        session.scalars(
            select(Case)
            .where(Case.follows_id == case.id, Case.id.in_(seen))
            .order_by(Case.created_at, Case.id)
        )
    )
