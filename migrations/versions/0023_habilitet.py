"""Habilitet (recusals per case), quorum rules of bodies, and the draft minutes sent to the
members for comments (sendings and comments)

Revision ID: 0023_habilitet
Revises: 0022_case_submissions
Create Date: 2026-12-07 19:30:15.048032

"""

import sqlalchemy as sa
from alembic import op

from govern.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0023_habilitet"
down_revision = "0022_case_submissions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "minutes_sendings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('merknader', 'endelig')", name=op.f("ck_minutes_sendings_kind")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_minutes_sendings_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_minutes_sendings_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_sendings")),
        sa.UniqueConstraint(
            "meeting_id", "number", name=op.f("uq_minutes_sendings_meeting_id_number")
        ),
    )
    with op.batch_alter_table("minutes_sendings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_minutes_sendings_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "minutes_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sending_id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("answer", sa.Text(), server_default="", nullable=False),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('ny', 'tatt inn', 'besvart')", name=op.f("ck_minutes_comments_status")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_minutes_comments_answered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_minutes_comments_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sending_id"],
            ["minutes_sendings.id"],
            name=op.f("fk_minutes_comments_sending_id_minutes_sendings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatments.id"],
            name=op.f("fk_minutes_comments_treatment_id_treatments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_comments")),
    )
    with op.batch_alter_table("minutes_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_minutes_comments_sending_id"), ["sending_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_minutes_comments_treatment_id"), ["treatment_id"], unique=False
        )

    op.create_table(
        "recusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("basis", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("declared_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "status IN ('meldt', 'inhabil', 'habil')", name=op.f("ck_recusals_status")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_recusals_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["declared_by_id"],
            ["users.id"],
            name=op.f("fk_recusals_declared_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_recusals_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatments.id"],
            name=op.f("fk_recusals_treatment_id_treatments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recusals")),
        sa.UniqueConstraint(
            "treatment_id", "person_id", name=op.f("uq_recusals_treatment_id_person_id")
        ),
    )
    with op.batch_alter_table("recusals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recusals_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_recusals_treatment_id"), ["treatment_id"], unique=False
        )

    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("quorum_rule", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("recusal_withholds", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_bodies_quorum_rule"), "quorum_rule IN ('', 'over_half', 'half', 'two_thirds')"
        )
    # Bodies that decide get the usual rule: more than half of the members with voting right.
    op.execute(
        "UPDATE bodies SET quorum_rule = 'over_half' WHERE kind IN ('produktråd', 'endringsråd')"
    )


def downgrade():
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_bodies_quorum_rule"), type_="check")
        batch_op.drop_column("recusal_withholds")
        batch_op.drop_column("quorum_rule")

    with op.batch_alter_table("recusals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recusals_treatment_id"))
        batch_op.drop_index(batch_op.f("ix_recusals_person_id"))

    op.drop_table("recusals")
    with op.batch_alter_table("minutes_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_comments_treatment_id"))
        batch_op.drop_index(batch_op.f("ix_minutes_comments_sending_id"))

    op.drop_table("minutes_comments")
    with op.batch_alter_table("minutes_sendings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_sendings_meeting_id"))

    op.drop_table("minutes_sendings")
