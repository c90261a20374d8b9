"""Full-text search index over treatments, filled from the existing data

Revision ID: 0009_search
Revises: 0008_followups_api_tokens
Create Date: 2026-11-23 19:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_search'
down_revision = '0008_followups_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    # The index is dialect-specific (FTS5 on SQLite, tsvector + GIN on PostgreSQL) and
    # outside the ORM metadata; the search package creates it and fills it from the data.
    from govern.search.index import create_search_schema, rebuild_index

    conn = op.get_bind()
    create_search_schema(conn)
    rebuild_index(conn)


def downgrade():
    from govern.search.index import drop_search_schema

    drop_search_schema(op.get_bind())
