"""Full-text search over claims, quotes, entity names and aliases, and sources: one function, two engines.

SQLite answers from FTS5 tables and PostgreSQL from stored tsvector columns with GIN indexes (see
`kb.search.schema`); rapidfuzz adds entities whose names are near misses of the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlmodel import Session

from kb.names import normalize_name
from kb.search.fuzzy import corrected_terms, fuzzy_entities
from kb.search.schema import INDEXED, PG_COLUMN, PG_CONFIG

# Totals count the visible matches up to COUNT_CAP; past it a total reads "more than COUNT_CAP",
# never less than true. PostgreSQL ranks the first COUNT_CAP + 1 visible matches, and their number is
# the total; SQLite ranks fewer (bm25 reads each candidate's statistics) and counts the rest unranked.
# Counting on to 10,000, as lists do, would cost a common word more than the rest of the page: at a
# million claims, "Orion" matches 83,000 of them, and proving 10,001 visible takes 18 ms on PostgreSQL.
COUNT_CAP = 1_000
SQLITE_RANKED = 200
HIDDEN = "('proposed', 'rejected')"
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Plan:
    """One group's search: the table matched (as `t`), the id it yields, and what readers may see of it."""

    table: str
    result: str = "id"
    join: str = ""
    where: str = "TRUE"


PLANS = {
    "claims": Plan("claim", where=f"t.status NOT IN {HIDDEN}"),
    "citations": Plan("citation", join="JOIN claim c ON c.id = t.claim_id", where=f"c.status NOT IN {HIDDEN}"),
    "sources": Plan("source"),
    "entities": Plan("entity"),
    "aliases": Plan("alias", result="entity_id"),
}


@dataclass
class SearchIds:
    """What matched, best first: ids per group, and how many matched (COUNT_CAP + 1 means "more").

    When nothing matched the words as typed, `suggestion` is the query with misspelt name words
    corrected and the groups hold its matches instead."""

    query: str
    terms: list[str]
    entities: list[int] = field(default_factory=list)
    fuzzy: set[int] = field(default_factory=set)
    claims: list[int] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    suggestion: str = ""

    @property
    def found_text(self) -> bool:
        """Anything matched by its words (not only as a near miss of a name)."""
        return bool(self.claims or self.citations or self.sources or len(self.fuzzy) < len(self.entities))


def terms_of(query: str) -> list[str]:
    """The words of a query; punctuation and operators are dropped, so any input is safe."""
    return _TOKEN.findall(query)[:12]


def search(session: Session, query: str, *, limit: int = 10) -> SearchIds:
    """The best `limit` matches of each kind for `query`; when its words match nothing, those of
    the corrected query ("deepsek" -> "deepseek"), with the correction as `suggestion`."""
    result = _search(session, query, terms_of(query), limit)
    if result.terms and not result.found_text:
        corrected = corrected_terms(session, result.terms, lambda word: _indexed(session, word))
        if corrected:
            fixed = _search(session, " ".join(corrected), corrected, limit)
            if fixed.found_text:
                fixed.suggestion = fixed.query
                fixed.query = query
                return fixed
    return result


def _indexed(session: Session, word: str) -> bool:
    """True when some searchable text holds `word` (then it is no typo to correct)."""
    if session.get_bind().dialect.name == "sqlite":
        return any(_run(session, f"SELECT 1 FROM {ix.fts} WHERE {ix.fts} MATCH :m LIMIT 1", {"m": '"' + word + '"'})
                   for ix in INDEXED.values())
    found = " OR ".join(f'EXISTS (SELECT 1 FROM "{ix.table}" WHERE {PG_COLUMN} @@ plainto_tsquery(\'{PG_CONFIG}\', :m))'
                        for ix in INDEXED.values())
    return _run_script(session, f"{PG_SEARCH_SETTINGS}; SELECT {found}", {"m": word})[0][0]


