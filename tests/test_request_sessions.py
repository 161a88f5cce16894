"""A request's database session: reads commit each statement as it runs, writes are one transaction."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from sqlmodel import select

from kb.models import Entity
from kb.web.deps import provide_session, reading


def _session_for(engine, method: str):
    state = SimpleNamespace(engine=engine, read_engine=reading(engine))
    return provide_session(state, SimpleNamespace(method=method))


def _autocommit(session) -> bool:
    return session.connection().connection.driver_connection.autocommit


@pytest.mark.parametrize("method, autocommit", [("GET", True), ("HEAD", True), ("POST", False)])
def test_only_reads_run_without_a_transaction(engine, method, autocommit):
    """On PostgreSQL; pysqlite begins no transaction for a read, and reads keep its default there."""
    postgres = engine.dialect.name == "postgresql"

    async def check():
        sessions = _session_for(engine, method)
        session = await sessions.__anext__()
        if postgres:
            assert _autocommit(session) is autocommit
        else:
            assert session.get_bind() is engine
        with pytest.raises(StopAsyncIteration):
            await sessions.__anext__()
    asyncio.run(check())


def test_a_failed_write_keeps_nothing_and_leaves_the_pool_transactional(engine):
    async def write_then_fail():
        sessions = _session_for(engine, "POST")
        session = await sessions.__anext__()
        session.add(Entity(kind="lab", slug="half-written", name="Half written"))
        session.flush()
        with pytest.raises(RuntimeError):
            await sessions.athrow(RuntimeError("the handler failed"))

    async def read_after():
        sessions = _session_for(engine, "POST")
        session = await sessions.__anext__()
        if engine.dialect.name == "postgresql":
            assert not _autocommit(session), "a connection a read used comes back transactional"
        assert session.exec(select(Entity).where(Entity.slug == "half-written")).first() is None
        await sessions.aclose()

    async def read_first():
        sessions = _session_for(engine, "GET")
        await sessions.__anext__()
        await sessions.aclose()

    asyncio.run(read_first())
    asyncio.run(write_then_fail())
    asyncio.run(read_after())
