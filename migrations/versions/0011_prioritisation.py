"""Prioritisation rounds: measures, gates, questions and scores

Revision ID: 0011_prioritisation
Revises: 0010_change_requests
Create Date: 2026-11-23 19:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_prioritisation'
down_revision = '0010_change_requests'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
