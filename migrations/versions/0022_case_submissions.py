"""Submitted cases (innmelding av saker), their files, and the last visit of Mine møter

Revision ID: 0022_case_submissions
Revises: 0021_deadline_actions
Create Date: 2026-12-07 19:29:33.438770

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_case_submissions"
down_revision = "0021_deadline_actions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "page_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=40), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_page_visits_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "page", name=op.f("pk_page_visits")),
    )
    op.create_table(
        "case_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("submitter_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("sakstype", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("proposed_decision", sa.Text(), nullable=False),
        sa.Column("wanted_meeting_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("treatment_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "sakstype IN ('Godkjenning', 'Orientering', 'Drøfting', 'Anbefaling', 'Beslutning', 'Eventuelt')",
            name=op.f("ck_case_submissions_sakstype"),
        ),
        sa.CheckConstraint(
            "status IN ('innmeldt', 'akseptert', 'avvist')", name=op.f("ck_case_submissions_status")
        ),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
            name=op.f("fk_case_submissions_body_id_bodies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["people.id"],
            name=op.f("fk_case_submissions_decided_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitter_id"],
            ["people.id"],
            name=op.f("fk_case_submissions_submitter_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatments.id"],
            name=op.f("fk_case_submissions_treatment_id_treatments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["wanted_meeting_id"],
            ["meetings.id"],
            name=op.f("fk_case_submissions_wanted_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_submissions")),
    )
    with op.batch_alter_table("case_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_submissions_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_submissions_status"), ["status"], unique=False)

    op.create_table(
        "submission_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["case_submissions.id"],
            name=op.f("fk_submission_files_submission_id_case_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_files")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_submission_files_stored_name")),
    )
    with op.batch_alter_table("submission_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submission_files_submission_id"), ["submission_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("submission_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_files_submission_id"))

    op.drop_table("submission_files")
    with op.batch_alter_table("case_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_submissions_status"))
        batch_op.drop_index(batch_op.f("ix_case_submissions_body_id"))

    op.drop_table("case_submissions")
    op.drop_table("page_visits")
