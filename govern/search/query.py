"""Run a search: ranked treatments the reader may see, filtered, with highlighted snippets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlalchemy import Select, and_, column, func, literal_column, or_, select, table, text
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
        return max(1, -(-self.total // self.per_page))


def _sqlite_match(query: Query, decision_visible) -> tuple:
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
    return fts, fts.c.rowid, where, literal_column(BM25).asc()


def _pg_match(query: Query, decision_visible) -> tuple:
    docs = table(PG_TABLE, column("treatment_id"), column("document"))
    tsq = func.websearch_to_tsquery(literal_column("'norwegian'::regconfig"), query.websearch())
    if query.prefix_word is not None:
        prefix = func.to_tsquery(literal_column("'norwegian'::regconfig"), query.prefix_word + ":*")
        tsq = prefix if not query.websearch().strip() else tsq.op("&&")(prefix)
    public = func.ts_filter(docs.c.document, literal_column("'{a,c}'::\"char\"[]"))
    where = and_(
        docs.c.document.op("@@")(tsq),
        or_(decision_visible, public.op("@@")(tsq)),
    )
    return docs, docs.c.treatment_id, where, func.ts_rank_cd(docs.c.document, tsq).desc()


def search_stmt(session: Session, user, query: Query, wanted: RegisterFilter, today: date):
    """(ids in rank order statement, count statement) for the query and filter."""
    decision_visible = visible_decision_filter(user)
    match = _sqlite_match if session.get_bind().dialect.name == "sqlite" else _pg_match
    index, key, where, order = match(query, decision_visible)
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
    count = select(func.count()).select_from(stmt.subquery())
    return stmt.order_by(order, Treatment.id.desc()), count


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
    ids_stmt, count_stmt = search_stmt(session, user, query, wanted, today)
    ids = list(session.scalars(ids_stmt.limit(per_page).offset((page - 1) * per_page)))
    total = len(ids) if page == 1 and len(ids) < per_page else session.scalar(count_stmt)
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
