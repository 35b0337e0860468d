"""exclusive_lease: one writer at a time for a release's checklist and set-up, across processes on SQLite too

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exclusive_lease",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "number"),
    )


def downgrade() -> None:
    op.drop_table("exclusive_lease")
