"""absence: who is away when, and who covers for them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 19:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("cover_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("set_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_absence_team_ends", "absence", ["team_id", "ends_on"])


def downgrade() -> None:
    op.drop_index("ix_absence_team_ends", table_name="absence")
    op.drop_table("absence")
