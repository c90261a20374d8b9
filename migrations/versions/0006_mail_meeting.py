"""Outgoing mail remembers the meeting it is about, so the secretariat can see what was sent

Revision ID: 0006_mail_meeting
Revises: 0005_calendar_mail
Create Date: 2026-11-23 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_mail_meeting'
down_revision = '0005_calendar_mail'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outgoing_mail_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_outgoing_mail_meeting_id_meetings'), 'meetings', ['meeting_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outgoing_mail_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_meeting_id'))
        batch_op.drop_column('meeting_id')
