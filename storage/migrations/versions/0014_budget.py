"""release_budget and budget_spend: a release's planned spend and the costs recorded against it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 02:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "release_budget",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("release_id", sa.Integer(), sa.ForeignKey("release.id"), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("set_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("told_90_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("told_100_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("release_id"),
    )
    op.create_table(
        "budget_spend",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("release_id", sa.Integer(), sa.ForeignKey("release.id"), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("bucket", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("spent_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("spent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_budget_spend_release", "budget_spend", ["release_id"])


def downgrade() -> None:
    op.drop_index("ix_budget_spend_release", table_name="budget_spend")
    op.drop_table("budget_spend")
    op.drop_table("release_budget")
