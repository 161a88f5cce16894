"""Read-side views shared by every page, and the batch loaders that fill them (no query per row)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime
from typing import Any

from sqlalchemy import ARRAY, any_, bindparam, case, func, select
from sqlmodel import Session

from kb.models import Attribute, Citation, Claim, Contradiction, ContradictionMember, Entity, Source
from kb.web import urls
from kb.web.formatting import format_figure, format_precision

# Readers do not see these unless they ask for them by status.
HIDDEN_STATUSES = ("proposed", "rejected")
ATTENTION_STATUSES = ("needs_verification", "disputed")
CLAIM = Claim.__table__
RANK_ORDER = case((CLAIM.c.rank == "preferred", 0), (CLAIM.c.rank == "normal", 1), else_=2)
STATUS_ORDER = case(
    (CLAIM.c.status == "verified", 0), (CLAIM.c.status == "unverified", 1),
    (CLAIM.c.status == "needs_verification", 2), (CLAIM.c.status == "disputed", 3), else_=4,
)
# The same preference as one number, smaller is better: the (rank, status) tier, then the higher
# confidence (confidence lies in [0, 1]; none sorts last). Lets the database find each group's best
# claim with MIN() over an index instead of sorting the group.
PREFERENCE_KEY = (RANK_ORDER * 5 + STATUS_ORDER) * 10 + func.coalesce(1 - CLAIM.c.confidence, 9)


@dataclass(frozen=True)
class EntityRef:
    id: int
    kind: str
    slug: str
    name: str

    @cached_property
    def url(self) -> str:
        return urls.entity_url(self.kind, self.slug)

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.slug}"


@dataclass(frozen=True)
class AttributeRef:
    id: int
    name: str
    label: str
    unit: str
    dimension: str

    @cached_property
    def url(self) -> str:
        return urls.with_query("/claims", {"attribute": self.name})


@dataclass(frozen=True)
class SourceRef:
    id: int
    title: str
    publisher: str
    kind: str
    published: date | None
    date_precision: str
    external_url: str
    derived_from_id: int | None

    @property
    def url(self) -> str:
        return urls.source_url(self.id)


@dataclass(frozen=True)
class ContradictionRef:
    id: int
    status: str
    kind: str
    severity: float
    summary: str

    @property
    def url(self) -> str:
        return urls.contradiction_url(self.id)


@dataclass
class CitationView:
    id: int
    source: SourceRef
    quote: str
    start: int | None
    end: int | None
    row: int | None
    column: str | None
    anchored: bool


@dataclass
class ClaimView:
    id: int
    subject: EntityRef
    attribute: AttributeRef
    statement: str
    figure_text: str | None
    low: float | None
    high: float | None
    unit: str | None
    bound: str | None
    precision: float | None
    method: str | None
    unparsed_reason: str | None
    period: str
    scope: str
    model: EntityRef | None
    asserted_by: str
    status: str
    rank: str
    rank_reason: str
    confidence: float | None
    dataset_confidence: str
    note: str
    created_at: datetime
    updated_at: datetime
    version: int
    citations: list[CitationView] = field(default_factory=list)
    contradictions: list[ContradictionRef] = field(default_factory=list)

    @property
    def url(self) -> str:
        return urls.claim_url(self.id)

    # Views are built once per request and read many times by the templates: computed once each.
    @cached_property
    def figure(self) -> str:
        return format_figure(self.low, self.high, self.unit, self.bound)

    @property
    def precision_text(self) -> str:
        return format_precision(self.precision, self.unit)

    @property
    def has_figure(self) -> bool:
        return self.unit is not None and (self.low is not None or self.high is not None)

    @cached_property
    def open_contradictions(self) -> list[ContradictionRef]:
        return [c for c in self.contradictions if c.status == "open"]

    @property
    def qualifiers(self) -> list[tuple[str, str]]:
        pairs = [("period", self.period), ("scope", self.scope),
                 ("model", self.model.name if self.model else ""), ("according to", self.asserted_by)]
        return [(k, v) for k, v in pairs if v]

    @property
    def first_source(self) -> SourceRef | None:
        return self.citations[0].source if self.citations else None


def entity_ref(row: Any) -> EntityRef:
    return EntityRef(id=row.id, kind=row.kind, slug=row.slug, name=row.name)


def source_ref(row: Any) -> SourceRef:
    return SourceRef(
        id=row.id, title=row.title, publisher=row.publisher, kind=row.kind,
        published=row.published, date_precision=row.date_precision, external_url=row.url,
        derived_from_id=row.derived_from_id,
    )


ENTITY_REF_COLUMNS = (Entity.id, Entity.kind, Entity.slug, Entity.name)
SOURCE_REF_COLUMNS = (
    Source.id, Source.title, Source.publisher, Source.kind, Source.published,
    Source.date_precision, Source.url, Source.derived_from_id,
)


def among(session: Session, column, ids: Iterable[int]):
    """`column IN ids`; on PostgreSQL one array parameter, so the statement's text and plan are reused."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(column.type)))
    return column.in_(ids)