def _search(session: Session, query: str, terms: list[str], limit: int) -> SearchIds:
    result = SearchIds(query=query, terms=terms)
    if not terms:
        return result
    if session.get_bind().dialect.name == "sqlite":
        found = {group: _sqlite(session, terms, plan, limit) for group, plan in PLANS.items()}
    else:
        found = _postgres(session, terms, limit)
    for group in ("claims", "citations", "sources"):
        setattr(result, group, found[group][0])
        result.totals[group] = found[group][1]
    names, aliases = found["entities"][0], found["aliases"][0]
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
    return [r[0] for r in _run(session, "SELECT DISTINCT entity_id FROM alias WHERE normalized = :n LIMIT 20",
                               {"n": norm})]


def _sqlite(session: Session, terms: list[str], plan: Plan, limit: int) -> tuple[list[int], int]:
    # Whole words first: FTS5 streams one word's matches and stops at the LIMIT, but merges every
    # match of a prefix before returning the first; prefixes only widen a search that found too few.
    words = ['"' + t.replace('"', '""') + '"' for t in terms]
    found = _sqlite_matches(session, plan, " AND ".join(words), limit)
    if found[1] >= limit:
        return found
    return _sqlite_matches(session, plan, " AND ".join(f"{w}*" for w in words), limit)


def _sqlite_matches(session: Session, plan: Plan, match: str, limit: int) -> tuple[list[int], int]:
    fts = INDEXED[plan.table].fts
    visible = f'JOIN "{plan.table}" t ON t.id = m.id {plan.join} WHERE {plan.where}'
    # bm25 reads each candidate's statistics: rank fewer candidates than PostgreSQL, count the rest unranked.
    candidates = f"SELECT rowid AS id, rank FROM {fts} WHERE {fts} MATCH :match LIMIT {SQLITE_RANKED}"
    ids = [r[0] for r in _run(
        session, f"SELECT t.{plan.result} FROM ({candidates}) m {visible} ORDER BY m.rank LIMIT :limit",
        {"match": match, "limit": limit})]
    if len(ids) < limit and plan.where != "TRUE" and _run(
            session, f"SELECT count(*) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH :match LIMIT {SQLITE_RANKED}) m",
            {"match": match})[0][0] == SQLITE_RANKED:
        # Hidden matches crowded the candidates out: rank visible ones only (slower, and rare).
        visible_candidates = (
            f'SELECT {fts}.rowid AS id, {fts}.rank AS rank, t.{plan.result} AS result FROM {fts} '
            f'JOIN "{plan.table}" t ON t.id = {fts}.rowid {plan.join} '
            f"WHERE {fts} MATCH :match AND {plan.where} LIMIT {SQLITE_RANKED}")
        ids = [r[0] for r in _run(
            session, f"SELECT m.result FROM ({visible_candidates}) m ORDER BY m.rank LIMIT :limit",
            {"match": match, "limit": limit})]
    total = len(ids)
    if total == limit:
        # Count what readers may see, stopping one past the cap: the cap applies after the
        # visibility filter, so hidden matches never make the total smaller than the truth.
        total = _run(session, (
            f"SELECT count(*) FROM (SELECT m.id FROM (SELECT rowid AS id FROM {fts} WHERE {fts} "
            f"MATCH :match) m {visible} LIMIT {COUNT_CAP + 1}) v"), {"match": match})[0][0]
    return list(dict.fromkeys(ids)), total


# Search's planner settings on PostgreSQL, sent with each of its statements: they hold for the
# transaction, which for a page that only reads is the one script (see kb.web.deps.reading). Each
# query wants a handful of rows: starting parallel workers costs more than it saves (5 ms for a
# prefix). The candidates are the first matches a scan meets; a scan that joined another one midway
# through a big table would meet different ones, and the same search would answer differently from
# one request to the next.
PG_SEARCH_SETTINGS = "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL synchronize_seqscans = off"
# For prefixes only, and undone after them (or by the rollback, should they fail).
PG_PREFIX_SETTINGS = f"{PG_SEARCH_SETTINGS}; SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"
PG_PREFIX_SETTINGS_UNDONE = "SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_indexscan TO DEFAULT"


