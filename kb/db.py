"""Engines and sessions for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session, SQLModel, create_engine

from kb.config import Settings, SettingsError
from kb.textcheck import check_text

# Named constraints make migrations reviewable and let SQLite batch mode drop them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _refuse_bad_text(conn, cursor, statement, parameters, context, executemany) -> None:
    """The last line of kb.textcheck's rule: no control character reaches either database.

    Edges (forms, CSV, load, URLs) check first and name the field; this catches whatever path
    they missed, so SQLite never keeps what PostgreSQL would refuse.
    """
    rows = parameters if executemany else [parameters]
    for row in rows if isinstance(rows, (list, tuple)) else [rows]:
        if isinstance(row, dict):
            named = [(f"the value for {key}", value) for key, value in row.items()]
        else:
            named = [("a value", value) for value in (row if isinstance(row, (list, tuple)) else [row])]
        for where, value in named:
            if isinstance(value, str):
                check_text(value, where)


def make_engine(settings: Settings) -> Engine:
    """An engine for the settings' database; SQLite gets foreign keys, WAL and a busy timeout."""
    try:
        url = make_url(settings.database_url)
    except ArgumentError as exc:
        raise SettingsError(f"KB_DATABASE_URL is not a database URL: {exc}") from None
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    event.listen(engine, "before_cursor_execute", _refuse_bad_text)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
