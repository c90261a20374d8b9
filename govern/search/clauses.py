"""Rewrite a WHERE clause written over the models onto the search index's own columns."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, not_, or_, select
from sqlalchemy.sql.util import find_tables
from sqlalchemy.sql.visitors import replacement_traverse

from govern.models.cases import Case, Treatment
from govern.openness import treatment_content_filter
from govern.policy import body_filter, is_admin

#: Tables a rewritten clause may still read (in its own subqueries): the follow-up filter's,
#: and the members-only bodies of policy.body_filter.
SUBQUERY_TABLES = frozenset({"follow_ups", "bodies"})


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


def excluded_treatments(user):
    """A SELECT of the ids of treatments no search may find for the user (None for an
    administrator): those of members-only bodies they may not read (policy.body_filter),
    and those whose content is held back from them (govern.openness: an exempt case, an
    item treated in a closed session). Such a treatment is left out whole, so no word of
    a hidden title or text, nor a -word, tells anything about it; the index itself holds
    the full texts for the readers who may see them."""
    if is_admin(user):
        return None
    exempt = select(Case.id).where(Case.exempt_basis.is_not(None))
    held = or_(Treatment.closed_basis.is_not(None), Treatment.case_id.in_(exempt))
    return select(Treatment.id).where(
        or_(
            not_(body_filter(user, Treatment.body_id)),
            and_(held, not_(treatment_content_filter(user))),
        )
    )
