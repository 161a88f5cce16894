"""Read-side views shared by every page, and the batch loaders that fill them (no query per row)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import Integer, String, case, func, literal_column, select
from sqlmodel import Session

from kb.models import Attribute, Citation, Claim, Contradiction, ContradictionMember, Entity, Source
from kb.web import urls
from kb.web.contexts.idlist import among
from kb.web.formatting import format_figure, format_interval, format_precision

# Readers do not see these unless they ask for them by status.
HIDDEN_STATUSES = ("proposed", "rejected")
ATTENTION_STATUSES = ("needs_verification", "disputed")
CLAIM = Claim.__table__


def const(value: str | int):
    """A constant of a statement's own logic (an order of preference, the hidden statuses, a page size)
    written into its text rather than bound. PostgreSQL plans a prepared statement once for every
    execution; with the constants in the text that plan is the one it would make for them, where with
    bound ones it must guess (and guesses slower plans for the lab page's statements)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"not a SQL constant: {value!r}")
    if isinstance(value, int):
        return literal_column(str(value), Integer)
    return literal_column("'" + value.replace("'", "''") + "'", String)


RANK_ORDER = case((CLAIM.c.rank == const("preferred"), const(0)), (CLAIM.c.rank == const("normal"), const(1)),
                  else_=const(2))
STATUS_ORDER = case(
    (CLAIM.c.status == const("verified"), const(0)), (CLAIM.c.status == const("unverified"), const(1)),
    (CLAIM.c.status == const("needs_verification"), const(2)), (CLAIM.c.status == const("disputed"), const(3)),
    else_=const(4),
)
# The same preference as one number, smaller is better: the (rank, status) tier, then the higher
# confidence (confidence lies in [0, 1]; none sorts last). Lets the database find each group's best
# claim with MIN() over an index instead of sorting the group.
PREFERENCE_KEY = ((RANK_ORDER * const(5) + STATUS_ORDER) * const(10)
                  + func.coalesce(const(1) - CLAIM.c.confidence, const(9)))


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


# The claim columns a view copies as they are.
COPIED_COLUMNS = (
    "id", "statement", "figure_text", "low", "high", "unit", "bound", "precision", "method", "unparsed_reason",
    "period", "scope", "asserted_by", "status", "rank", "rank_reason", "confidence", "dataset_confidence", "note",
    "version",
)
# What lists select of a claim: the view's columns and its references, not its timestamps (which
# only the claim's own page shows, and which SQLite hands back as text to be parsed, row by row).
VIEW_COLUMNS = tuple(CLAIM.c[name] for name in (*COPIED_COLUMNS, "subject_id", "attribute_id", "model_id"))


@dataclass
class ClaimView:
    # The claim's own columns first, in COPIED_COLUMNS order, then what the loaders add.
    id: int
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
    asserted_by: str
    status: str
    rank: str
    rank_reason: str
    confidence: float | None
    dataset_confidence: str
    note: str
    version: int
    subject: EntityRef
    attribute: AttributeRef
    model: EntityRef | None
    citations: list[CitationView] = field(default_factory=list)
    contradictions: list[ContradictionRef] = field(default_factory=list)
    created_at: datetime | None = None   # set from rows that carry them (the claim page's)
    updated_at: datetime | None = None

    @property
    def url(self) -> str:
        return urls.claim_url(self.id)

    # Views are built once per request and read many times by the templates: computed once each.
    @cached_property
    def figure(self) -> str:
        return format_figure(self.low, self.high, self.unit, self.bound, self.precision)

    @property
    def stated_text(self) -> str:
        """The figure as its source wrote it, when that says more than the figure shown (a dataset's
        bare number does not)."""
        text = (self.figure_text or "").strip()
        try:
            float(text)
        except ValueError:
            return text
        return ""

    @property
    def interval(self) -> str:
        return format_interval(self.low, self.high, self.unit, self.bound, self.precision)

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


ENTITY = Entity.__table__
SOURCE = Source.__table__
CITATION = Citation.__table__
CONTRADICTION = Contradiction.__table__
MEMBER = ContradictionMember.__table__
ATTRIBUTE = Attribute.__table__
ENTITY_REF_COLUMNS = (ENTITY.c.id, ENTITY.c.kind, ENTITY.c.slug, ENTITY.c.name)
SOURCE_REF_COLUMNS = (
    SOURCE.c.id, SOURCE.c.title, SOURCE.c.publisher, SOURCE.c.kind, SOURCE.c.published,
    SOURCE.c.date_precision, SOURCE.c.url, SOURCE.c.derived_from_id,
)

# The loaders' statements are built once: a request only binds the ids (see idlist).
ENTITIES_BY_ID = select(*ENTITY_REF_COLUMNS).where(among(ENTITY.c.id, "ids"))
SOURCES_BY_ID = select(*SOURCE_REF_COLUMNS).where(among(SOURCE.c.id, "ids"))
ATTRIBUTES = select(ATTRIBUTE.c.id, ATTRIBUTE.c.name, ATTRIBUTE.c.label, ATTRIBUTE.c.unit, ATTRIBUTE.c.dimension)
CONTRADICTIONS_OF_CLAIMS = (
    select(MEMBER.c.claim_id, CONTRADICTION.c.id, CONTRADICTION.c.status, CONTRADICTION.c.kind,
           CONTRADICTION.c.severity, CONTRADICTION.c.summary)
    .join(CONTRADICTION, CONTRADICTION.c.id == MEMBER.c.contradiction_id)
    .where(among(MEMBER.c.claim_id, "ids"), CONTRADICTION.c.active.is_(True))
    .order_by(CONTRADICTION.c.severity.desc())
)
CITATIONS_OF_CLAIMS = (
    select(CITATION.c.id.label("citation_id"), CITATION.c.claim_id, CITATION.c.quote, CITATION.c.start,
           CITATION.c.end, CITATION.c.row, CITATION.c.column, CITATION.c.anchored, *SOURCE_REF_COLUMNS)
    .join(SOURCE, SOURCE.c.id == CITATION.c.source_id)
    .where(among(CITATION.c.claim_id, "ids")).order_by(CITATION.c.id)
)


def load_entities(session: Session, ids: Iterable[int]) -> dict[int, EntityRef]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {r.id: entity_ref(r) for r in session.connection().execute(ENTITIES_BY_ID, {"ids": wanted}).all()}


def load_sources(session: Session, ids: Iterable[int]) -> dict[int, SourceRef]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {r.id: source_ref(r) for r in session.connection().execute(SOURCES_BY_ID, {"ids": wanted}).all()}


def load_attributes(session: Session) -> dict[int, AttributeRef]:
    """The whole vocabulary: it is small, and every claim list needs labels and units."""
    return {i: AttributeRef(i, name, label, unit, dimension)
            for i, name, label, unit, dimension in session.connection().execute(ATTRIBUTES).all()}


def load_contradiction_refs(session: Session, claim_ids: Iterable[int]) -> dict[int, list[ContradictionRef]]:
    """The active contradiction groups each claim belongs to."""
    wanted = set(claim_ids)
    if not wanted:
        return {}
    out: dict[int, list[ContradictionRef]] = defaultdict(list)
    for r in session.connection().execute(CONTRADICTIONS_OF_CLAIMS, {"ids": wanted}).all():
        out[r.claim_id].append(ContradictionRef(r.id, r.status, r.kind, r.severity, r.summary))
    return out


def load_citations(session: Session, claim_ids: Iterable[int]) -> dict[int, list[CitationView]]:
    """Citations per claim with their sources, in one query."""
    wanted = set(claim_ids)
    if not wanted:
        return {}
    out: dict[int, list[CitationView]] = defaultdict(list)
    sources: dict[int, SourceRef] = {}
    # Unpacked by position (the statement's column order): cheaper than a Row's attribute lookups.
    rows = session.connection().execute(CITATIONS_OF_CLAIMS, {"ids": wanted}).all()
    for citation_id, claim_id, quote, start, end, row, column, anchored, *source in rows:
        ref = sources.get(source[0]) or sources.setdefault(source[0], SourceRef(*source))
        out[claim_id].append(CitationView(citation_id, ref, quote, start, end, row, column, anchored))
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
    copied, refs = _getters(rows[0])
    views = []
    for r in rows:
        subject_id, attribute_id, model_id = refs(r)
        views.append(ClaimView(
            *copied(r), known[subject_id], attributes[attribute_id], known.get(model_id) if model_id else None,
            citations.get(r.id, []), contradictions.get(r.id, []),
        ))
    if hasattr(rows[0], "updated_at"):
        for view, r in zip(views, rows):
            view.created_at, view.updated_at = r.created_at, r.updated_at
    return views


def _getters(first):
    """Getters of a claim's copied columns and of its references, for result rows or for Claim objects."""
    fields = getattr(first, "_fields", None)
    if fields is None:
        return attrgetter(*COPIED_COLUMNS), attrgetter("subject_id", "attribute_id", "model_id")
    # Rows by position: a Row's attribute lookups cost more than the rest of building a view.
    return (itemgetter(*(fields.index(name) for name in COPIED_COLUMNS)),
            itemgetter(fields.index("subject_id"), fields.index("attribute_id"), fields.index("model_id")))


def fixed(values: Iterable[str]) -> list:
    """`values` for IN as constants of the statement (see `const`)."""
    return [const(v) for v in values]


def visible(query):
    """Restrict a claim query to what readers see: every status but the hidden ones. (Statuses a
    reader asks for are values to bind, as the claims list does, not constants of a statement.)"""
    return query.where(CLAIM.c.status.not_in(fixed(HIDDEN_STATUSES)))
