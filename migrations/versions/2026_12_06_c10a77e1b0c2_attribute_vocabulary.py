"""attribute synonyms and status: an open vocabulary that ingestion can propose to

Revision ID: c10a77e1b0c2
Revises: b11a5e55f0a1
Create Date: 2026-12-06 08:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c10a77e1b0c2"
down_revision = "b11a5e55f0a1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch rebuild of `attribute` on SQLite would trip the claims' foreign keys.
    op.add_column("attribute", sa.Column("synonyms", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("attribute", sa.Column("status", sa.String(length=12), nullable=False,
                                         server_default="accepted"))


def downgrade() -> None:
    op.drop_column("attribute", "status")
    op.drop_column("attribute", "synonyms")
