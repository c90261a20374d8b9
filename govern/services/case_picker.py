"""Finding an earlier case to put on an agenda: by number ("12/26", "Fagrådet 12/26", "12/26
NUIT"), by title words, or by body ("NUIT", "NUIT kjernejournal"), newest first, one line a
case; and the texts its latest treatment gives the new one to start from."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern import queries
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.policy import visible_treatment_filter
from govern.search.numbers import parse_number_query
from govern.services.cases import find_treatments

#: Cases that are only a meeting's opening or closing item are never picked again.
_ANCHORS = {"Godkjenning", "Eventuelt"}
LIMIT = 20


@dataclass(frozen=True)
class Candidate:
    case: Case
    #: "Fagrådet 12/26, NUIT 3/26": where the case has been treated, oldest first.
    numbers: str
    latest: Treatment


def _body_named(session: Session, words: list[str]) -> tuple[Body | None, list[str]]:
    """A body named by the first or last words of the query (short name, name or slug)."""
    bodies = session.scalars(select(Body)).all()
    names = {}
    for body in bodies:
        for name in (body.short_name, body.name, body.slug):
            if name:
                names[" ".join(name.split()).casefold()] = body
    for n in range(len(words), 0, -1):
        for start in {0, len(words) - n}:
            named = " ".join(words[start : start + n]).casefold()
            if named in names:
                return names[named], words[:start] + words[start + n :]
    return None, words


def latest_treatment(case: Case) -> Treatment | None:
    """The case's most recent treatment (by date; undated ones count as oldest)."""
    dated = sorted(case.treatments, key=lambda t: (t.date is not None, t.date or 0, t.id))
    return dated[-1] if dated else None


def find_cases(
    session: Session, user, text: str, exclude: set[int] | None = None
) -> list[Candidate]:
    """Cases the user may see that match the query, newest treatment first."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return []
    parsed = parse_number_query(text)
    if parsed is not None:  # "sak 12/26", "Fagrådet 12/26": the number, then the body
        body_text, _, seq, year = parsed
        text = f"{seq}/{year % 100:02d} {body_text}".strip()
    body, rest = _body_named(session, text.split())
    if body is not None and not rest:
        treatments = session.scalars(
            select(Treatment)
            .outerjoin(Treatment.meeting)
            .where(Treatment.body_id == body.id, visible_treatment_filter(user))
            .options(*queries.treatment_context())
            .order_by(Treatment.year.desc(), Treatment.seq.desc(), Treatment.id.desc())
            .limit(LIMIT * 3)
        ).unique()
    else:
        query = " ".join(rest) if body is not None and parsed is None else text
        treatments = find_treatments(
            session, user, query, body if parsed is None else None, limit=LIMIT * 3
        )
    exclude = exclude or set()
    case_ids = []
    for t in treatments:
        if t.case_id not in exclude and t.case_id not in case_ids:
            case_ids.append(t.case_id)
    return candidates(session, case_ids[:LIMIT])


def candidates(session: Session, case_ids: list[int]) -> list[Candidate]:
    """The cases with their numbers and latest treatment, in the order given."""
    cases = {
        c.id: c
        for c in session.scalars(
            select(Case)
            .where(Case.id.in_(case_ids))
            .options(selectinload(Case.treatments).options(*queries.treatment_context()))
        ).unique()
    }
    found = []
    for case_id in case_ids:
        case = cases.get(case_id)
        if case is None or not case.treatments:
            continue
        if {t.sakstype for t in case.treatments} <= _ANCHORS:
            continue
        ordered = sorted(case.treatments, key=lambda t: (t.year, t.seq))
        numbers = ", ".join(f"{t.body.short_name} {t.number}" for t in ordered)
        found.append(Candidate(case, numbers, latest_treatment(case)))
    return found
