"""workspace.weekly_load_limit: deliverables one person may have due in a week before the week is flagged

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 01:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("weekly_load_limit", sa.Integer(), nullable=False, server_default="6"))


def downgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("weekly_load_limit")
