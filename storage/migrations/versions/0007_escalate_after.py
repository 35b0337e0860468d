"""workspace.escalate_after: working days from a deliverable's overdue notice to its escalation

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 20:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("escalate_after", sa.Integer(), nullable=False, server_default="2"))


def downgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("escalate_after")
