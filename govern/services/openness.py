"""Changing access (offentleglova): exempting cases and Vedlegg, closing agenda items, making
a body members-only, and the administrator's list of legal bases. Every change of access is
written to the audit log. Services flush, never commit.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.i18n import DEFAULT_LANGUAGE, use_language
from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.meetings import Attachment
from govern.models.openness import DEFAULT_BASES, ExemptionBasis
from govern.openness import closed_text, exemption_text
from govern.services import audit
from govern.services.errors import InvalidInput
from govern.text_rules import has_line_break

BASIS_MAX = 300


def bases(session: Session, *, active_only: bool = True) -> list[ExemptionBasis]:
    """The legal bases in the administrator's order (the active ones unless asked)."""
    query = select(ExemptionBasis).order_by(ExemptionBasis.position, ExemptionBasis.id)
    if active_only:
        query = query.where(ExemptionBasis.active.is_(True))
    return list(session.scalars(query))


def _clean_basis(text: str | None, field: str = "basis") -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(
            _("Velg en skjermingshjemmel: noe unntas ikke offentlighet uten hjemmel."), field=field
        )
    if has_line_break(text):
        raise InvalidInput(_("Hjemmelen kan ikke ha linjeskift."), field=field)
    if len(text) > BASIS_MAX:
        raise InvalidInput(_("Hjemmelen kan være høyst %(max)s tegn.", max=BASIS_MAX), field=field)
    return text


def _known_basis(session: Session, text: str | None, field: str = "basis") -> str:
    """A basis the form chose: non-empty and in the list of active bases."""
    text = _clean_basis(text, field)
    found = session.scalar(
        select(ExemptionBasis).where(ExemptionBasis.text == text, ExemptionBasis.active.is_(True))
    )
    if found is None:
        raise InvalidInput(
            _("«%(text)s» er ikke en av skjermingshjemlene i listen.", text=text), field=field
        )
    return text


def ensure_basis(session: Session, text: str, *, active: bool = True) -> ExemptionBasis:
    """The basis with this text, added at the end of the list when missing (the import)."""
    text = _clean_basis(text)
    found = session.scalar(select(ExemptionBasis).where(ExemptionBasis.text == text))
    if found is not None:
        return found
    last = session.scalar(select(func.max(ExemptionBasis.position)))
    basis = ExemptionBasis(text=text, active=active, position=(last or 0) + 1)
    session.add(basis)
    session.flush()
    return basis


def _basis_text(session: Session, basis: str, known_only: bool) -> str:
    """The basis a change asks for: one of the list's active bases (a form), or any basis,
    added to the list when missing (the import)."""
    return _known_basis(session, basis) if known_only else ensure_basis(session, basis).text


def seed_bases(session: Session) -> None:
    """Start an empty list with the bases every installation starts with (DEFAULT_BASES)."""
    if session.scalar(select(ExemptionBasis.id).limit(1)) is None:
        for position, text in enumerate(DEFAULT_BASES):
            session.add(ExemptionBasis(text=text, active=True, position=position))
        session.flush()


def add_basis(session: Session, text: str, user: User | None = None) -> ExemptionBasis:
    """Add a basis to the list (the administrator); refuses a duplicate."""
    text = _clean_basis(text, "text")
    if session.scalar(select(ExemptionBasis.id).where(ExemptionBasis.text == text)):
        raise InvalidInput(_("«%(text)s» står allerede i listen.", text=text), field="text")
    basis = ensure_basis(session, text)
    audit.record(session, user, "exemption_basis.add", basis, f"La til skjermingshjemmel «{text}»")
    return basis


def set_basis_active(
    session: Session, basis: ExemptionBasis, active: bool, user: User | None = None
) -> None:
    """Offer a basis again, or retire it (what was exempted under it keeps its text)."""
    if basis.active == active:
        return
    basis.active = active
    verb = "Tok i bruk igjen" if active else "Tok ut av bruk"
    audit.record(
        session,
        user,
        "exemption_basis.active",
        basis,
        f"{verb} skjermingshjemmel «{basis.text}»",
        changes={"active": [not active, active]},
    )
    session.flush()


def move_basis(session: Session, basis: ExemptionBasis, step: int) -> None:
    """Move a basis one place up (-1) or down (+1) in the list."""
    rows = bases(session, active_only=False)
    i = rows.index(basis)
    j = i + step
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
    for position, row in enumerate(rows):
        row.position = position
    session.flush()


