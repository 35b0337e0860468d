"""label_playbook: a label's own versioned copies of playbooks, tuned from its releases' history

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 01:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "label_playbook",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("min_lead_days", sa.Integer(), nullable=False),
        sa.Column("deliverables", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "name", "version"),
    )


def downgrade() -> None:
    op.drop_table("label_playbook")