def _postgres(session: Session, terms: list[str], limit: int) -> dict[str, tuple[list[int], int]]:
    """Every group's matches in one round trip for whole words and one more for prefixes, settings
    included: a search page would otherwise spend more on round trips than on matching."""
    # Whole words (stemmed) first: the planner knows how common a word is and picks the GIN index for a
    # rare one, or reads the table in order for a common one, stopping at the candidates it needs.
    found = _pg_matches(session, list(PLANS), " & ".join(terms), limit, before=PG_SEARCH_SETTINGS)
    short = [group for group, (_ids, total) in found.items() if total < limit]
    if short:
        # Too few: widen to words starting with the terms. The planner cannot tell how common a prefix
        # is and may then read a whole table, or a whole index in join order, for nothing; a bitmap scan
        # of the GIN index is the better bet every time.
        found.update(_pg_matches(session, short, " & ".join(f"{t}:*" for t in terms), limit,
                                 before=PG_PREFIX_SETTINGS, after=PG_PREFIX_SETTINGS_UNDONE))
    return found


@lru_cache(maxsize=64)
def _pg_statement(groups: tuple[str, ...]) -> str:
    """The matches of `groups`, each group a branch of one UNION ALL: (group, id, rank, result, total).

    Only a group's candidates are ranked, from the stored vector; their number is its (capped) total.
    Each branch is planned on its own, as it would be as a statement of its own.
    """
    branches = []
    for group in groups:
        plan = PLANS[group]
        candidates = (f"SELECT t.id, t.{plan.result} AS result, ts_rank(t.{PG_COLUMN}, q) AS rank "
                      f'FROM "{plan.table}" t {plan.join} CROSS JOIN to_tsquery(\'{PG_CONFIG}\', :tsq) q '
                      f"WHERE t.{PG_COLUMN} @@ q AND {plan.where} LIMIT {COUNT_CAP + 1}")
        branches.append(f"(SELECT '{group}' AS grp, m.id, m.rank, m.result, count(*) OVER () AS total "
                        f"FROM ({candidates}) m ORDER BY m.rank DESC, m.id LIMIT :limit)")
    return " UNION ALL ".join(branches)


def _pg_matches(session: Session, groups: list[str], tsquery: str, limit: int, *, before: str,
                after: str = "") -> dict[str, tuple[list[int], int]]:
    rows = _run_script(session, "; ".join(s for s in (before, _pg_statement(tuple(groups)), after) if s),
                       {"tsq": tsquery, "limit": limit})
    ranked: dict[str, list] = {group: [] for group in groups}
    for group, row_id, rank, result, total in rows:
        ranked[group].append((-rank, row_id, result, total))
    out = {}
    for group, hits in ranked.items():
        hits.sort()   # best first, as each branch ordered them: UNION ALL promises no order of its own
        out[group] = (list(dict.fromkeys(hit[2] for hit in hits)), hits[0][3] if hits else 0)
    return out


def _run(session: Session, sql: str, params: dict) -> list[tuple]:
    """The rows of `sql` (with :name parameters), run by the driver itself on the request's connection
    and in its transaction: the statements here are plain text, their parameters words of the query
    (letters and digits only), and SQLAlchemy's handling of a statement costs more than a small
    search query does."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        return driver.execute(_pyformat(sql), params).fetchall()
    return driver.execute(sql, params).fetchall()


def _run_script(session: Session, sql: str, params: dict) -> list[tuple]:
    """The rows of the one query among PostgreSQL statements separated by semicolons (settings around
    it), sent in one round trip. The driver writes the parameters into the text, quoted, so the
    query is planned for its words each time, never with a plan kept from other words (a prepared
    statement's), which is many times slower for a common word."""
    from psycopg import ClientCursor

    cursor = ClientCursor(session.connection().connection.driver_connection)
    cursor.execute(_pyformat(sql), params)
    rows: list[tuple] = []
    while True:
        if cursor.description is not None:
            rows = cursor.fetchall()
        if not cursor.nextset():
            return rows


@lru_cache(maxsize=512)
def _pyformat(sql: str) -> str:
    """:name parameters as psycopg's %(name)s (no statement here holds a % or a :: cast)."""
    return re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql)


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
