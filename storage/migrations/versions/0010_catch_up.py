"""release.planned_on and release.catch_up: the day its dates were last planned, and the catch-up plan offered

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 01:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("release") as batch:
        batch.add_column(sa.Column("planned_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("catch_up", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("release") as batch:
        batch.drop_column("catch_up")
        batch.drop_column("planned_on")
