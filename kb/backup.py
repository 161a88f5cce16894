"""A consistent copy of the database while the server runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from kb.transfer import export_json


def backup(engine: Engine, path: Path) -> str:
    """SQLite: the online backup API; PostgreSQL: a JSON export read in one repeatable-read snapshot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(tmp)
            with target:
                raw.driver_connection.backup(target)
            target.close()
        finally:
            raw.close()
        tmp.replace(path)
        return f"wrote an SQLite copy to {path}"
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            tmp.write_text(export_json(connection), encoding="utf-8")
    tmp.replace(path)
    return f"wrote a JSON export (load it with `manage.py load`) to {path}"
