"""Approval follows the approving meeting: the body's rule, and a postponed approval

Revision ID: 0014_minutes_approval
Revises: 0013_search_columns
Create Date: 2026-12-07 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_minutes_approval'
down_revision = '0013_search_columns'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('minutes_approved_when', sa.String(length=20), server_default='held', nullable=False)
        )
        batch_op.create_check_constraint(
            'minutes_approved_when', "minutes_approved_when IN ('held', 'minutes_sent')"
        )

    with op.batch_alter_table('treatments', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('minutes_postponed', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('treatments', schema=None) as batch_op:
        batch_op.drop_column('minutes_postponed')

    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_bodies_minutes_approved_when'), type_='check')
        batch_op.drop_column('minutes_approved_when')
