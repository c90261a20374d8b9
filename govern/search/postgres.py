"""The search on PostgreSQL: `search_documents`, filtered and hidden by its own columns.

The permission filters (policy.visible_treatment_filter, visible_decision_filter) and
the register's follow-up filter are reused as they are, rewritten onto the index's columns.

Matches are taken newest first in windows of treatment ids, each sized from how dense the
matches were in the window before (`_walk`). One `ORDER BY treatment_id DESC LIMIT n`
leaves the planner to guess between reading the primary key backwards (fast for a common
word, very slow for a rare one or for a year far back) and the GIN index (the reverse);
its guesses assume matches are spread evenly over the ids, which a year filter or a word
that went out of use breaks. A window caps what a wrong guess costs, and once few matches
are expected below it, the rest is read from the GIN index alone.
"""

from __future__ import annotations

import math

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    and_,
    bindparam,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy import table as sql_table
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session

from govern.policy import visible_decision_filter, visible_treatment_filter
from govern.search.clauses import excluded_treatments, swap_columns
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
#: for a rare word is a disaster for a common one. No sequential scans: the GIN index always
#: applies, and PostgreSQL counts checking a tsvector as almost free.
_PLANNING = {"plan_cache_mode": "force_custom_plan", "enable_seqscan": "off"}
#: SQL that sets the planner settings for the transaction, saying what they were.
_SET = ", ".join(
    f"current_setting('{name}'), set_config('{name}', :{name}, true)" for name in _PLANNING
)
_RESET = text(f"SELECT {_SET}")


