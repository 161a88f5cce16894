"""sign-in sessions and failed login attempts, kept in the database

Revision ID: b11a5e55f0a1
Revises: 9b3f1e7c5d20
Create Date: 2026-12-06 08:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b11a5e55f0a1"
down_revision = "9b3f1e7c5d20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loginsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_loginsession_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loginsession")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_loginsession_token_hash")),
    )
    with op.batch_alter_table("loginsession") as batch_op:
        batch_op.create_index(batch_op.f("ix_loginsession_user_id"), ["user_id"], unique=False)
    op.create_table(
        "loginattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loginattempt")),
    )
    with op.batch_alter_table("loginattempt") as batch_op:
        batch_op.create_index(batch_op.f("ix_loginattempt_at"), ["at"], unique=False)
        batch_op.create_index("ix_loginattempt_username_address", ["username", "address"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("loginattempt") as batch_op:
        batch_op.drop_index("ix_loginattempt_username_address")
        batch_op.drop_index(batch_op.f("ix_loginattempt_at"))
    op.drop_table("loginattempt")
    with op.batch_alter_table("loginsession") as batch_op:
        batch_op.drop_index(batch_op.f("ix_loginsession_user_id"))
    op.drop_table("loginsession")
