"""The full-text index: FTS5 tables kept in sync by triggers on SQLite, GIN expression indexes on PostgreSQL.

On SQLite each searchable table has an external-content FTS5 table (`fts_<table>`) whose rows
triggers insert, update and delete together with the table's, so every writer (services, seeds,
`load`, importers) keeps the index in sync without calling anything. On PostgreSQL each table has a
stored generated `fts_document` tsvector column with a GIN index, which the database maintains
itself; storing the vector spares every search from recomputing `to_tsvector` for each candidate
row it ranks or rechecks. `install` runs after every `migrate`; `rebuild` refills the SQLite tables
from scratch (after a bulk load that bypassed them).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

PG_CONFIG = "english"
PG_COLUMN = "fts_document"


@dataclass(frozen=True)
class Indexed:
    table: str
    columns: tuple[str, ...]

    @property
    def fts(self) -> str:
        return f"fts_{self.table}"

    def pg_vector(self, alias: str | None = None) -> str:
        """The to_tsvector expression the stored `fts_document` column is generated from."""
        prefix = f"{alias}." if alias else ""
        joined = " || ' ' || ".join(f"coalesce({prefix}{c}, '')" for c in self.columns)
        return f"to_tsvector('{PG_CONFIG}', {joined})"


INDEXED = {
    "claim": Indexed("claim", ("statement", "figure_text", "scope", "asserted_by")),
    "citation": Indexed("citation", ("quote",)),
    "entity": Indexed("entity", ("name", "description")),
    "alias": Indexed("alias", ("name",)),
    "source": Indexed("source", ("title", "publisher", "author")),
}


def is_search_object(name: str | None) -> bool:
    """True for the tables, columns and indexes this module owns (Alembic's autogenerate leaves them alone)."""
    return bool(name) and (name.startswith("fts_") or name.startswith("ix_fts_"))


def _sqlite_statements(ix: Indexed) -> list[str]:
    cols = ", ".join(ix.columns)
    new = ", ".join(f"new.{c}" for c in ix.columns)
    old = ", ".join(f"old.{c}" for c in ix.columns)
    delete = f"INSERT INTO {ix.fts}({ix.fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {ix.fts}(rowid, {cols}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {ix.fts} USING fts5({cols}, content='{ix.table}', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER IF NOT EXISTS {ix.fts}_ai AFTER INSERT ON {ix.table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {ix.fts}_ad AFTER DELETE ON {ix.table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {ix.fts}_au AFTER UPDATE OF {cols} ON {ix.table} "
        f"BEGIN {delete} {insert} END",
    ]


def install(connection: Connection) -> bool:
    """Create whatever part of the index is missing; True when anything was created (and filled)."""
    if connection.dialect.name == "sqlite":
        existing = set(connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'fts_%'").scalars())
        created = False
        for ix in INDEXED.values():
            fresh = ix.fts not in existing
            for statement in _sqlite_statements(ix):
                connection.exec_driver_sql(statement)
            if fresh:
                connection.exec_driver_sql(f"INSERT INTO {ix.fts}({ix.fts}) VALUES ('rebuild')")
                created = True
        return created
    columns = set(connection.execute(text(
        "SELECT table_name FROM information_schema.columns WHERE column_name = :c AND table_schema = current_schema()"
    ), {"c": PG_COLUMN}).scalars())
    indexes = dict(connection.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'ix\\_fts\\_%' "
        "AND schemaname = current_schema()")).all())
    created = False
    for ix in INDEXED.values():
        name = f"ix_fts_{ix.table}"
        if ix.table not in columns:
            connection.exec_driver_sql(
                f'ALTER TABLE "{ix.table}" ADD COLUMN {PG_COLUMN} tsvector '
                f"GENERATED ALWAYS AS ({ix.pg_vector()}) STORED")
            created = True
        if PG_COLUMN not in indexes.get(name, ""):  # missing, or the older expression index
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
            connection.exec_driver_sql(f'CREATE INDEX {name} ON "{ix.table}" USING gin ({PG_COLUMN})')
            created = True
    return created


def rebuild(connection: Connection) -> None:
    """Refill the index from the tables (SQLite); PostgreSQL's generated columns need nothing."""
    if connection.dialect.name == "sqlite":
        install(connection)
        for ix in INDEXED.values():
            connection.exec_driver_sql(f"INSERT INTO {ix.fts}({ix.fts}) VALUES ('rebuild')")


def drop(connection: Connection) -> None:
    """Remove the index (before the tables it covers are dropped)."""
    for ix in INDEXED.values():
        if connection.dialect.name == "sqlite":
            for suffix in ("ai", "ad", "au"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {ix.fts}_{suffix}")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {ix.fts}")
        else:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_fts_{ix.table}")
            connection.exec_driver_sql(f'ALTER TABLE "{ix.table}" DROP COLUMN IF EXISTS {PG_COLUMN}')
