"""Request-scoped dependencies: the database session."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from litestar import Request
from litestar.datastructures import State
from sqlmodel import Session


async def provide_session(state: State) -> AsyncGenerator[Session, None]:
    """One session per request: committed when the handler succeeds, rolled back otherwise."""
    session = Session(state.engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
