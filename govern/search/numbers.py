"""Numbers users quote, found first: "12/26", "sak 12/26", "Fagrådet 12/26", "møte 2/26",
"NUIT møte 2/26" (or in English "case 12/26", "meeting 2/26"). A query that is a number
(with a body's name and "sak"/"møte" if wanted) finds the cases with that case number and
the meetings with that meeting number, among what the reader may see; the full-text search
runs after it as before."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.openness import shown_title
from govern.policy import can, visible_treatments

NUMBER_QUERY = re.compile(
    r"^\s*(?P<body>.*?)\s*(?P<kind>saksnummer|saksnr\.?|sak|case|møtenummer|møte|meeting)?\s*"
    r"(?P<seq>\d{1,5})\s*/\s*(?P<yy>\d{2})\s*$",
    re.IGNORECASE,
)


@dataclass
class NumberHits:
    #: (treatment, the title the reader may see), cases before meetings.
    cases: list[tuple[Treatment, str]] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.cases or self.meetings)


def parse_number_query(text: str) -> tuple[str, str | None, int, int] | None:
    """(body text, "sak"/"møte"/None, sequence, year) of a number query, or None."""
    match = NUMBER_QUERY.match(text or "")
    if match is None or int(match["seq"]) < 1:
        return None
    kind = (match["kind"] or "").casefold()
    # The words of every interface language: "sak 12/26", "case 12/26", "meeting 2/26".
    kind = None if not kind else ("møte" if kind.startswith(("møte", "meeting")) else "sak")
    return match["body"].strip(), kind, int(match["seq"]), 2000 + int(match["yy"])


def _bodies(session: Session, text: str) -> list[int] | None:
    """The ids of the bodies a name, short name or slug names (None: no body was named)."""
    if not text:
        return None
    wanted = " ".join(text.split()).casefold()
    rows = session.execute(select(Body.id, Body.short_name, Body.name, Body.slug))
    return [row.id for row in rows if wanted in {n.casefold() for n in row[1:] if n}]


def number_hits(session: Session, reader, text: str, today: date) -> NumberHits:
    """The cases and meetings a number query names, as far as the reader may see them."""
    parsed = parse_number_query(text)
    if parsed is None:
        return NumberHits()
    body_text, kind, seq, year = parsed
    body_ids = _bodies(session, body_text)
    if body_ids is not None and not body_ids:
        return NumberHits()  # words that are not a body: the full-text search has them
    hits = NumberHits()
    if kind in (None, "sak"):
        stmt = (
            select(Treatment)
            .where(Treatment.seq == seq, Treatment.year == year)
            .options(joinedload(Treatment.body), joinedload(Treatment.case))
            .options(joinedload(Treatment.meeting).joinedload(Meeting.days))
        )
        if body_ids is not None:
            stmt = stmt.where(Treatment.body_id.in_(body_ids))
        found = session.scalars(stmt).unique().all()
        visible = visible_treatments(reader, list(found), today)
        visible.sort(key=lambda t: t.body.name)
        hits.cases = [(t, shown_title(reader, t, today)) for t in visible]
    if kind in (None, "møte"):
        stmt = (
            select(Meeting)
            .where(Meeting.seq == seq, Meeting.year == year)
            .options(joinedload(Meeting.body), joinedload(Meeting.days))
        )
        if body_ids is not None:
            stmt = stmt.where(Meeting.body_id.in_(body_ids))
        found = session.scalars(stmt).unique().all()
        hits.meetings = sorted(
            (m for m in found if can(reader, "read", m, today)), key=lambda m: m.body.name
        )
    return hits
