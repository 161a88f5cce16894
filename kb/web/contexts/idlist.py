"""`column IN (ids)` with the ids as one bind parameter, on SQLite and on PostgreSQL.

A list of ids expanded into one parameter each makes the statement's text depend on how many ids there
are: SQLAlchemy renders it afresh on every execution, SQLite prepares it again, PostgreSQL plans it
again. As one parameter (an array on PostgreSQL, a JSON list read by json_each on SQLite) the text is
fixed, so a statement can be built once at import and reused by every request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import ARRAY, Boolean, Integer, String, TypeDecorator, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class IdList(TypeDecorator):
    """A list (or any iterable) of integer ids, bound as one value."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Integer))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value, dialect):
        ids = [int(v) for v in value]
        return ids if dialect.name == "postgresql" else json.dumps(ids)

    def bind_processor(self, dialect):
        if dialect.name == "postgresql":
            # psycopg adapts a list of ints itself; the ARRAY type's own processor would walk every
            # id again in Python, which costs more than the query on a page that binds a few hundred.
            return lambda value: self.process_bind_param(value, dialect)
        return super().bind_processor(dialect)


class Among(ColumnElement):
    """`column IN ids`; see `among`."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("ids", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, ids: BindParameter):
        self.column, self.ids = column, ids


@compiles(Among)
def _json_each(element: Among, compiler, **kw) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"{column} IN (SELECT value FROM json_each({ids}))"


@compiles(Among, "postgresql")
def _any_array(element: Among, compiler, **kw) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"{column} = ANY ({ids})"


def among(column, ids: str | Iterable[int]) -> Among:
    """`column IN ids`: `ids` is the name of a parameter given at execution, or the ids themselves."""
    if isinstance(ids, str):
        return Among(column, bindparam(ids, type_=IdList()))
    return Among(column, bindparam(None, list(ids), type_=IdList()))