#: The first window holds this many times the matches wanted; later ones grow at most this
#: much each time; see _next_size for REST.
FIRST_WINDOW, GROWTH, REST = 2, 8, 500
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
        #: Whether the GIN index finds exactly the matches: not for a phrase (it finds the
        #: documents with all its words) nor a -word (it finds those with the others).
        self.exact = not query.negated and all(
            len(term.words) == 1 for group in query.groups for term in group
        )
        #: Equality filters, which bound the walk (each has an index with treatment_id).
        self.facets = [DOCS.c[name] == value for name, value in filters.items()]
        self.filters = list(self.facets)
        if follow_up is not None:
            self.filters.append(on_index(follow_up))
        matches = DOCS.c.document.op("@@")(self.tsq)
        self.in_title = in_title = DOCS.c.title_document.op("@@")(self.tsq)
        visible = on_index(visible_treatment_filter(user))
        # A decision the reader may not see must not be what matched (title A, rest C).
        public = func.ts_filter(DOCS.c.document, literal_column("'{a,c}'::\"char\"[]"))
        decision = or_(on_index(visible_decision_filter(user)), public.op("@@")(self.tsq))
        excluded = excluded_treatments(user)
        if excluded is not None:  # held back whole (not rewritten: a subquery of its own)
            visible = and_(visible, _key.not_in(excluded))
        self.visible = and_(matches, visible, decision, *self.filters)
        # A title match is a match, unless a -word is elsewhere in the document.
        whole = [matches] if query.negated else []
        self.visible_titles = and_(in_title, *whole, visible, *self.filters)
        self.rank = func.ts_rank_cd(DOCS.c.document, self.tsq)
        self.title_rank = func.ts_rank_cd(DOCS.c.title_document, self.tsq)
        # The range of ids the walk covers, and the planner settings in the same round trip
        # (the aggregate is planned before they change).
        where = "".join(f" AND {name} = :{name}" for name in filters)
        bounds = text(
            f"SELECT min(treatment_id), max(treatment_id), {_SET} FROM {PG_TABLE} WHERE true{where}"
        )
        self._low, self._high, *previous = session.execute(bounds, {**filters, **_PLANNING}).one()
        self._previous = dict(zip(_PLANNING, previous[::2], strict=True))

    def _walk(self, where, need: int, *columns, high=None, density=None) -> tuple[list, int | None]:
        """The newest `need` rows (id, *columns) matching `where` below `high`, newest first,
        window by window; and the id below which matches may remain (None: none remain).

        `density` (matches per id) sizes the first window when a walk before has measured it.
        """
        if self._high is None:
            return [], None
        high = self._high + 1 if high is None else high
        if need <= 0:
            return [], high
        found: list = []
        size = self._next_size(need, high, density) if density else FIRST_WINDOW * need
        above, below, limit = bindparam("above"), bindparam("below"), bindparam("limit")
        window = (
            select(_key, *columns)
            .where(where, _key < above, _key >= below)
            .order_by(_key.desc())
            .limit(limit)
        )
        # The rest, expected to hold few matches, comes from the GIN index alone: neither
        # the bound nor the order is the primary key's own (+ 0), or PostgreSQL would read
        # the key backwards, betting on finding enough matches soon.
        unindexed = _key + 0
        rest_of_it = (
            select(_key, *columns)
            .where(where, unindexed < above)
            .order_by(unindexed.desc())
            .limit(limit)
        )
        while True:
            start = high - size
            rest = start <= self._low
            rows = self.session.execute(
                rest_of_it if rest else window,
                {"above": high, "below": start, "limit": need - len(found)},
            ).all()
            found += rows
            if len(found) >= need:
                return found, found[-1][0]
            if rest:
                return found, None
            following = self._next_size(need - len(found), start, max(len(rows), 1) / size)
            size = following if following == math.inf else min(following, size * GROWTH)
            high = start

    def _next_size(self, wanted: int, high: int, density: float) -> float:
        """A window for the matches still wanted at this density; or all the rest, when not
        many more than wanted remain (windows would read it all anyway). The GIN index finds
        exactly the matches of words, so then "not many" is looser; for a phrase or a -word
        it finds every document with the words, which only pays when the windows could not
        stop early."""
        expected = density * (high - self._low)
        if self.exact and expected <= max(REST, 2 * wanted):
            return math.inf
        if expected <= 1.25 * wanted:
            return math.inf
        return wanted / density * 1.5 + 1

    def close(self) -> None:
        """Give the transaction its planner settings back."""
        self.session.execute(_RESET, self._previous)

    def newest(self, need: int) -> list[int]:
        """Ids of the newest `need` visible matches, newest first."""
        # Whether each is a title match, and its rank (as a title, or as a document), come
        # along: ranking a row while it is read costs less than reading it again, and
        # titles() then only looks further back, if at all.
        score = case((self.in_title, self.title_rank), else_=self.rank)
        self._newest, self._rest = self._walk(self.visible, need, self.in_title, score)
        return [row[0] for row in self._newest]

    def titles(self, need: int, ranked: int) -> list[tuple[int, float | None]]:
        """The newest `need` visible title matches, newest first, the first `ranked` scored.
        Call after newest()."""
        rows = [(i, score) for i, in_title, score in self._newest if in_title][:need]
        if len(rows) < need and self._rest is not None:
            covered = self._high + 1 - self._rest
            more, _ = self._walk(
                self.visible_titles,
                need - len(rows),
                self.title_rank,
                high=self._rest,
                density=len(rows) / covered if rows else None,
            )
            rows += more
        return [(i, score if n < ranked else None) for n, (i, score) in enumerate(rows)]

    def scores(self, ids: list[int]) -> dict[int, float]:
        """Scores of these visible matches that are not title matches (from newest())."""
        wanted = set(ids)
        return {i: score for i, in_title, score in self._newest if i in wanted and not in_title}


#: The index's years, one probe of ix_search_documents_year each (instead of reading them all).
_YEARS = text(
    f"""WITH RECURSIVE years(year) AS (
  (SELECT year FROM {PG_TABLE} ORDER BY year DESC LIMIT 1)
  UNION ALL
  SELECT (SELECT d.year FROM {PG_TABLE} d WHERE d.year < years.year
          ORDER BY d.year DESC LIMIT 1)
  FROM years WHERE years.year IS NOT NULL
)
SELECT year FROM years WHERE year IS NOT NULL"""
)


def years(session: Session) -> list[int]:
    """Years that have treatments in the index, newest first."""
    return list(session.scalars(_YEARS))
