"""The search on PostgreSQL: `search_documents`, filtered and hidden by its own columns.

The permission filters (permissions.visible_treatment_filter, visible_decision_filter) and
the register's follow-up filter are reused as they are, rewritten onto the index's columns.

Matches are taken newest first in windows of treatment ids, each sized from how dense the
matches were in the window before (`_walk`). One `ORDER BY treatment_id DESC LIMIT n`
leaves the planner to guess between reading the primary key backwards (fast for a common
word, very slow for a rare one or for a year far back) and the GIN index (the reverse);
its guesses assume matches are spread evenly over the ids, which a year filter or a word
that went out of use breaks. A window caps what a wrong guess costs.
"""

from __future__ import annotations

from sqlalchemy import (
    ARRAY,
    Boolean,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy import table as sql_table
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session

from govern.permissions import visible_decision_filter, visible_treatment_filter
from govern.search.clauses import swap_columns
from govern.search.index import PG_TABLE
from govern.search.text import Query

DOCS = sql_table(
    PG_TABLE,
    column("treatment_id", Integer),
    column("document", TSVECTOR),
    column("title_document", TSVECTOR),
    column("body_id", Integer),
    column("year", Integer),
    column("sakstype", String),
    column("meeting_id", Integer),
    column("meeting_status", String),
    column("minutes_status", String),
    column("agenda_shared", Boolean),
)
_key = DOCS.c.treatment_id
#: The models' columns and where the index keeps them (a meeting's treatments are in its body).
COLUMNS = {
    ("treatments", "id"): _key,
    ("treatments", "meeting_id"): DOCS.c.meeting_id,
    ("treatments", "body_id"): DOCS.c.body_id,
    ("meetings", "body_id"): DOCS.c.body_id,
    ("meetings", "status"): DOCS.c.meeting_status,
    ("meetings", "minutes_status"): DOCS.c.minutes_status,
    ("meetings", "agenda_shared"): DOCS.c.agenda_shared,
}
#: Planner settings for the search's statements, restored by close(). psycopg prepares a
#: statement run five times, and PostgreSQL may then plan it once for any words: a plan good
#: for a rare word is a disaster for a common one. Without plain index scans every plan reads
#: a whole window (a bitmap scan, then a sort): the planner compares pages read instead of
#: betting that reading the primary key backwards will soon find enough matches, a bet it
#: makes because it counts checking a tsvector as almost free.
_PLANNING = {"plan_cache_mode": "force_custom_plan", "enable_indexscan": "off"}


def _settings(values: dict[str, str]) -> list:
    """Columns that set these planner settings for the transaction (and say what they were)."""
    columns = []
    for name, value in values.items():
        columns += [func.current_setting(name), func.set_config(name, value, True)]
    return columns


#: The first window holds this many times the matches wanted; later ones grow at most this
#: much each time.
FIRST_WINDOW, GROWTH = 2, 8
_CONFIG = literal_column("'norwegian'::regconfig")


def tsquery(query: Query):
    """The query as a tsquery: websearch_to_tsquery, and the word being typed as a prefix."""
    tsq = func.websearch_to_tsquery(_CONFIG, query.websearch())
    if query.prefix_word is not None:
        prefix = func.to_tsquery(_CONFIG, query.prefix_word + ":*")
        tsq = prefix if not query.websearch().strip() else tsq.op("&&")(prefix)
    return tsq


def on_index(clause):
    """A clause over Treatment and Meeting rewritten onto the index's columns."""
    return swap_columns(clause, COLUMNS, PG_TABLE)


class PgSearch:
    """One search on PostgreSQL; see query.search_page for what each method is for."""

    def __init__(self, session: Session, user, query: Query, filters: dict, follow_up):
        self.session = session
        self.tsq = tsquery(query)
        #: Equality filters, which bound the walk (each has an index with treatment_id).
        self.facets = [DOCS.c[name] == value for name, value in filters.items()]
        self.filters = list(self.facets)
        if follow_up is not None:
            self.filters.append(on_index(follow_up))
        matches = DOCS.c.document.op("@@")(self.tsq)
        in_title = DOCS.c.title_document.op("@@")(self.tsq)
        visible = on_index(visible_treatment_filter(user))
        # A decision the reader may not see must not be what matched (title A, rest C).
        public = func.ts_filter(DOCS.c.document, literal_column("'{a,c}'::\"char\"[]"))
        decision = or_(on_index(visible_decision_filter(user)), public.op("@@")(self.tsq))
        self.visible = and_(matches, visible, decision, *self.filters)
        # A title match is a match, unless a -word is elsewhere in the document.
        whole = [matches] if query.negated else []
        self.visible_titles = and_(in_title, *whole, visible, *self.filters)
        self.rank = func.ts_rank_cd(DOCS.c.document, self.tsq)
        self.title_rank = func.ts_rank_cd(DOCS.c.title_document, self.tsq)
        # The range of ids the walk covers, and the planner settings in the same round trip
        # (the aggregate is planned before they change: it reads an index only).
        bounds = select(func.min(_key), func.max(_key), *_settings(_PLANNING)).where(*self.facets)
        self._low, self._high, *previous = session.execute(bounds).one()
        self._previous = dict(zip(_PLANNING, previous[::2], strict=True))

    def _walk(self, where, need: int, *columns) -> list:
        """The newest `need` rows (id, *columns) matching `where`, newest first, window by
        window."""
        if need <= 0 or self._high is None:
            return []
        found: list = []
        size, high = FIRST_WINDOW * need, self._high + 1
        while len(found) < need:
            start = high - size
            window = [_key < high] + ([_key >= start] if start > self._low else [])
            rows = self.session.execute(
                select(_key, *columns)
                .where(where, *window)
                .order_by(_key.desc())
                .limit(need - len(found))
            ).all()
            found += rows
            if start <= self._low:
                break
            # Size the next window for the matches still wanted at this window's density.
            wanted = (need - len(found)) * size / max(len(rows), 1)
            size, high = int(min(wanted * 1.5, size * GROWTH)) + 1, start
        return found

    def close(self) -> None:
        """Give the transaction its planner settings back."""
        self.session.execute(select(*_settings(self._previous)))

    def newest(self, need: int) -> list[int]:
        """Ids of the newest `need` visible matches, newest first."""
        return [row[0] for row in self._walk(self.visible, need)]

    def titles(self, need: int, ranked: int) -> list[tuple[int, float | None]]:
        """The newest `need` visible title matches, newest first, the first `ranked` scored."""
        # A title is short: ranking every title match found costs less than reading them again.
        rows = self._walk(self.visible_titles, need, self.title_rank)
        return [(i, score if n < ranked else None) for n, (i, score) in enumerate(rows)]

    def scores(self, ids: list[int]) -> dict[int, float]:
        """Scores of these visible matches that are not title matches."""
        if not ids:
            return {}
        listed = bindparam("ids", ids, type_=ARRAY(Integer))
        rows = self.session.execute(select(_key, self.rank).where(_key == any_(listed)))
        return {i: score for i, score in rows}
