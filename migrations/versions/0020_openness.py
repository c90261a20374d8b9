"""Openness and confidentiality (offentleglova): legal bases, exempt cases and Vedlegg, closed
items and members-only bodies

Revision ID: 0020_openness
Revises: 0019_stored_files
Create Date: 2026-12-07 16:30:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0020_openness"
down_revision = "0019_stored_files"
branch_labels = None
depends_on = None

#: The bases a new installation starts with (as govern.models.openness.DEFAULT_BASES then).
BASES = (
    "Offl. § 13 jf. fvl. § 13 første ledd nr. 1",
    "Offl. § 13 jf. fvl. § 13 første ledd nr. 2",
    "Offl. § 14",
    "Offl. § 15 første ledd",
    "Offl. § 20 første ledd bokstav c",
    "Offl. § 23 første ledd",
    "Offl. § 24 andre ledd",
    "Offl. § 26 første ledd bokstav a",
)


def upgrade():
    bases = op.create_table(
        "exemption_bases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption_bases")),
        sa.UniqueConstraint("text", name=op.f("uq_exemption_bases_text")),
    )
    op.bulk_insert(
        bases, [{"text": text, "active": True, "position": i} for i, text in enumerate(BASES)]
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exempt_basis", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("public_title", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("exempt_until", sa.Date(), nullable=True))
    with op.batch_alter_table("treatments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_basis", sa.String(length=300), nullable=True))
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exempt_basis", sa.String(length=300), nullable=True))
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("members_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_column("members_only")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("exempt_basis")
    with op.batch_alter_table("treatments", schema=None) as batch_op:
        batch_op.drop_column("closed_basis")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("exempt_until")
        batch_op.drop_column("public_title")
        batch_op.drop_column("exempt_basis")
    op.drop_table("exemption_bases")
