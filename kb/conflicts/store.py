"""Reading what the checks need from the database: claims as facts, source roots, stored groups."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from itertools import groupby
from operator import attrgetter

from sqlalchemy import Text, any_, bindparam, cast, func, literal_column, or_, select, union, union_all
from sqlalchemy.engine import Connection

from kb.conflicts.confidence import root_weight
from kb.conflicts.facts import Fact, make_fact
from kb.conflicts.rates import Rate, Rates
from kb.models import (
    Citation, Claim, Contradiction, ContradictionMember, ConversionRate, Derivation, Entity, Source,
)

claim_t = Claim.__table__
citation_t = Citation.__table__
source_t = Source.__table__
entity_t = Entity.__table__
group_t = Contradiction.__table__
member_t = ContradictionMember.__table__
derivation_t = Derivation.__table__
rate_t = ConversionRate.__table__

FACT_COLUMNS = (
    claim_t.c.id, claim_t.c.subject_id, claim_t.c.model_id, claim_t.c.attribute_id,
    claim_t.c.low, claim_t.c.high, claim_t.c.unit, claim_t.c.bound, claim_t.c.precision,
    claim_t.c.period, claim_t.c.scope, claim_t.c.asserted_by, claim_t.c.status, claim_t.c.rank,
    claim_t.c.confidence, claim_t.c.dataset_confidence, claim_t.c.figure_text,
)
GROUP_COLUMNS = (group_t.c.id, group_t.c.group_key, group_t.c.kind, group_t.c.subject_id,
                 group_t.c.attribute_id, group_t.c.source_id, group_t.c.status, group_t.c.severity,
                 group_t.c.summary, group_t.c.qualifiers, group_t.c.active)
STREAM_BATCH = 20_000
CHUNK = 500   # ids per IN (...) list


def _fact_select(dialect: str):
    """One row per claim; its cited sources come as one comma-separated text column."""
    if dialect == "postgresql":
        joined = func.string_agg(cast(citation_t.c.source_id, Text), literal_column("','"))
    else:
        joined = func.group_concat(citation_t.c.source_id)
    sources = select(joined).where(citation_t.c.claim_id == claim_t.c.id).scalar_subquery()
    return select(*FACT_COLUMNS, sources)


@lru_cache(maxsize=4)
def _statements(dialect: str) -> SimpleNamespace:
    """The incremental path's queries, built once: building them costs more than running them.

    On PostgreSQL a list is one array parameter (`= ANY(:ids)`), so the SQL text stays the same
    whatever the list's length and the driver prepares each statement once.
    """

    def isin(column, name: str):
        if dialect == "postgresql":
            # Imported here: a server on SQLite never loads the PostgreSQL dialect (about 3 MB).
            from sqlalchemy.dialects.postgresql import ARRAY

            return column == any_(bindparam(name, type_=ARRAY(column.type)))
        return column.in_(bindparam(name, expanding=True))

    parent = source_t.alias("parent")
    parents = select(entity_t.c.parent_id).where(isin(entity_t.c.id, "ids"),
                                                 entity_t.c.parent_id.is_not(None))
    base = _fact_select(dialect)
    return SimpleNamespace(
        facts_by_id=base.where(isin(claim_t.c.id, "ids")),
        facts_for_buckets=union_all(
            base.where(claim_t.c.model_id.is_(None), isin(claim_t.c.subject_id, "subjects"),
                       isin(claim_t.c.attribute_id, "attributes")),
            base.where(isin(claim_t.c.model_id, "subjects"), isin(claim_t.c.attribute_id, "attributes"))),
        sources=select(source_t.c.id, source_t.c.derived_from_id, source_t.c.kind,
                       parent.c.derived_from_id, parent.c.kind)
        .select_from(source_t.outerjoin(parent, parent.c.id == source_t.c.derived_from_id))
        .where(isin(source_t.c.id, "ids")),
        groups_by_id=select(*GROUP_COLUMNS).where(isin(group_t.c.id, "ids")),
        groups_by_pairs=select(*GROUP_COLUMNS).where(isin(group_t.c.subject_id, "subjects"),
                                                     isin(group_t.c.attribute_id, "attributes")),
        groups_by_key=select(*GROUP_COLUMNS).where(isin(group_t.c.group_key, "keys")),
        members=select(member_t.c.contradiction_id, member_t.c.claim_id, member_t.c.in_conflict)
        .where(isin(member_t.c.contradiction_id, "ids")),
        groups_with_claims=select(member_t.c.contradiction_id).where(isin(member_t.c.claim_id, "ids")),
        derivations=select(derivation_t.c.claim_id, derivation_t.c.numerator_id, derivation_t.c.denominator_id)
        .where(or_(isin(derivation_t.c.claim_id, "ids"), isin(derivation_t.c.numerator_id, "ids"),
                   isin(derivation_t.c.denominator_id, "ids"))),
        entities=select(entity_t.c.id, entity_t.c.kind, entity_t.c.parent_id, entity_t.c.name)
        .where(isin(entity_t.c.id, "ids")),
        # A union of four indexed lookups: an OR across columns would scan the table.
        family=union(*(select(entity_t.c.id, entity_t.c.kind, entity_t.c.parent_id, entity_t.c.name)
                       .where(condition) for condition in (
                           isin(entity_t.c.id, "ids"), isin(entity_t.c.parent_id, "ids"),
                           entity_t.c.id.in_(parents), entity_t.c.parent_id.in_(parents)))),
    )


def _q(connection: Connection) -> SimpleNamespace:
    return _statements(connection.dialect.name)


def _facts(rows: Iterable) -> Iterator[Fact]:
    for row in rows:
        fact = make_fact(row)
        if row[17]:
            fact.sources = tuple(int(s) for s in row[17].split(","))
        yield fact


def _raw_rows(connection: Connection, stmt, name: str) -> Iterator[tuple]:
    """Rows of a parameterless SELECT as plain tuples, streamed from the driver.

    A full recheck reads every claim; skipping SQLAlchemy's row objects and letting PostgreSQL
    stream through a named (server-side) cursor keeps that pass fast and its memory flat.
    """
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    raw = connection.connection.driver_connection
    cursor = raw.cursor(name=name) if connection.dialect.name == "postgresql" else raw.cursor()
    try:
        cursor.execute(sql)
        while True:
            rows = cursor.fetchmany(STREAM_BATCH)
            if not rows:
                break
            yield from rows
    finally:
        cursor.close()


def stream_buckets(connection: Connection) -> Iterator[tuple[int, int, list[Fact]]]:
    """Every claim, one bucket (subject or named model, attribute) at a time, in one ordered pass.

    Claims naming a model are read in a second ordered stream and merged in, so both streams
    use their indexes and nothing but the current bucket is held in memory.
    """
    # Ordered by bucket only (not by id inside it), so the (subject, attribute, ...) index serves it.
    plain = _fact_select(connection.dialect.name).where(claim_t.c.model_id.is_(None)).order_by(
        claim_t.c.subject_id, claim_t.c.attribute_id)
    named = _fact_select(connection.dialect.name).where(claim_t.c.model_id.is_not(None)).order_by(
        claim_t.c.model_id, claim_t.c.attribute_id)
    key, by_id = attrgetter("bucket_subject", "attribute_id"), attrgetter("id")
    plain_buckets = groupby(_facts(_raw_rows(connection, plain, "kb_facts_plain")), key=key)
    named_buckets = groupby(_facts(_raw_rows(connection, named, "kb_facts_named")), key=key)
    # Merge the two ordered streams a bucket at a time (not a row at a time: it is the hot loop).
    a, b = next(plain_buckets, None), next(named_buckets, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            yield a[0][0], a[0][1], sorted(a[1], key=by_id)
            a = next(plain_buckets, None)
        elif a is None or b[0] < a[0]:
            yield b[0][0], b[0][1], sorted(b[1], key=by_id)
            b = next(named_buckets, None)
        else:
            yield a[0][0], a[0][1], sorted([*a[1], *b[1]], key=by_id)
            a, b = next(plain_buckets, None), next(named_buckets, None)


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def facts_for_buckets(connection: Connection, buckets: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[Fact]]:
    """The facts of the given (subject or named model, attribute) buckets.

    Asked as subject IN (...) AND attribute IN (...), which both databases answer from the
    (subject, attribute) index, and narrowed to the exact buckets here.
    """
    buckets = sorted(set(buckets))
    out: dict[tuple[int, int], list[Fact]] = {b: [] for b in buckets}
    for chunk in _chunks(buckets) if buckets else ():
        subjects = sorted({s for s, _ in chunk})
        attributes = sorted({a for _, a in chunk})
        rows = connection.execute(_q(connection).facts_for_buckets,
                                  {"subjects": subjects, "attributes": attributes})
        wanted = set(chunk)   # the query answers a superset; other chunks' buckets come with them
        for fact in _facts(rows):
            key = (fact.bucket_subject, fact.attribute_id)
            if key in wanted:
                out[key].append(fact)
    for facts in out.values():
        facts.sort(key=attrgetter("id"))
    return out


def facts_by_id(connection: Connection, ids: Iterable[int]) -> dict[int, Fact]:
    out: dict[int, Fact] = {}
    for chunk in _chunks(sorted(set(ids))):
        out.update((f.id, f) for f in _facts(connection.execute(_q(connection).facts_by_id, {"ids": chunk})))
    return out


def source_roots(connection: Connection, source_ids: Iterable[int] | None = None) -> dict[int, tuple[int, float]]:
    """Each source's root along derived_from and that root's weight (cycles stop where they close)."""
    rows: dict[int, tuple[int | None, str]] = {}
    if source_ids is None:
        stmt = select(source_t.c.id, source_t.c.derived_from_id, source_t.c.kind)
        rows = {r[0]: (r[1], r[2]) for r in connection.execute(stmt)}
    else:
        wanted = set(source_ids)
        while wanted:   # each query also brings the parents, so one round trip covers most lineages
            for chunk in _chunks(sorted(wanted)):
                for sid, pid, kind, grand, parent_kind in connection.execute(_q(connection).sources, {"ids": chunk}):
                    rows[sid] = (pid, kind)
                    if pid is not None and parent_kind is not None:
                        rows.setdefault(pid, (grand, parent_kind))
            wanted = {p for p, _ in rows.values() if p is not None and p not in rows}
    roots: dict[int, tuple[int, float]] = {}
    for sid in rows:
        seen = {sid}
        current = sid
        while rows.get(current, (None, ""))[0] is not None and rows[current][0] not in seen:
            current = rows[current][0]
            seen.add(current)
        roots[sid] = (current, root_weight(rows.get(current, (None, "article"))[1]))
    return roots


@dataclass
class StoredGroup:
    id: int
    group_key: str
    kind: str
    subject_id: int
    attribute_id: int
    source_id: int | None
    status: str
    severity: float
    summary: str
    qualifiers: str
    active: bool
    members: dict[int, bool] = field(default_factory=dict)   # claim id -> in_conflict

    @property
    def settled(self) -> bool:
        return self.active and self.status in ("resolved", "explained")

    @property
    def scope(self) -> tuple:
        return (self.kind, self.subject_id, self.attribute_id)


def load_groups(connection: Connection, stmt=None, params: dict | None = None) -> dict[int, StoredGroup]:
    """Stored groups (all, or those `stmt` selects) with their members."""
    rows = connection.execute(stmt if stmt is not None else select(*GROUP_COLUMNS), params or {})
    groups = {r[0]: StoredGroup(*r) for r in rows}
    if not groups:
        return groups
    if stmt is None:
        member_rows = connection.execute(select(member_t.c.contradiction_id, member_t.c.claim_id,
                                                member_t.c.in_conflict))
    else:
        member_rows = []
        for chunk in _chunks(sorted(groups)):
            member_rows += connection.execute(_q(connection).members, {"ids": chunk}).all()
    for gid, cid, in_conflict in member_rows:
        groups[gid].members[cid] = bool(in_conflict)
    return groups


def groups_by_id(connection: Connection, ids: Iterable[int]) -> dict[int, StoredGroup]:
    return load_groups(connection, _q(connection).groups_by_id, {"ids": sorted(set(ids))})


def groups_by_pairs(connection: Connection, pairs: Iterable[tuple[int, int]]) -> dict[int, StoredGroup]:
    """Groups on any of the subjects and attributes of `pairs` (a superset: callers narrow it)."""
    pairs, out = set(pairs), {}
    attributes = sorted({a for _, a in pairs})
    for subjects in _chunks(sorted({s for s, _ in pairs})):
        out.update(load_groups(connection, _q(connection).groups_by_pairs,
                               {"subjects": subjects, "attributes": attributes}))
    return out


def groups_by_key(connection: Connection, keys: Iterable[str]) -> dict[int, StoredGroup]:
    return load_groups(connection, _q(connection).groups_by_key, {"keys": sorted(set(keys))})


def groups_with_claims(connection: Connection, claim_ids: Iterable[int]) -> set[int]:
    out: set[int] = set()
    for chunk in _chunks(sorted(set(claim_ids))):
        out.update(connection.execute(_q(connection).groups_with_claims, {"ids": chunk}).scalars())
    return out


def derivations(connection: Connection, claim_ids: Iterable[int] | None = None) -> list[tuple[int, int, int]]:
    """(claim, numerator, denominator) triples, all or those touching the given claims."""
    cols = (derivation_t.c.claim_id, derivation_t.c.numerator_id, derivation_t.c.denominator_id)
    if claim_ids is None:
        return [tuple(r) for r in connection.execute(select(*cols).order_by(derivation_t.c.claim_id))]
    out: set[tuple[int, int, int]] = set()
    for chunk in _chunks(sorted(set(claim_ids))):
        out.update(tuple(r) for r in connection.execute(_q(connection).derivations, {"ids": chunk}))
    return sorted(out)


def entity_info(connection: Connection, ids: Iterable[int] | None = None) -> dict[int, tuple[str, int | None, str]]:
    """id -> (kind, parent id, name) for the given entities, or all of them."""
    stmt = select(entity_t.c.id, entity_t.c.kind, entity_t.c.parent_id, entity_t.c.name)
    if ids is None:
        return {r[0]: (r[1], r[2], r[3]) for r in connection.execute(stmt)}
    out = {}
    for chunk in _chunks(sorted(set(ids))):
        out.update((r[0], (r[1], r[2], r[3])) for r in connection.execute(_q(connection).entities, {"ids": chunk}))
    return out


def family(connection: Connection, ids: Iterable[int]) -> dict[int, tuple[str, int | None, str]]:
    """id -> (kind, parent id, name) for the entities, their parents, children and siblings, in one query."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    out = {}
    for chunk in _chunks(ids):
        out.update((r[0], (r[1], r[2], r[3])) for r in connection.execute(_q(connection).family, {"ids": chunk}))
    return out




def conversion_rates(connection: Connection) -> Rates:
    """Every recorded conversion rate (a short table: one row per currency and date)."""
    return Rates(Rate(c, d, r) for c, d, r in connection.execute(
        select(rate_t.c.currency, rate_t.c.dated, rate_t.c.rate)))
