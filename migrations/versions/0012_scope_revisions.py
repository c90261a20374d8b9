"""Revisions per scope (a body, the shared cycles, a person), so a feed outlives writes elsewhere

Revision ID: 0012_scope_revisions
Revises: 0011_prioritisation
Create Date: 2026-11-23 20:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_scope_revisions'
down_revision = '0011_prioritisation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scope_revisions',
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_scope_revisions'))
    )
    # Everything written so far counts for every scope.
    op.execute(
        "INSERT INTO scope_revisions (scope, value) "
        "SELECT 'all', value FROM data_revision WHERE id = 1"
    )


def downgrade():
    op.drop_table('scope_revisions')
