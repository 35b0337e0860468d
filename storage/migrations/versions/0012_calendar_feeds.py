"""calendar_feed: the hashed tokens of the calendar feeds' secret links (``/release calendar``)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 01:31:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_calendar_feed_team_user_kind", "calendar_feed", ["team_id", "user_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_calendar_feed_team_user_kind", table_name="calendar_feed")
    op.drop_table("calendar_feed")
