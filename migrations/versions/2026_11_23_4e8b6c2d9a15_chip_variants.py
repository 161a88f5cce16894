"""relation type variant_of: a chip's board variants link to the chip

Epoch lists boards ("NVIDIA H100 PCIe", "NVIDIA H100 SXM5 80GB") whose figures differ from each
other, so each stays its own entity, linked to the chip it is a variant of.

Revision ID: 4e8b6c2d9a15
Revises: 7c1f0a9d2b34
Create Date: 2026-11-23 11:00:00
"""
from alembic import op

revision = "4e8b6c2d9a15"
down_revision = "7c1f0a9d2b34"
branch_labels = None
depends_on = None

BEFORE = ("uses_technique", "introduced_technique", "trained_on_chip", "distilled_from", "successor_of",
          "subsidiary_of", "built_on")
AFTER = BEFORE + ("variant_of",)


def _check(types: tuple[str, ...]) -> str:
    return "type IN ({})".format(", ".join(f"'{t}'" for t in types))


def upgrade() -> None:
    with op.batch_alter_table("relation") as batch_op:
        batch_op.drop_constraint(op.f("ck_relation_type"), type_="check")
        batch_op.create_check_constraint("type", _check(AFTER))


def downgrade() -> None:
    op.execute("DELETE FROM relation WHERE type = 'variant_of'")
    with op.batch_alter_table("relation") as batch_op:
        batch_op.drop_constraint(op.f("ck_relation_type"), type_="check")
        batch_op.create_check_constraint("type", _check(BEFORE))
