"""Uploaded files in the database: content by SHA-256, in chunks

Revision ID: 0019_stored_files
Revises: 0018_archive_packages
Create Date: 2026-12-07 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_stored_files"
down_revision = "0018_archive_packages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_stored_files")),
    )
    op.create_table(
        "stored_file_chunks",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["stored_files.sha256"],
            name=op.f("fk_stored_file_chunks_sha256_stored_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sha256", "number", name=op.f("pk_stored_file_chunks")),
    )


def downgrade():
    op.drop_table("stored_file_chunks")
    op.drop_table("stored_files")