def _first_body(case: Case) -> Body | None:
    treatments = sorted(case.treatments, key=lambda t: t.id)
    return treatments[0].body if treatments else None


def mark_case_exempt(
    session: Session,
    case: Case,
    basis: str | None,
    public_title: str = "",
    until: date | None = None,
    user: User | None = None,
    *,
    known_only: bool = True,
) -> None:
    """Exempt a case from public access with a legal basis (from the list unless
    known_only=False, as the import does), a public title and optionally the day the
    exemption lifts. Refuses an exemption without a basis; nothing is changed then."""
    basis = _basis_text(session, basis, known_only)
    public_title = (public_title or "").strip()
    if has_line_break(public_title):
        raise InvalidInput(
            _("Den offentlige tittelen kan ikke ha linjeskift."), field="public_title"
        )
    if until is not None and until <= date.today() and known_only:
        raise InvalidInput(
            _("Datoen unntaket oppheves, må være etter i dag (eller stå tom)."), field="until"
        )
    changes = audit.diff(
        case, {"exempt_basis": basis, "public_title": public_title, "exempt_until": until}
    )
    if not changes:
        return
    with use_language(DEFAULT_LANGUAGE):  # the log is kept in bokmål
        what = exemption_text(basis)
    audit.record(
        session,
        user,
        "case.exempt",
        case,
        f"Sak «{case.title}»: {what}",
        body=_first_body(case),
        changes=changes,
    )
    session.flush()


def lift_case_exemption(session: Session, case: Case, user: User | None = None) -> None:
    """Lift a case's exemption explicitly (a decision): the case is public from now on."""
    if not case.exempt_basis:
        return
    changes = audit.diff(case, {"exempt_basis": None, "exempt_until": None})
    audit.record(
        session,
        user,
        "case.exempt_lift",
        case,
        f"Sak «{case.title}»: unntaket fra offentlighet er opphevet",
        body=_first_body(case),
        changes=changes,
    )
    session.flush()


def set_attachment_exempt(
    session: Session,
    attachment: Attachment,
    basis: str | None,
    user: User | None = None,
    *,
    known_only: bool = True,
) -> None:
    """Exempt a Vedlegg on its own (basis given) or make it follow its case again (None)."""
    if basis is not None:
        basis = _basis_text(session, basis, known_only)
    changes = audit.diff(attachment, {"exempt_basis": basis})
    if not changes:
        return
    with use_language(DEFAULT_LANGUAGE):  # the log is kept in bokmål
        what = exemption_text(basis) if basis else "offentlig"
    audit.record(
        session,
        user,
        "attachment.exempt",
        attachment,
        f"Vedlegg {attachment.number} «{attachment.title}»: {what}",
        body=attachment.meeting.body,
        changes=changes,
    )
    session.flush()


def set_item_closed(
    session: Session,
    treatment: Treatment,
    basis: str | None,
    user: User | None = None,
    *,
    known_only: bool = True,
) -> None:
    """Treat an agenda item in a closed session with a basis (lukket behandling), or open it
    again (None)."""
    if treatment.meeting_id is None:
        raise InvalidInput(
            _("Bare saker på et møte kan behandles for lukkede dører."), field="basis"
        )
    if basis is not None:
        basis = _basis_text(session, basis, known_only)
    changes = audit.diff(treatment, {"closed_basis": basis})
    if not changes:
        return
    with use_language(DEFAULT_LANGUAGE):  # the log is kept in bokmål
        what = closed_text(basis) if basis else "åpen behandling"
    audit.record(
        session,
        user,
        "treatment.closed",
        treatment,
        f"Sak {treatment.number} «{treatment.display_title}»: {what}",
        body=treatment.body,
        changes=changes,
    )
    session.flush()


def set_members_only(
    session: Session, body: Body, members_only: bool, user: User | None = None
) -> None:
    """Make a body members-only (nothing of it public) or public again."""
    changes = audit.diff(body, {"members_only": bool(members_only)})
    if not changes:
        return
    what = "bare for medlemmer" if members_only else "offentlig"
    audit.record(
        session,
        user,
        "body.members_only",
        body,
        f"{body.short_name} er nå {what}",
        body=body,
        changes=changes,
    )
    session.flush()
