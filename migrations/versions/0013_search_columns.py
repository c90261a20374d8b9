"""The search index carries the filter and visibility values (body, year, sakstype, meeting state)

Revision ID: 0013_search_columns
Revises: 0012_scope_revisions
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013_search_columns'
down_revision = '0012_scope_revisions'
branch_labels = None
depends_on = None

#: 0009's index, for the way down: the text columns only.
_SQLITE_0009 = (
    "CREATE VIRTUAL TABLE {name} USING fts5("
    "title, decision, rest, tokenize = 'unicode61 remove_diacritics 0')"
)
_PG_ADDED_INDEXES = ("title", "body_id", "year", "sakstype")
_PG_ADDED_COLUMNS = (
    "title_document", "body_id", "year", "sakstype", "meeting_id", "meeting_status",
    "minutes_status", "agenda_shared",
)


def upgrade():
    # As in 0009, the search package owns the index (dialect-specific, outside the models):
    # built anew in its current shape and filled from the data.
    from govern.search.index import create_search_schema, drop_search_schema, rebuild_index

    conn = op.get_bind()
    drop_search_schema(conn)
    create_search_schema(conn)
    rebuild_index(conn)


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        # FTS5 tables cannot drop columns: copy the text (already stemmed) into 0009's shape.
        conn.exec_driver_sql(_SQLITE_0009.format(name="search_index_0009"))
        conn.exec_driver_sql(
            "INSERT INTO search_index_0009 (rowid, title, decision, rest)"
            " SELECT rowid, title, trim(decision || ' ' || restricted), rest FROM search_index"
        )
        conn.exec_driver_sql("DROP TABLE search_index")
        conn.exec_driver_sql("ALTER TABLE search_index_0009 RENAME TO search_index")
        conn.exec_driver_sql("DROP TABLE IF EXISTS search_index_titles")
        return
    for name in _PG_ADDED_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS ix_search_documents_{name}")
    conn.exec_driver_sql(
        "ALTER TABLE search_documents "
        + ", ".join(f"DROP COLUMN IF EXISTS {c}" for c in _PG_ADDED_COLUMNS)
    )
