"""Lossless JSON export of the whole knowledge base, and loading it into an empty database."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Table, func, select, text
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlalchemy.engine import Connection

from kb.db import metadata
from kb.models.base import as_utc
from kb.textcheck import BadText, check_value
import kb.models  # noqa: F401  (registers the tables)

FORMAT_VERSION = 1
# PostgreSQL's INTEGER; SQLite would take more, and then the dump could not move.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


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
    # One spelling from either database, so an export from SQLite and one from PostgreSQL compare equal.
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
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
    return json.dumps(export_data(connection), ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False)


def _no_constants(name: str):
    raise LoadError(f"the dump holds {name}, which is not a number kb stores")


def parse_dump(text: str) -> Any:
    """A dump's JSON, refusing NaN and Infinity (Python's json would read them; no database agrees)."""
    return json.loads(text, parse_constant=_no_constants)


def _check(column, value: Any, where: str) -> Any:
    """`value` as the column will store it, or LoadError: the same rule on SQLite and on PostgreSQL,
    so a dump that loads into one loads into the other."""
    kind = column.type
    if isinstance(kind, TypeDecorator):   # SQLModel's AutoString wraps a String of the same length
        kind = kind.impl if isinstance(kind.impl, TypeEngine) else kind.impl()
    name = column.name
    if value is None:
        if not column.nullable and not column.primary_key:
            raise LoadError(f"{where}: column {name} cannot be empty")
        return None
    try:
        if isinstance(kind, DateTime):
            return as_utc(datetime.fromisoformat(value))
        if isinstance(kind, Date):
            return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LoadError(f"{where}: column {name} holds {value!r}, not an ISO date") from None
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise LoadError(f"{where}: column {name} holds {value!r}, not true or false")
    elif isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
            raise LoadError(f"{where}: column {name} holds {value!r}, not a whole number that fits")
    elif isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise LoadError(f"{where}: column {name} holds {value!r}, not a finite number")
    elif isinstance(kind, String):   # Text and AutoString too
        if not isinstance(value, str):
            raise LoadError(f"{where}: column {name} holds {value!r}, not text")
        if kind.length and len(value) > kind.length:
            raise LoadError(f"{where}: column {name} holds {len(value)} characters, more than its "
                            f"{kind.length}")
    try:
        check_value(value, f"{where}: column {name}")
    except BadText as exc:
        raise LoadError(str(exc)) from None
    return value


def _from_json(table: Table, row: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = set(row) - set(table.c.keys())
    if unknown:
        raise LoadError(f"{where}: unknown columns {sorted(unknown)}")
    return {name: _check(table.c[name], value, where) for name, value in row.items()}


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
