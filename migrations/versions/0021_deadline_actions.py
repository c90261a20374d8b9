"""Årshjul deadlines completed by what the secretariat does: cycle_entries.completed_by

Revision ID: 0021_deadline_actions
Revises: 0020_openness
Create Date: 2026-12-07 20:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_deadline_actions"
down_revision = "0020_openness"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cycle_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completed_by", sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(
            "completed_by",
            "completed_by IS NULL OR completed_by IN "
            "('innkalling', 'toppnotater', 'referat_sendt', 'referat_godkjent')",
        )


def downgrade():
    with op.batch_alter_table("cycle_entries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_cycle_entries_completed_by"), type_="check")
        batch_op.drop_column("completed_by")
