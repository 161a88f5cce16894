"""`among`: a list of ids as one bind parameter, on SQLite and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event, select

from kb.models import Entity
from kb.web.contexts.idlist import among
from tests.web_factories import make_entity

ENTITY = Entity.__table__
BY_IDS = select(ENTITY.c.name).where(among(ENTITY.c.id, "ids")).order_by(ENTITY.c.name)


def test_matches_the_ids_given_at_execution(session):
    a, b, c = (make_entity(session, name=n) for n in ("Alpha", "Beta", "Gamma"))
    assert session.execute(BY_IDS, {"ids": [a.id, c.id]}).scalars().all() == ["Alpha", "Gamma"]
    assert session.execute(BY_IDS, {"ids": {b.id}}).scalars().all() == ["Beta"]
    assert session.execute(BY_IDS, {"ids": []}).scalars().all() == []


def test_ids_bound_when_built(session):
    a, _ = make_entity(session, name="Alpha"), make_entity(session, name="Beta")
    stmt = select(ENTITY.c.name).where(among(ENTITY.c.id, {a.id}))
    assert session.execute(stmt).scalars().all() == ["Alpha"]


def test_one_statement_text_however_many_ids(session, engine):
    """More ids than SQLite allows parameters, and the same SQL for any count (so it is compiled once)."""
    first = make_entity(session, name="First")
    ids = [first.id, *range(10**6, 10**6 + 40_000)]
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert session.execute(BY_IDS, {"ids": ids}).scalars().all() == ["First"]
        assert session.execute(BY_IDS, {"ids": ids[:1]}).scalars().all() == ["First"]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(seen) == 2 and seen[0] == seen[1]
