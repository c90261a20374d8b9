"""Full-text search index (filled in with the search)

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
    pass


def downgrade():
    pass
