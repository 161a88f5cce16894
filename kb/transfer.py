"""Lossless JSON export of the whole knowledge base, and loading it into an empty database."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Table, func, select, text
from sqlalchemy.engine import Connection

from kb.db import metadata
import kb.models  # noqa: F401  (registers the tables)

FORMAT_VERSION = 1


class LoadError(ValueError):
    """A dump cannot be loaded; nothing was written."""


# Sign-in sessions and failed logins belong to the running site, not to the knowledge base: a dump
# leaves them out, and loading one signs nobody in.
TRANSIENT = frozenset({"loginsession", "loginattempt"})


def _tables() -> list[Table]:
    return [t for t in metadata.sorted_tables if t.name not in TRANSIENT]


def _self_references(table: Table) -> list[str]:
    """Columns pointing at their own table (entity.parent_id): loaded in a second pass."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _to_json(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def export_data(connection: Connection) -> dict[str, Any]:
    """Every table as a list of rows ordered by id, plus a format marker."""
    out: dict[str, Any] = {"kb_export": FORMAT_VERSION}
    for table in _tables():
        rows = connection.execute(select(table).order_by(table.c.id)).mappings()
        out[table.name] = [{k: _to_json(v) for k, v in row.items()} for row in rows]
    return out


def export_json(connection: Connection) -> str:
    return json.dumps(export_data(connection), ensure_ascii=False, indent=1, sort_keys=True)


def _from_json(table: Table, row: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = set(row) - set(table.c.keys())
    if unknown:
        raise LoadError(f"{where}: unknown columns {sorted(unknown)}")
    out = {}
    for name, value in row.items():
        column_type = table.c[name].type
        try:
            if value is not None and isinstance(column_type, DateTime):
                value = datetime.fromisoformat(value)
            elif value is not None and isinstance(column_type, Date):
                value = date.fromisoformat(value)
        except (TypeError, ValueError):
            raise LoadError(f"{where}: column {name} holds {value!r}, not an ISO date") from None
        out[name] = value
    return out


def load_data(connection: Connection, data: Any) -> dict[str, int]:
    """Insert a dump into an empty database in one transaction; returns rows per table."""
    if not isinstance(data, dict) or data.get("kb_export") != FORMAT_VERSION:
        raise LoadError("not a kb JSON export (missing \"kb_export\": 1)")
    known = {t.name for t in _tables()}
    unknown = set(data) - known - {"kb_export"}
    if unknown:
        raise LoadError(f"unknown tables in the dump: {sorted(unknown)}")
    for table in _tables():
        if connection.execute(select(func.count()).select_from(table)).scalar_one():
            raise LoadError(f"the database is not empty (table {table.name} has rows); load needs an empty one")
    counts: dict[str, int] = {}
    deferred: list[tuple[Table, int, dict[str, Any]]] = []
    for table in _tables():
        rows = data.get(table.name, [])
        if not isinstance(rows, list):
            raise LoadError(f"table {table.name}: expected a list of rows")
        self_refs = _self_references(table)
        batch = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise LoadError(f"{table.name}[{i}]: expected an object")
            values = _from_json(table, row, f"{table.name}[{i}]")
            later = {k: values.pop(k) for k in self_refs if values.get(k) is not None}
            for k in later:
                values[k] = None
            if later:
                deferred.append((table, values["id"], later))
            batch.append(values)
        if batch:
            try:
                connection.execute(table.insert(), batch)
            except Exception as exc:  # integrity errors name the table
                raise LoadError(f"table {table.name}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}") from None
        counts[table.name] = len(batch)
    for table, row_id, values in deferred:
        connection.execute(table.update().where(table.c.id == row_id).values(**values))
    if connection.dialect.name == "postgresql":
        for table in _tables():
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"
            ))
    return counts
