"""installations: slack_sdk's installation store tables, and when a workspace uninstalled the app

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 13:30:00
"""

import sqlalchemy as sa
from alembic import op
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _store_tables() -> sa.MetaData:
    """The tables exactly as slack_sdk's SQLAlchemyInstallationStore defines them (its default names)."""
    metadata = sa.MetaData()
    SQLAlchemyInstallationStore.build_bots_table(metadata, SQLAlchemyInstallationStore.default_bots_table_name)
    SQLAlchemyInstallationStore.build_installations_table(
        metadata, SQLAlchemyInstallationStore.default_installations_table_name
    )
    return metadata


def upgrade() -> None:
    _store_tables().create_all(op.get_bind(), checkfirst=True)
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("uninstalled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("uninstalled_at")
    _store_tables().drop_all(op.get_bind(), checkfirst=True)
