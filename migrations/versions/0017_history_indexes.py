"""Indexes on meeting days' dates and treatments' decision dates, for the register's newest
decisions without reading every year

Revision ID: 0017_history_indexes
Revises: 0015_sessions_login_limiter
Create Date: 2026-12-07 14:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017_history_indexes'
down_revision = '0015_sessions_login_limiter'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_meeting_days_date'), 'meeting_days', ['date'], unique=False)
    op.create_index(op.f('ix_treatments_decided_on'), 'treatments', ['decided_on'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_treatments_decided_on'), table_name='treatments')
    op.drop_index(op.f('ix_meeting_days_date'), table_name='meeting_days')
