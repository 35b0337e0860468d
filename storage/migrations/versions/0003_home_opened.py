"""person.home_opened_at: only the Home tabs people have opened are republished when their work changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 13:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("home_opened_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("home_opened_at")
