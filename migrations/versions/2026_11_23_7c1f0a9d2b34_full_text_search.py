"""full-text search index

The index lives outside the models: FTS5 tables kept in sync by triggers on SQLite, a generated
tsvector column with a GIN index on PostgreSQL. kb.search.schema builds both; its `install` only
creates what is missing, so this revision is safe on a database that already has the index.

Revision ID: 7c1f0a9d2b34
Revises: 2310d7e016c0
Create Date: 2026-11-23 09:10:00
"""
from alembic import op

from kb.search.schema import drop, install

revision = "7c1f0a9d2b34"
down_revision = "2310d7e016c0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    install(op.get_bind())


def downgrade() -> None:
    drop(op.get_bind())
