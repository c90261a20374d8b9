"""The interface language a person chose: bokmål (nb), nynorsk (nn) or English (en)

Revision ID: 0026_user_language
Revises: 0025_document_language
Create Date: 2026-12-07 23:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026_user_language"
down_revision = "0025_document_language"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_users_language"), "language IN ('nb', 'nn', 'en')"
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_language"), type_="check")
        batch_op.drop_column("language")
