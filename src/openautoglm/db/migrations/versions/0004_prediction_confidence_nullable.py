"""predictions.confidence nullable: a served regression prediction has no confidence

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.alter_column("confidence", existing_type=sa.Float(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.alter_column("confidence", existing_type=sa.Float(), nullable=False)
