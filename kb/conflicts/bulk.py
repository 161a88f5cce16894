"""Writing many rows at once: PostgreSQL's COPY where a recheck writes thousands, plain inserts otherwise.

A first recheck after a bulk load creates tens of thousands of groups with their members and
events. SQLAlchemy's batched INSERT ... VALUES spends most of that time building and parsing
statement text; COPY streams the rows instead, with group ids taken from the table's sequence
beforehand so members and events can name them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection

BULK = 2000   # from this many rows on, PostgreSQL gets them through COPY


def _bulk(connection: Connection, n: int) -> bool:
    return connection.dialect.name == "postgresql" and n >= BULK


def _cell(value):
    return json.dumps(value) if isinstance(value, (dict, list)) else value


def copy_rows(connection: Connection, table: Table, rows: Sequence[dict]) -> None:
    """Insert rows (dicts with the same keys); COPY on PostgreSQL when there are many."""
    if not rows:
        return
    if not _bulk(connection, len(rows)):
        connection.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_cell(row[c]) for c in columns])
    finally:
        cursor.close()


def insert_returning_ids(connection: Connection, table: Table, rows: Sequence[dict]) -> list[int]:
    """Insert rows and return their new ids in order."""
    if not rows:
        return []
    if not _bulk(connection, len(rows)):
        return list(connection.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                       list(rows)).scalars())
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       (table.name, len(rows)))
        ids = [r[0] for r in cursor.fetchall()]
    finally:
        cursor.close()
    copy_rows(connection, table, [{"id": i, **row} for i, row in zip(ids, rows)])
    return ids


def copy_pairs(connection: Connection, sql_create: str, table: str, pairs: Iterable[tuple[int, float]]) -> None:
    """Stream (id, number) pairs into a fresh temporary table as COPY text, a chunk at a time."""
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(sql_create)
        with cursor.copy(f"COPY {table} FROM STDIN") as copy:
            chunk: list[str] = []
            for i, value in pairs:
                chunk.append(f"{i}\t{value!r}\n")
                if len(chunk) >= 10_000:
                    copy.write("".join(chunk))
                    chunk.clear()
            if chunk:
                copy.write("".join(chunk))
    finally:
        cursor.close()
