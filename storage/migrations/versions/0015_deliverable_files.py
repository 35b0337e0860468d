"""deliverable_file: the Slack files shared for a deliverable and how they checked against its specification

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 19:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliverable_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("release_id", sa.Integer(), sa.ForeignKey("release.id"), nullable=False),
        sa.Column("deliverable_id", sa.Integer(), sa.ForeignKey("deliverable.id"), nullable=False),
        sa.Column("file_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("shared_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("spec", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.UniqueConstraint("deliverable_id", "file_id"),
    )
    op.create_index("ix_deliverable_file_release", "deliverable_file", ["team_id", "release_id"])
    op.create_index("ix_deliverable_file_deliverable_id", "deliverable_file", ["deliverable_id"])


def downgrade() -> None:
    op.drop_index("ix_deliverable_file_deliverable_id", table_name="deliverable_file")
    op.drop_index("ix_deliverable_file_release", table_name="deliverable_file")
    op.drop_table("deliverable_file")
