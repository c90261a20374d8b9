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
from govern.search.index import FACETS, SQLITE_TABLE, token

#: bm25 weights of the columns title, decision, rest; the facet columns weigh nothing.
BM25 = f"bm25({SQLITE_TABLE}, 10.0, 4.0, 1.0{', 0.0' * len(FACETS)})"
_FTS = table(SQLITE_TABLE, column("rowid"))


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

    def __init__(self, session: Session, user, words: str, filters: dict, follow_up):
        self.session = session
        terms = [any_of(name, [value]) for name, value in filters.items()]
        #: Every match, visible or not: the query's words and the filters.
        self.base = " AND ".join([f"({words})", *terms])
        #: Matches of the query in the title alone (and in the whole document, for -words).
        self.in_title = f"({self.base}) AND ({{title}} : ({words}))"
        #: What title matches are ranked by: the title alone.
        self.title_rank = " AND ".join([f"({{title}} : ({words}))", *terms])
        hidden = hidden_terms(user)
        if hidden is None:
            self.visible, self.visible_titles = self.base, self.in_title
        else:
            treatment, decision = hidden
            # A decision the reader may not see must not be what matched.
            public = f"{{title rest}} : ({words})"
            self.visible = f"({self.base}) NOT ({treatment} OR (({decision}) NOT ({public})))"
            self.visible_titles = f"({self.in_title}) NOT ({treatment})"
        self.others = f"({self.base}) NOT ({{title}} : ({words}))"
        self.extra = []
        if follow_up is not None:
            by_rowid = {("treatments", "id"): _FTS.c.rowid}
            self.extra.append(swap_columns(follow_up, by_rowid, SQLITE_TABLE))

    def _newest(self, expr: str, need: int) -> list[int]:
        stmt = (
            select(_FTS.c.rowid)
            .where(text(f"{SQLITE_TABLE} MATCH :expr").bindparams(expr=expr), *self.extra)
            .order_by(_FTS.c.rowid.desc())
            .limit(need)
        )
        return list(self.session.scalars(stmt))

    def _scores(self, expr: str, ids: list[int]) -> dict[int, float]:
        """bm25 (higher is better) of the ids, in one pass over their rowid range."""
        if not ids:
            return {}
        wanted = set(ids)
        rows = self.session.execute(
            text(
                f"SELECT rowid, {BM25} FROM {SQLITE_TABLE}"
                f" WHERE {SQLITE_TABLE} MATCH :expr AND rowid BETWEEN :lo AND :hi"
            ),
            {"expr": expr, "lo": min(ids), "hi": max(ids)},
        )
        return {rowid: -score for rowid, score in rows if rowid in wanted}

    def close(self) -> None:
        """Nothing to undo on SQLite."""

    def newest(self, need: int) -> list[int]:
        """Ids of the newest `need` visible matches, newest first."""
        return self._newest(self.visible, need)

    def titles(self, need: int, ranked: int) -> list[tuple[int, float | None]]:
        """The newest `need` visible title matches, newest first, the first `ranked` scored."""
        ids = self._newest(self.visible_titles, need)
        scores = self._scores(self.title_rank, ids[:ranked])
        return [(i, scores.get(i)) for i in ids]

    def scores(self, ids: list[int]) -> dict[int, float]:
        """Scores of these visible matches that are not title matches."""
        return self._scores(self.others, ids)
