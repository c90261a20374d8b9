"""The language of a body's documents: bokmål (nb) or nynorsk (nn)

Revision ID: 0025_document_language
Revises: 0024_forfall_answers
Create Date: 2026-12-07 20:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025_document_language"
down_revision = "0024_forfall_answers"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("document_language", sa.String(length=2), server_default="nb", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_bodies_document_language"), "document_language IN ('nb', 'nn')"
        )


def downgrade():
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_bodies_document_language"), type_="check")
        batch_op.drop_column("document_language")
