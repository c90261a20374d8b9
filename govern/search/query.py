"""Run a search: ranked treatments the reader may see, filtered, with highlighted snippets.

The order: title matches first, then the other matches. In each group the newest RANKED
are ranked by relevance and older ones follow newest first, so a word found in thousands
of decisions costs no more than ranking a thousand (a title match from years back still
comes before newer matches in the text). The database work is in fts5.py (SQLite) and
postgres.py (PostgreSQL): both filter, hide and rank on the index table alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.meetings import AgendaItem, Meeting
from govern.models.memos import Memo
from govern.permissions import can
from govern.search.fts5 import Fts5Search
from govern.search.postgres import PgSearch
from govern.search.text import Query, highlight, hits
from govern.services.register import RegisterFilter, _follow_up_clause

PER_PAGE = 20
#: Counting stops here ("more than 1000 results"); nobody pages further.
MAX_COUNT = 1000
#: How many of the newest title matches, and of the newest matches, are ranked by relevance.
RANKED = 1000
SNIPPET_WORDS = 30


@dataclass
class Hit:
    """One result: the treatment, its title and the best matching passage, highlighted."""

    treatment: Treatment
    title: Markup
    snippet: Markup


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, MAX_COUNT) // self.per_page))

    @property
    def more(self) -> bool:
        """More results than were counted."""
        return self.total > MAX_COUNT


def open_search(session: Session, user, query: Query, wanted: RegisterFilter, today: date):
    """The database's search for this query, filter and reader; None if the filter names a
    body that does not exist (nothing can match)."""
    filters: dict = {}
    if wanted.body:
        body_id = session.scalar(select(Body.id).where(Body.slug == wanted.body))
        if body_id is None:
            return None
        filters["body_id"] = body_id
    if wanted.year is not None:
        filters["year"] = wanted.year
    if wanted.sakstype:
        filters["sakstype"] = wanted.sakstype
    follow_up = _follow_up_clause(wanted.follow_up, today) if wanted.follow_up else None
    if session.get_bind().dialect.name == "sqlite":
        return Fts5Search(session, user, query.fts5(), filters, follow_up)
    return PgSearch(session, user, query, filters, follow_up)


def _best_first(scored: list[tuple[int, float | None]]) -> list[int]:
    """Ids by score, ties newest first."""
    return [i for i, score in sorted(scored, key=lambda r: (-(r[1] or 0.0), -r[0]))]


def ranked_ids(search, offset: int, end: int) -> tuple[list[int], int]:
    """(the ids at [offset, end) of the result order, how many matches up to MAX_COUNT + 1)."""
    newest = search.newest(max(RANKED, MAX_COUNT + 1))
    total = min(len(newest), MAX_COUNT + 1)
    titles = search.titles(max(RANKED, end), RANKED)
    order = _best_first(titles[:RANKED]) + [i for i, _ in titles[RANKED:]]
    if len(order) < end:
        # Every title match among `newest` is in `titles` (it reaches at least as far back).
        in_title = {i for i, _ in titles}
        others = [i for i in newest if i not in in_title]
        ranked = [i for i in newest[:RANKED] if i not in in_title]
        scores = search.scores(ranked)
        order += _best_first([(i, scores.get(i)) for i in ranked]) + others[len(ranked) :]
    return order[offset:end], total


def search_page(
    session: Session,
    user,
    query: Query,
    wanted: RegisterFilter,
    page: int,
    today: date,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """One page of results, best first."""
    page = max(1, page)
    page = min(page, MAX_COUNT // per_page)
    offset = (page - 1) * per_page
    search = open_search(session, user, query, wanted, today)
    if search is None:
        return SearchPage([], 0, page, per_page)
    try:
        ids, total = ranked_ids(search, offset, offset + per_page)
    finally:
        search.close()
    loaded = {
        t.id: t
        for t in session.scalars(
            select(Treatment)
            .where(Treatment.id.in_(ids))
            .options(
                joinedload(Treatment.body),
                joinedload(Treatment.case),
                joinedload(Treatment.meeting).selectinload(Meeting.days),
                joinedload(Treatment.agenda_item).joinedload(AgendaItem.day),
                selectinload(Treatment.inputs),
                selectinload(Treatment.memo).selectinload(Memo.sections),
            )
        )
    }
    found = [_hit(user, loaded[i], query) for i in ids if i in loaded]
    return SearchPage(found, total, page, per_page)


def _passages(user, treatment: Treatment) -> list[str]:
    """The texts a snippet may come from, most telling first."""
    texts = [treatment.summary, treatment.proposed_decision]
    if treatment.meeting is None or can(user, "read_minutes", treatment.meeting):
        texts.insert(0, treatment.decision)
    memo = treatment.memo
    if memo is not None:
        texts += [memo.purpose, memo.background, memo.questions, memo.next_steps]
        texts += [s.text for s in memo.sections]
    texts += [i.text for i in treatment.inputs]
    return [t for t in texts if t and t.strip()]


def _hit(user, treatment: Treatment, query: Query) -> Hit:
    passages = _passages(user, treatment)
    best = max(passages, key=lambda t: hits(t, query), default="")
    if best and not hits(best, query):
        best = passages[0]
    return Hit(
        treatment,
        highlight(treatment.display_title, query),
        highlight(best, query, SNIPPET_WORDS) if best else Markup(""),
    )


def search_years(session: Session) -> list[int]:
    """Years that have treatments, newest first (the filter's choices)."""
    return list(session.scalars(select(Treatment.year).distinct().order_by(Treatment.year.desc())))
