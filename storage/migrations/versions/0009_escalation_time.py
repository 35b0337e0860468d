"""workspace.escalation_time: when the label heads' daily escalation digest goes out

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 01:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("escalation_time", sa.String(length=5), nullable=False, server_default="10:00"))


def downgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("escalation_time")
