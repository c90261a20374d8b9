"""Archive packages (Noark 5 arkivmelding) made of meetings: when, by whom, which minutes

Revision ID: 0018_archive_packages
Revises: 0017_history_indexes
Create Date: 2026-12-07 16:30:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0018_archive_packages"
down_revision = "0017_history_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "archive_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("made_by", sa.String(length=300), nullable=False),
        sa.Column("minutes_revision", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_archive_packages_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_archive_packages_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_packages")),
        sa.UniqueConstraint("meeting_id", "number", name=op.f("uq_archive_packages_meeting_id_number")),
    )
    op.create_index(
        op.f("ix_archive_packages_meeting_id"), "archive_packages", ["meeting_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_archive_packages_meeting_id"), table_name="archive_packages")
    op.drop_table("archive_packages")
