"""Alembic environment: the URL comes from kb's settings; SQLite runs in batch mode."""

from alembic import context
from sqlalchemy.engine import Connection

import kb.models  # noqa: F401  (registers every table on the metadata)
from kb.config import get_settings
from kb.db import make_engine, metadata
from kb.search.schema import is_search_object

config = context.config


def include_name(name, type_, parent_names) -> bool:
    """Leave the full-text index (kb.search.schema) out of autogenerate: it is not in the models."""
    return not is_search_object(name)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_name,
    )


def run_migrations_online() -> None:
    # A caller (kb.migrate, tests) may hand over an open connection; otherwise use the settings.
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(get_settings())
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("kb migrations run online only: set KB_DATABASE_URL and run `manage.py migrate`")
run_migrations_online()