def load_entities(session: Session, ids: Iterable[int]) -> dict[int, EntityRef]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(*ENTITY_REF_COLUMNS).where(among(session, Entity.id, wanted)))
    return {r.id: entity_ref(r) for r in rows}


def load_sources(session: Session, ids: Iterable[int]) -> dict[int, SourceRef]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(*SOURCE_REF_COLUMNS).where(among(session, Source.id, wanted)))
    return {r.id: source_ref(r) for r in rows}


def load_attributes(session: Session) -> dict[int, AttributeRef]:
    """The whole vocabulary: it is small, and every claim list needs labels and units."""
    rows = session.execute(select(Attribute.id, Attribute.name, Attribute.label, Attribute.unit,
                                  Attribute.dimension))
    return {r.id: AttributeRef(r.id, r.name, r.label, r.unit, r.dimension) for r in rows}


def load_contradiction_refs(session: Session, claim_ids: Iterable[int]) -> dict[int, list[ContradictionRef]]:
    """The active contradiction groups each claim belongs to."""
    wanted = set(claim_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(ContradictionMember.claim_id, Contradiction.id, Contradiction.status,
               Contradiction.kind, Contradiction.severity, Contradiction.summary)
        .join(Contradiction, Contradiction.id == ContradictionMember.contradiction_id)
        .where(among(session, ContradictionMember.claim_id, wanted), Contradiction.active.is_(True))
        .order_by(Contradiction.severity.desc())
    )
    out: dict[int, list[ContradictionRef]] = defaultdict(list)
    for r in rows:
        out[r.claim_id].append(ContradictionRef(r.id, r.status, r.kind, r.severity, r.summary))
    return out


def load_citations(session: Session, claim_ids: Iterable[int]) -> dict[int, list[CitationView]]:
    """Citations per claim with their sources, in one query."""
    wanted = set(claim_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Citation.id.label("citation_id"), Citation.claim_id, Citation.quote, Citation.start,
               Citation.end, Citation.row, Citation.column, Citation.anchored, *SOURCE_REF_COLUMNS)
        .join(Source, Source.id == Citation.source_id)
        .where(among(session, Citation.claim_id, wanted)).order_by(Citation.id)
    ).all()
    out: dict[int, list[CitationView]] = defaultdict(list)
    sources: dict[int, SourceRef] = {}
    for r in rows:
        source = sources.get(r.id) or sources.setdefault(r.id, source_ref(r))
        out[r.claim_id].append(CitationView(
            id=r.citation_id, source=source, quote=r.quote, start=r.start, end=r.end,
            row=r.row, column=r.column, anchored=r.anchored,
        ))
    return out


def claim_views(session: Session, rows: Sequence[Any], *, attributes: dict[int, AttributeRef] | None = None,
                entities: dict[int, EntityRef] | None = None) -> list[ClaimView]:
    """Turn claim rows into views, loading what they refer to in a fixed number of queries."""
    if not rows:
        return []
    attributes = attributes if attributes is not None else load_attributes(session)
    known = dict(entities or {})
    missing = {r.subject_id for r in rows} | {r.model_id for r in rows if r.model_id}
    known.update(load_entities(session, missing - set(known)))
    ids = [r.id for r in rows]
    citations = load_citations(session, ids)
    contradictions = load_contradiction_refs(session, ids)
    return [
        ClaimView(
            id=r.id, subject=known[r.subject_id], attribute=attributes[r.attribute_id],
            statement=r.statement, figure_text=r.figure_text, low=r.low, high=r.high, unit=r.unit,
            bound=r.bound, precision=r.precision, method=r.method, unparsed_reason=r.unparsed_reason,
            period=r.period, scope=r.scope, model=known.get(r.model_id) if r.model_id else None,
            asserted_by=r.asserted_by, status=r.status, rank=r.rank, rank_reason=r.rank_reason,
            confidence=r.confidence, dataset_confidence=r.dataset_confidence, note=r.note,
            created_at=r.created_at, updated_at=r.updated_at, version=r.version,
            citations=citations.get(r.id, []), contradictions=contradictions.get(r.id, []),
        )
        for r in rows
    ]


def visible(query, statuses: Sequence[str] | None = None):
    """Restrict a claim query to what readers see: the statuses asked for, else all but hidden."""
    if statuses:
        return query.where(CLAIM.c.status.in_(statuses))
    return query.where(CLAIM.c.status.not_in(HIDDEN_STATUSES))
