"""Rewrite a WHERE clause written over the models onto the search index's own columns."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.sql.util import find_tables
from sqlalchemy.sql.visitors import replacement_traverse

#: Tables a rewritten clause may still read (in its own subqueries).
SUBQUERY_TABLES = frozenset({"follow_ups"})


def swap_columns(clause, columns: dict[tuple[str, str], ColumnElement], index_table: str):
    """The clause with each (table, column) in `columns` replaced by its index column.

    Raises ValueError if the clause reads another column of those tables: the query would
    silently join them back in (or worse, multiply the rows), so a new column in the
    permission filters must be added to the index first.
    """

    def replace(element):
        table = getattr(element, "table", None)
        name = getattr(element, "name", None)
        if table is not None and name is not None and hasattr(table, "name"):
            return columns.get((table.name, name))
        return None

    swapped = replacement_traverse(clause, {}, replace)
    stray = {t.name for t in find_tables(swapped, include_aliases=True) if hasattr(t, "name")}
    stray -= SUBQUERY_TABLES | {index_table}
    if stray:
        raise ValueError(f"search clause still reads {sorted(stray)}")
    return swapped
