"""The schema only changes through migrations, and they match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kb.db import metadata
from kb.migrate import downgrade, upgrade


def test_upgrade_head_leaves_no_autogenerate_diff(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_every_table_exists_after_upgrade(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables


def test_downgrade_base_then_upgrade_again(engine):
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert "claim" in inspect(engine).get_table_names()
