"""The search on SQLite: FTS5 queries over `search_index`, filters and visibility included.

Filters and visibility are FTS5 terms on the index's one-token columns (index.FACETS), so
FTS5 intersects them with the words in C and returns matches newest first (rowid order)
without reading a row. Visibility is written as what must be *hidden*: treatments of
unpublished meetings, decisions whose minutes the reader may not read. Both are rare, so
`… NOT hidden` costs little, and the terms stay out of the ranking queries, where bm25
would count every document holding a common term. `tests/services/test_search_access.py`
checks these expressions against permissions.visible_treatment_filter and
visible_decision_filter for every meeting state and role.
"""

from __future__ import annotations

from sqlalchemy import column, select, table, text
from sqlalchemy.orm import Session

from govern.models.meetings import MEETING_STATUSES, MINUTES_STATUSES, PUBLISHED_STATUSES
from govern.permissions import READER_ROLES, _body_ids_with
from govern.search.clauses import swap_columns
from govern.search.index import FACETS, SQLITE_TABLE, SQLITE_TITLES, token
from govern.search.text import Query

#: bm25 with the weights of the text columns (title, decision, rest); facets weigh nothing.
BM25 = {
    SQLITE_TABLE: f"bm25({SQLITE_TABLE}, 10.0, 4.0, 1.0{', 0.0' * len(FACETS)})",
    SQLITE_TITLES: f"bm25({SQLITE_TITLES}, 1.0{', 0.0' * len(FACETS)})",
}


def any_of(name: str, values) -> str:
    """An FTS5 term: the facet column holds one of the values."""
    return f"{name} : (" + " OR ".join(f'"{token(str(v))}"' for v in values) + ")"


def hidden_terms(user) -> tuple[str, str] | None:
    """(hidden treatments, hidden decisions) for the user as FTS5 expressions; None for an
    administrator, who sees everything. The mirror image of the permission filters."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_admin:
        return None
    unpublished = [s for s in MEETING_STATUSES if s not in PUBLISHED_STATUSES]
    treatment = any_of("meeting_status", unpublished)
    unapproved = any_of("minutes_status", [s for s in MINUTES_STATUSES if s != "godkjent"])
    decision = f"{treatment} OR {unapproved}"
    readers = _body_ids_with(user, READER_ROLES)
    secretariat = _body_ids_with(user, {"sekretariat"})
    see_treatment, see_decision = [], []
    if readers:
        see_treatment.append(f'({any_of("body_id", readers)} AND agenda_shared : "1")')
        see_decision.append(
            f"({any_of('body_id', readers)}"
            f' AND ({any_of("meeting_status", PUBLISHED_STATUSES)} OR agenda_shared : "1")'
            f" AND {any_of('minutes_status', ('godkjent', 'sendt'))})"
        )
    if secretariat:
        see_treatment.append(any_of("body_id", secretariat))
        see_decision.append(any_of("body_id", secretariat))
    if see_treatment:
        treatment = f"({treatment}) NOT ({' OR '.join(see_treatment)})"
        decision = f"({decision}) NOT ({' OR '.join(see_decision)})"
    return treatment, decision


class Fts5Search:
    """One search on SQLite; see query.search_page for what each method is for."""

    def __init__(self, session: Session, user, query: Query, filters: dict, follow_up):
        self.session = session
        words = query.fts5()
        terms = [any_of(name, [value]) for name, value in filters.items()]
        #: Every match, visible or not: the query's words and the filters.
        self.base = " AND ".join([f"({words})", *terms])
        hidden = hidden_terms(user)
        self.visible = self.base
        # Title matches: in the titles table, unless a -word must be absent from the whole
        # document (then the big table's title column).
        self.titles_table = SQLITE_TABLE if query.negated else SQLITE_TITLES
        in_title = self.base
        if query.negated:
            in_title = f"({self.base}) AND ({{title}} : ({words}))"
        self.visible_titles = in_title
        if hidden is not None:
            treatment, decision = hidden
            # A decision the reader may not see must not be what matched.
            public = f"{{title rest}} : ({words})"
            self.visible = f"({self.base}) NOT ({treatment} OR (({decision}) NOT ({public})))"
            self.visible_titles = f"({in_title}) NOT ({treatment})"
        self.follow_up = follow_up

    def _run(self, sql: str, params: tuple):
        """Plain SQL on the session's connection: these few statements run on every search,
        and building and compiling SQLAlchemy statements for them costs more than SQLite."""
        return self.session.connection().exec_driver_sql(sql, params)

    def _newest(self, name: str, expr: str, need: int) -> list[int]:
        if self.follow_up is not None:
            # The follow-up filter is a subquery on the row's treatment: SQLAlchemy writes it.
            rowid = table(name, column("rowid")).c.rowid
            follow_up = swap_columns(self.follow_up, {("treatments", "id"): rowid}, name)
            match = text(f"{name} MATCH :expr").bindparams(expr=expr)
            stmt = select(rowid).where(match, follow_up).order_by(rowid.desc()).limit(need)
            return list(self.session.scalars(stmt))
        sql = f"SELECT rowid FROM {name} WHERE {name} MATCH ? ORDER BY rowid DESC LIMIT ?"
        return [rowid for (rowid,) in self._run(sql, (expr, need))]

    def _scores(self, name: str, ids: list[int]) -> dict[int, float]:
        """bm25 (higher is better) of the ids, in one pass over their rowid range (newest
        first: FTS5 computes bm25 several times faster that way)."""
        if not ids:
            return {}
        wanted = set(ids)
        sql = (
            f"SELECT rowid, {BM25[name]} FROM {name}"
            f" WHERE {name} MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid DESC"
        )
        rows = self._run(sql, (self.base, min(ids), max(ids)))
        return {rowid: -score for rowid, score in rows if rowid in wanted}

    def close(self) -> None:
        """Nothing to undo on SQLite."""

    def newest(self, need: int) -> list[int]:
        """Ids of the newest `need` visible matches, newest first."""
        return self._newest(SQLITE_TABLE, self.visible, need)

    def titles(self, need: int, ranked: int) -> list[tuple[int, float | None]]:
        """The newest `need` visible title matches, newest first, the first `ranked` scored
        (among titles only)."""
        ids = self._newest(self.titles_table, self.visible_titles, need)
        scores = self._scores(SQLITE_TITLES, ids[:ranked])
        return [(i, scores.get(i)) for i in ids]

    def scores(self, ids: list[int]) -> dict[int, float]:
        """Scores of these visible matches that are not title matches."""
        return self._scores(SQLITE_TABLE, ids)
