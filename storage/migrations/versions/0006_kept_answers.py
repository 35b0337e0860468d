"""processedevent.answer: a command's answer is saved with its work until it has been posted

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processedevent") as batch:
        batch.add_column(sa.Column("answer", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("processedevent") as batch:
        batch.drop_column("answer")
