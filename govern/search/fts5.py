"""The search on SQLite: FTS5 queries over `search_index`, filters and visibility included.

Filters and visibility are FTS5 terms on the index's one-token columns (index.FACETS), so
FTS5 intersects them with the words in C and returns matches newest first (rowid order)
without reading a row. Hidden treatments (of meetings the reader may not see) are written
as what must be left out: rare, so `… NOT hidden` costs little. Decisions not everyone may
read are in the column `restricted` (index.public_decision): the public searches the other
columns; a member or secretariat also searches `restricted` where the permissions let them.
The terms stay out of the ranking queries, where bm25 would count every document holding a
common term. `tests/services/test_search_access.py` checks all this against
policy.visible_treatment_filter and visible_decision_filter for every meeting state
and role.
"""

from __future__ import annotations

from sqlalchemy import column, select, table, text
from sqlalchemy.orm import Session

from govern.models.meetings import MEETING_STATUSES, PUBLISHED_STATUSES
from govern.policy import READER_ROLES, body_ids_with, is_admin
from govern.search.clauses import excluded_treatments, swap_columns
from govern.search.index import FACETS, SQLITE_TABLE, SQLITE_TITLES, TEXTS, token
from govern.search.text import Query

#: bm25 with the weights of the text columns (title, decision, rest, restricted); facets
#: weigh nothing.
BM25 = {
    SQLITE_TABLE: f"bm25({SQLITE_TABLE}, 10.0, 4.0, 1.0, 4.0{', 0.0' * len(FACETS)})",
    SQLITE_TITLES: f"bm25({SQLITE_TITLES}, 1.0{', 0.0' * len(FACETS)})",
}
#: The columns everyone may search.
PUBLIC = "{" + " ".join(c for c in TEXTS if c != "restricted") + "}"


def any_of(name: str, values) -> str:
    """An FTS5 term: the facet column holds one of the values."""
    return f"{name} : (" + " OR ".join(f'"{token(str(v))}"' for v in values) + ")"


def access_terms(user) -> tuple[str, str | None] | None:
    """(hidden treatments, where restricted decisions may be read) for the user as FTS5
    expressions; None for an administrator, who sees everything. The mirror image of the
    permission filters."""
    if is_admin(user):
        return None
    hidden = any_of("meeting_status", [s for s in MEETING_STATUSES if s not in PUBLISHED_STATUSES])
    readers = body_ids_with(user, READER_ROLES)
    secretariat = body_ids_with(user, {"sekretariat"})
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
        hidden = f"({hidden}) NOT ({' OR '.join(see_treatment)})"
    return hidden, " OR ".join(see_decision) or None


class Fts5Search:
    """One search on SQLite; see query.search_page for what each method is for."""

    def __init__(self, session: Session, user, query: Query, filters: dict, follow_up):
        self.session = session
        words = query.fts5()
        terms = [any_of(name, [value]) for name, value in filters.items()]

        def matching(*parts: str) -> str:
            return " AND ".join([*parts, *terms])

        access = access_terms(user)
        # Where the reader may look for the words (but see restricted below).
        anywhere = f"({words})" if access is None else f"({PUBLIC} : ({words}))"
        #: Ranks the other matches (restricted decisions weigh nothing for the public).
        self.rank = matching(anywhere)
        # Title matches: in the titles table, where they are also ranked; unless a -word
        # must be absent from the whole document (then in the big table's title column).
        self.titles_table = SQLITE_TABLE if query.negated else SQLITE_TITLES
        self.title_rank = in_title = matching(f"({words})")
        if query.negated:
            in_title = matching(anywhere, f"({{title}} : ({words}))")
        self.visible, self.visible_titles = self.rank, in_title
        if access is not None:
            hidden, restricted = access
            visible = f"({self.rank})"
            if restricted:  # decisions the reader may read although not everyone may yet
                visible = f"{visible} OR ({matching(f'({words})', f'({restricted})')})"
            self.visible = f"({visible}) NOT ({hidden})"
            self.visible_titles = f"({in_title}) NOT ({hidden})"
        self.follow_up = follow_up
        #: Treatments left out whole (members-only bodies, held-back content), in SQL.
        self.excluded = excluded_treatments(user)

    def _run(self, sql: str, params: tuple):
        """Plain SQL on the session's connection: these few statements run on every search,
        and building and compiling SQLAlchemy statements for them costs more than SQLite."""
        return self.session.connection().exec_driver_sql(sql, params)

    def _newest(self, name: str, expr: str, need: int) -> list[int]:
        if self.follow_up is not None or self.excluded is not None:
            # The follow-up filter is a subquery on the row's treatment, and so is what is
            # left out: SQLAlchemy writes them.
            rowid = table(name, column("rowid")).c.rowid
            where = [text(f"{name} MATCH :expr").bindparams(expr=expr)]
            if self.follow_up is not None:
                where.append(swap_columns(self.follow_up, {("treatments", "id"): rowid}, name))
            if self.excluded is not None:
                where.append(rowid.not_in(self.excluded))
            stmt = select(rowid).where(*where).order_by(rowid.desc()).limit(need)
            return list(self.session.scalars(stmt))
        sql = f"SELECT rowid FROM {name} WHERE {name} MATCH ? ORDER BY rowid DESC LIMIT ?"
        return [rowid for (rowid,) in self._run(sql, (expr, need))]

    def _scores(self, name: str, expr: str, ids: list[int]) -> dict[int, float]:
        """bm25 (higher is better) of the ids, in one pass over their rowid range (newest
        first: FTS5 computes bm25 several times faster that way)."""
        if not ids:
            return {}
        wanted = set(ids)
        sql = (
            f"SELECT rowid, {BM25[name]} FROM {name}"
            f" WHERE {name} MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid DESC"
        )
        rows = self._run(sql, (expr, min(ids), max(ids)))
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
        scores = self._scores(SQLITE_TITLES, self.title_rank, ids[:ranked])
        return [(i, scores.get(i)) for i in ids]

    def scores(self, ids: list[int]) -> dict[int, float]:
        """Scores of these visible matches that are not title matches."""
        return self._scores(SQLITE_TABLE, self.rank, ids)
