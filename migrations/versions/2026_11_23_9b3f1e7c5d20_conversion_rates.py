"""dated conversion rates between currencies

Revision ID: 9b3f1e7c5d20
Revises: 4e8b6c2d9a15
Create Date: 2026-11-23 11:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "9b3f1e7c5d20"
down_revision = "4e8b6c2d9a15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversionrate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("dated", sa.Date(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rate > 0", name=op.f("ck_conversionrate_rate_positive")),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_conversionrate_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversionrate")),
        sa.UniqueConstraint("currency", "dated", name=op.f("uq_conversionrate_currency_dated")),
    )
    with op.batch_alter_table("conversionrate") as batch_op:
        batch_op.create_index(batch_op.f("ix_conversionrate_currency"), ["currency"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conversionrate") as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversionrate_currency"))
    op.drop_table("conversionrate")
