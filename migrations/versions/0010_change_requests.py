"""Product areas, releases, budgets and change requests of the endringsråd

Revision ID: 0010_change_requests
Revises: 0009_search
Create Date: 2026-11-23 19:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_change_requests'
down_revision = '0009_search'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
