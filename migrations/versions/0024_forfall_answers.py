"""Forfall with the vara called in, and answers to the invitation per day

Revision ID: 0024_forfall_answers
Revises: 0023_habilitet
Create Date: 2026-12-07 19:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_forfall_answers"
down_revision = "0023_habilitet"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("substitute_id", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "substitute_id IS NULL OR substitute_id <> person_id",
            name=op.f("ck_absences_not_own_substitute"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"],
            name=op.f("fk_absences_meeting_id_meetings"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"],
            name=op.f("fk_absences_person_id_people"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["substitute_id"], ["people.id"],
            name=op.f("fk_absences_substitute_id_people"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
        sa.UniqueConstraint(
            "meeting_id", "person_id", name=op.f("uq_absences_meeting_id_person_id")
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_absences_meeting_id"), "absences", ["meeting_id"], unique=False)
    op.create_table(
        "meeting_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "answer IN ('ACCEPTED', 'DECLINED', 'TENTATIVE')",
            name=op.f("ck_meeting_answers_answer"),
        ),
        sa.CheckConstraint(
            "source IN ('lenke', 'kalender', 'forfall')", name=op.f("ck_meeting_answers_source")
        ),
        sa.ForeignKeyConstraint(
            ["day_id"], ["meeting_days.id"],
            name=op.f("fk_meeting_answers_day_id_meeting_days"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"],
            name=op.f("fk_meeting_answers_meeting_id_meetings"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"],
            name=op.f("fk_meeting_answers_person_id_people"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_answers")),
        sa.UniqueConstraint(
            "day_id", "person_id", name=op.f("uq_meeting_answers_day_id_person_id")
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_meeting_answers_meeting_id"), "meeting_answers", ["meeting_id"], unique=False
    )
    op.create_index(
        op.f("ix_meeting_answers_person_id"), "meeting_answers", ["person_id"], unique=False
    )


def downgrade():
    op.drop_table("meeting_answers")
    op.drop_table("absences")
