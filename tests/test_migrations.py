"""The schema only changes through migrations, and they match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kb.db import metadata
from kb.migrate import downgrade, upgrade
from kb.search.schema import is_search_object


def test_upgrade_head_leaves_no_autogenerate_diff(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": lambda name, *_: not is_search_object(name),
        })
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
