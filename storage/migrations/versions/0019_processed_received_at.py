"""processedevent.received_at indexed: keys older than any retry or replay are forgotten by the tick

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 19:30:00
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_processedevent_received_at", "processedevent", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_processedevent_received_at", table_name="processedevent")
