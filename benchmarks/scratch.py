"""The database a benchmark writes to: the one named, or a fresh SQLite file under var/, migrated."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kb.config import Settings
from kb.db import make_engine
from kb.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent


def scratch(name: str, database_url: str | None):
    """(settings, engine) for `database_url`, else for var/NAME.sqlite3 made anew; migrated."""
    path = ROOT / "var" / f"{name}.sqlite3"
    if not database_url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    settings = replace(Settings(), database_url=database_url or f"sqlite:///{path}", environment="test")
    engine = make_engine(settings)
    upgrade(engine)
    return settings, engine
