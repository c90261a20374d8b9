"""Run a search: ranked treatments the reader may see, filtered, with highlighted snippets.

The order: title matches first, then the other matches. The newest RANKED_TITLES title
matches are ranked by relevance (in the title), older ones follow newest first; then the
other matches among the newest RANKED, ranked by relevance, and older ones newest first. So
a word found in thousands of decisions costs no more than ranking a thousand, and a title
match from years back still comes before newer matches in the text. The database work is
in fts5.py (SQLite) and postgres.py (PostgreSQL): both filter, hide and rank on the index
table alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.orm import Session, joinedload

from govern.models.bodies import Body
from govern.models.cases import Treatment, TreatmentInput
from govern.models.meetings import AgendaItem, Meeting
from govern.models.memos import Memo, MemoSection
from govern.policy import can
from govern.search import postgres
from govern.search.fts5 import Fts5Search
from govern.search.postgres import PgSearch
from govern.search.text import Query, highlight, hits, matcher
from govern.services.register import RegisterFilter, _follow_up_clause

PER_PAGE = 20
#: Counting stops here ("more than 1000 results"); nobody pages further.
MAX_COUNT = 1000
#: How many of the newest matches are ranked by relevance (the title matches among them
#: apart), and how many of the newest title matches.
RANKED, RANKED_TITLES = 1000, 200
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
        return Fts5Search(session, user, query, filters, follow_up)
    return PgSearch(session, user, query, filters, follow_up)


def _best_first(scored: list[tuple[int, float | None]]) -> list[int]:
    """Ids by score, ties newest first."""
    return [i for i, score in sorted(scored, key=lambda r: (-(r[1] or 0.0), -r[0]))]


def ranked_ids(search, offset: int, end: int) -> tuple[list[int], int]:
    """(the ids at [offset, end) of the result order, how many matches up to MAX_COUNT + 1)."""
    newest = search.newest(max(RANKED, MAX_COUNT + 1))
    total = min(len(newest), MAX_COUNT + 1)
    titles = search.titles(max(RANKED_TITLES, end), RANKED_TITLES)
    order = _best_first(titles[:RANKED_TITLES]) + [i for i, _ in titles[RANKED_TITLES:]]
    if len(order) < end:
        # Fewer title matches than were asked for: `titles` holds every one.
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
    ids, total = ranked_ids(search, offset, offset + per_page)
    search.close()  # (after an error the transaction is rolled back, and its settings with it)
    loaded = _load(session, ids)
    extra = _memo_and_input_texts(session, ids)
    matches = matcher(query)
    found = [_hit(user, loaded[i], extra.get(i, []), query, matches) for i in ids if i in loaded]
    return SearchPage(found, total, page, per_page)


def _load(session: Session, ids: list[int]) -> dict[int, Treatment]:
    """The treatments with what a result shows: body, case, meeting, its days, agenda day."""
    return {t.id: t for t in session.scalars(_LOAD, {"ids": ids}).unique()}


def _memo_and_input_texts(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Each treatment's toppnotat texts (the fixed sections, then the free ones) and innspill,
    in order: plain rows in one query, as only their words are needed."""
    texts: dict[int, list[str]] = {}
    for treatment_id, _kind, _position, text in session.execute(_TEXTS, {"ids": ids}):
        texts.setdefault(treatment_id, []).append(text)
    return texts


# Built once: a search runs them every time.
_IDS = bindparam("ids", expanding=True)
_LOAD = (
    select(Treatment)
    .where(Treatment.id.in_(_IDS))
    .options(
        joinedload(Treatment.body),
        joinedload(Treatment.case),
        joinedload(Treatment.meeting).joinedload(Meeting.days),
        joinedload(Treatment.agenda_item).joinedload(AgendaItem.day),
    )
)


def _texts_stmt():
    def part(treatment_id, kind: int, position, text, *joins):
        columns = (treatment_id, literal(kind), position, text)
        names = ("treatment_id", "kind", "position", "text")
        stmt = select(*[c.label(name) for c, name in zip(columns, names, strict=True)])
        for target, on in joins:
            stmt = stmt.join(target, on)
        return stmt.where(treatment_id.in_(_IDS))

    memo = (Memo.purpose, Memo.background, Memo.questions, Memo.next_steps)
    section = (MemoSection, MemoSection.memo_id == Memo.id)
    everything = union_all(
        *[part(Memo.treatment_id, n, literal(0), text) for n, text in enumerate(memo)],
        part(Memo.treatment_id, 4, MemoSection.position, MemoSection.text, section),
        part(TreatmentInput.treatment_id, 5, TreatmentInput.position, TreatmentInput.text),
    )
    return everything.order_by(*everything.selected_columns[:3])


_TEXTS = _texts_stmt()


def _passages(user, treatment: Treatment, extra: list[str]) -> list[str]:
    """The texts a snippet may come from, most telling first."""
    texts = [treatment.summary, treatment.proposed_decision]
    if treatment.meeting is None or can(user, "read_minutes", treatment.meeting):
        texts.insert(0, treatment.decision)
    return [t for t in (*texts, *extra) if t and t.strip()]


def _hit(user, treatment: Treatment, extra: list[str], query: Query, matches) -> Hit:
    passages = _passages(user, treatment, extra)
    found = [hits(t, query, matches) for t in passages]
    best = passages[found.index(max(found))] if passages else ""
    return Hit(
        treatment,
        highlight(treatment.display_title, query, matches=matches),
        highlight(best, query, SNIPPET_WORDS, matches) if best else Markup(""),
    )


def search_years(session: Session) -> list[int]:
    """Years that have treatments, newest first (the filter's choices)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgres.years(session)
    return list(session.scalars(select(Treatment.year).distinct().order_by(Treatment.year.desc())))
