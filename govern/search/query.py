"""Run a search: ranked treatments the reader may see, filtered, with highlighted snippets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlalchemy import Select, and_, case, column, func, literal_column, or_, select, table, text
from sqlalchemy.orm import Session, joinedload, selectinload

from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.meetings import AgendaItem, Meeting
from govern.models.memos import Memo
from govern.permissions import can, visible_decision_filter, visible_treatment_filter
from govern.search.index import PG_TABLE, SQLITE_TABLE
from govern.search.text import Query, highlight, hits
from govern.services.register import RegisterFilter, _follow_up_clause

PER_PAGE = 20
#: Counting stops here ("more than 1000 results"); nobody pages further.
MAX_COUNT = 1000
#: How many of the newest matches are ranked by relevance (besides every title match).
RANKED = 1000
SNIPPET_WORDS = 30
#: bm25 weights of the SQLite columns title, decision, rest (PostgreSQL uses A, B, C).
BM25 = "bm25(search_index, 10.0, 4.0, 1.0)"


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


def _sqlite_match(session: Session, query: Query, decision_visible) -> tuple:
    fts = table(SQLITE_TABLE, column("rowid"))
    expr = query.fts5()
    # Readers who may not read a decision must match without the decision column.
    public = select(fts.c.rowid).where(
        text(f"{SQLITE_TABLE} MATCH :public").bindparams(public="{title rest} : (" + expr + ")")
    )
    where = and_(
        text(f"{SQLITE_TABLE} MATCH :query").bindparams(query=expr),
        or_(decision_visible, fts.c.rowid.in_(public)),
    )
    # bm25 costs a few microseconds per match: rank the newest RANKED matches and every
    # title match; older matches of a common word follow, newest first.
    floor = session.scalar(
        text(
            f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :q"
            " ORDER BY rowid DESC LIMIT 1 OFFSET :n"
        ),
        {"q": expr, "n": RANKED},
    )
    if floor is None:
        return fts, fts.c.rowid, where, literal_column(BM25).asc(), None
    titles = select(fts.c.rowid).where(
        text(f"{SQLITE_TABLE} MATCH :titles").bindparams(titles="{title} : (" + expr + ")")
    )
    candidates = or_(fts.c.rowid >= floor, fts.c.rowid.in_(titles))
    order = case((candidates, literal_column(BM25)), else_=0).asc()
    return fts, fts.c.rowid, where, order, candidates


def _pg_match(session: Session, query: Query, decision_visible) -> tuple:
    docs = table(PG_TABLE, column("treatment_id"), column("document"))
    tsq = func.websearch_to_tsquery(literal_column("'norwegian'::regconfig"), query.websearch())
    if query.prefix_word is not None:
        prefix = func.to_tsquery(literal_column("'norwegian'::regconfig"), query.prefix_word + ":*")
        tsq = prefix if not query.websearch().strip() else tsq.op("&&")(prefix)
    matches = docs.c.document.op("@@")(tsq)
    public = func.ts_filter(docs.c.document, literal_column("'{a,c}'::\"char\"[]"))
    where = and_(matches, or_(decision_visible, public.op("@@")(tsq)))
    rank = func.ts_rank_cd(docs.c.document, tsq)
    # As on SQLite: rank the newest RANKED matches and the title matches, the rest newest first.
    floor = session.scalar(
        select(docs.c.treatment_id)
        .where(matches)
        .order_by(docs.c.treatment_id.desc())
        .offset(RANKED)
        .limit(1)
    )
    if floor is None:
        return docs, docs.c.treatment_id, where, rank.desc(), None
    titles = func.ts_filter(docs.c.document, literal_column("'{a}'::\"char\"[]")).op("@@")(tsq)
    candidates = or_(docs.c.treatment_id >= floor, titles)
    return docs, docs.c.treatment_id, where, case((candidates, rank), else_=0).desc(), candidates


def search_stmt(session: Session, user, query: Query, wanted: RegisterFilter, today: date):
    """(filtered select of ids, rank order, optional cheaper subset holding the best ranks)."""
    decision_visible = visible_decision_filter(user)
    match = _sqlite_match if session.get_bind().dialect.name == "sqlite" else _pg_match
    index, key, where, order, candidates = match(session, query, decision_visible)
    stmt: Select = (
        select(Treatment.id)
        .select_from(index)
        .join(Treatment, Treatment.id == key)
        .join(Body, Body.id == Treatment.body_id)
        .outerjoin(Meeting, Meeting.id == Treatment.meeting_id)
        .where(where, visible_treatment_filter(user))
    )
    if wanted.body:
        stmt = stmt.where(Body.slug == wanted.body)
    if wanted.year is not None:
        stmt = stmt.where(Treatment.year == wanted.year)
    if wanted.sakstype:
        stmt = stmt.where(Treatment.sakstype == wanted.sakstype)
    if wanted.follow_up:
        stmt = stmt.where(_follow_up_clause(wanted.follow_up, today))
    return stmt, order, candidates


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
    stmt, order, candidates = search_stmt(session, user, query, wanted, today)
    offset = (page - 1) * per_page
    ids: list[int] = []
    if candidates is not None:
        ranked = stmt.where(candidates).order_by(order, Treatment.id.desc())
        ids = list(session.scalars(ranked.limit(per_page).offset(offset)))
    if len(ids) < per_page:
        ordered = stmt.order_by(order, Treatment.id.desc())
        ids = list(session.scalars(ordered.limit(per_page).offset(offset)))
    if page == 1 and len(ids) < per_page:
        total = len(ids)
    else:
        capped = stmt.limit(MAX_COUNT + 1).subquery()
        total = session.scalar(select(func.count()).select_from(capped))
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
