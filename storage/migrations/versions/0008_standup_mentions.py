"""person.standup_mentions: whether standups mention the person or only name them (``/release notify``)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 20:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("standup_mentions", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("standup_mentions")
