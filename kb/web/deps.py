"""Request-scoped dependencies: the database session."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from litestar import Request
from litestar.datastructures import State
from sqlalchemy.engine import Engine
from sqlmodel import Session

# Requests that only read (HTTP says so of them; kb's handlers for them write nothing).
READS = frozenset({"GET", "HEAD"})


def reading(engine: Engine) -> Engine:
    """The engine for requests that only read: on PostgreSQL, `engine` with each statement committed
    as it runs (autocommit).

    A page is a dozen statements; on PostgreSQL a transaction around them costs two more round trips
    (BEGIN and COMMIT) for nothing a reader could see: the page's statements read committed rows
    either way. Statements that must share settings send them together (see kb.search). SQLite's
    driver begins no transaction for a read anyway, and switching it back and forth would cost a
    statement per request.
    """
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


async def provide_session(state: State, request: Request) -> AsyncGenerator[Session, None]:
    """One session per request. A write is one transaction, committed when the handler succeeds and
    rolled back otherwise; a read runs on the engine for reads (see `reading`)."""
    session = Session(state.read_engine if request.method in READS else state.engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
