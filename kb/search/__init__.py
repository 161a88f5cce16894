"""Full-text search over claims, quotes, entity names and aliases, and sources: one function, two engines.

SQLite answers from FTS5 tables and PostgreSQL from `to_tsvector` expression indexes (see
`kb.search.schema`); rapidfuzz adds entities whose names are near misses of the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import Session

from kb.names import normalize_name
from kb.search.fuzzy import fuzzy_entities
from kb.search.schema import INDEXED, PG_CONFIG

# Ranking looks at this many matches per group; past it, results are the best of those.
CANDIDATES = 2000
COUNT_CAP = 1000
HIDDEN = "('proposed', 'rejected')"
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class SearchIds:
    """What matched, best first: ids per group, and how many matched (capped at COUNT_CAP)."""

    query: str
    terms: list[str]
    entities: list[int] = field(default_factory=list)
    fuzzy: set[int] = field(default_factory=set)
    claims: list[int] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


def terms_of(query: str) -> list[str]:
    """The words of a query; punctuation and operators are dropped, so any input is safe."""
    return _TOKEN.findall(query)[:12]


def search(session: Session, query: str, *, limit: int = 10) -> SearchIds:
    """The best `limit` matches of each kind for `query`."""
    terms = terms_of(query)
    result = SearchIds(query=query, terms=terms)
    if not terms:
        return result
    engine = _sqlite if session.get_bind().dialect.name == "sqlite" else _postgres
    plan = {
        "claims": ("claim", f"JOIN claim t ON t.id = m.id WHERE t.status NOT IN {HIDDEN}"),
        "citations": ("citation", f"JOIN citation t ON t.id = m.id JOIN claim c ON c.id = t.claim_id "
                                  f"WHERE c.status NOT IN {HIDDEN}"),
        "sources": ("source", "JOIN source t ON t.id = m.id"),
    }
    for group, (table, join) in plan.items():
        ids, total = engine(session, terms, table, join, limit)
        setattr(result, group, ids)
        result.totals[group] = total
    names, _ = engine(session, terms, "entity", "JOIN entity t ON t.id = m.id", limit)
    aliases, _ = engine(session, terms, "alias", "JOIN alias a ON a.id = m.id JOIN entity t ON t.id = a.entity_id",
                        limit)
    exact = _exact_entities(session, query)
    ordered = list(dict.fromkeys(exact + aliases + names))
    for entity_id, _score in fuzzy_entities(session, query, limit=limit):
        if entity_id not in ordered:
            ordered.append(entity_id)
            result.fuzzy.add(entity_id)
    result.entities = ordered[:limit]
    result.totals["entities"] = len(ordered)
    return result


def _exact_entities(session: Session, query: str) -> list[int]:
    norm = normalize_name(query)
    if not norm:
        return []
    return list(session.execute(
        text("SELECT DISTINCT entity_id FROM alias WHERE normalized = :n LIMIT 20"), {"n": norm}
    ).scalars())


def _sqlite(session: Session, terms: list[str], table: str, join: str, limit: int) -> tuple[list[int], int]:
    fts = INDEXED[table].fts
    match = " AND ".join('"' + t.replace('"', '""') + '"*' for t in terms)
    matched = f"SELECT rowid AS id, rank FROM {fts} WHERE {fts} MATCH :match LIMIT {CANDIDATES}"
    ids = session.execute(
        text(f"SELECT t.id FROM ({matched}) m {join} ORDER BY m.rank LIMIT :limit"),
        {"match": match, "limit": limit},
    ).scalars().all()
    total = len(ids)
    if total == limit:
        total = session.execute(text(
            f"SELECT count(*) FROM (SELECT rowid AS id FROM {fts} WHERE {fts} MATCH :match "
            f"LIMIT {COUNT_CAP}) m {join}"), {"match": match}).scalar_one()
    return list(dict.fromkeys(ids)), total


def _postgres(session: Session, terms: list[str], table: str, join: str, limit: int) -> tuple[list[int], int]:
    vector = INDEXED[table].pg_vector()
    tsquery = " & ".join(f"{t}:*" for t in terms)
    matched = (f'SELECT id, ts_rank({vector}, q) AS rank FROM "{table}", '
               f"to_tsquery('{PG_CONFIG}', :tsq) q WHERE {vector} @@ q LIMIT {CANDIDATES}")
    params = {"tsq": tsquery, "limit": limit}
    ids = session.execute(
        text(f"SELECT t.id FROM ({matched}) m {join} ORDER BY m.rank DESC, t.id LIMIT :limit"), params
    ).scalars().all()
    total = len(ids)
    if total == limit:
        total = session.execute(text(
            f'SELECT count(*) FROM (SELECT id FROM "{table}", to_tsquery(\'{PG_CONFIG}\', :tsq) q '
            f"WHERE {vector} @@ q LIMIT {COUNT_CAP}) m {join}"), {"tsq": tsquery}).scalar_one()
    return list(dict.fromkeys(ids)), total


def highlight(value: str, terms: list[str]) -> list[tuple[str, bool]]:
    """`value` cut into (text, matched) segments where a word starts with a query term."""
    if not terms or not value:
        return [(value or "", False)]
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(value):
        if m.start() > pos:
            out.append((value[pos:m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(value):
        out.append((value[pos:], False))
    return out
