"""channel_member and release.members_synced_at: changing a deliverable is for the people in its channel;
workspace.set_up_from: a workspace starts from its first user's timezone and country

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 19:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("set_up_from", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    with op.batch_alter_table("release") as batch:
        batch.add_column(sa.Column("members_synced_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "channelmember",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "channel_id", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("channelmember")
    with op.batch_alter_table("release") as batch:
        batch.drop_column("members_synced_at")
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("set_up_from")
