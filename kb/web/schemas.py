"""Typed shapes of the JSON API (DESIGN §5); responses are converted into them, so OpenAPI tells the truth."""

from __future__ import annotations

from typing import Annotated, Optional, Union

import msgspec

from kb.search import COUNT_CAP as SEARCH_COUNT_CAP
from kb.web.listing import COUNT_CAP


class EntityOut(msgspec.Struct):
    kind: str
    slug: str
    name: str


class FigureOut(msgspec.Struct):
    low: Union[float, str, None]
    high: Union[float, str, None]
    unit: Optional[str]
    bound: Optional[str]
    text: Optional[str]


class QualifiersOut(msgspec.Struct):
    period: str
    scope: str
    model: Optional[EntityOut]
    asserted_by: str


class CitationOut(msgspec.Struct):
    source_id: int
    quote: str
    start: Optional[int]
    end: Optional[int]


class ClaimOut(msgspec.Struct):
    id: int
    subject: EntityOut
    attribute: str
    statement: str
    figure: Optional[FigureOut]
    qualifiers: QualifiersOut
    status: str
    rank: str
    confidence: Optional[float]
    citations: list[CitationOut]
    version: int


class EntitySummaryOut(msgspec.Struct):
    kind: str
    slug: str
    name: str
    description: str
    parent: Optional[EntityOut]
    claims: int


class RelationOut(msgspec.Struct):
    type: str
    direction: str
    entity: EntityOut


class ContradictionOut(msgspec.Struct):
    id: int
    status: str
    kind: str
    severity: float
    summary: str
    subject: EntityOut
    attribute: str
    qualifiers: str
    claim_ids: list[int]
    preferred_claim_id: Optional[int]
    note: str


class EntityDetailOut(msgspec.Struct):
    kind: str
    slug: str
    name: str
    description: str
    parent: Optional[EntityOut]
    aliases: list[str]
    relations: list[RelationOut]
    claims: list[ClaimOut]
    claims_total: int
    contradictions: list[ContradictionOut]


class SourceOut(msgspec.Struct):
    id: int
    title: str
    publisher: str
    author: str
    url: str
    published: Optional[str]
    date_precision: str
    kind: str
    derived_from_id: Optional[int]
    content_hash: Optional[str]


class SourceDetailOut(SourceOut):
    text: Optional[str] = None
    derived_ids: list[int] = []
    claim_ids: list[int] = []


class SearchEntityOut(msgspec.Struct):
    kind: str
    slug: str
    name: str
    fuzzy: bool


class SearchQuoteOut(msgspec.Struct):
    citation_id: int
    claim_id: int
    source_id: int
    quote: str


class SearchOut(msgspec.Struct):
    query: str
    entities: list[SearchEntityOut]
    claims: list[ClaimOut]
    quotes: list[SearchQuoteOut]
    sources: list[SourceOut]
    totals: Annotated[dict[str, int], msgspec.Meta(description=(
        f"Visible matches of claims, citations and sources, counted exactly up to {SEARCH_COUNT_CAP:,}; "
        f"{SEARCH_COUNT_CAP + 1:,} means more than {SEARCH_COUNT_CAP:,}. Entities counts the entities found, "
        f"near misses included."))]
    suggestion: Annotated[str, msgspec.Meta(description=(
        "When the query's words matched nothing: the query with misspelt names corrected, whose "
        "matches these are; empty otherwise."))] = ""


# Every list is paged alike; counting a million matches would cost more than the page itself, so a
# list may stop counting and say so.
Total = Annotated[int, msgspec.Meta(description=(
    f"How many items match: exact when `total_is_exact`, otherwise a lower bound (a list stops counting "
    f"past {COUNT_CAP:,} matches and then reports {COUNT_CAP:,}, meaning more than that)."))]
TotalIsExact = Annotated[bool, msgspec.Meta(description=(
    "True when `total` is the exact number of matches; false when more than `total` match."))]


class ClaimPageOut(msgspec.Struct):
    items: list[ClaimOut]
    page: int
    per_page: int
    total: Total
    total_is_exact: TotalIsExact
    next: Optional[str]


class EntityPageOut(msgspec.Struct):
    items: list[EntitySummaryOut]
    page: int
    per_page: int
    total: Total
    total_is_exact: TotalIsExact
    next: Optional[str]


class ContradictionPageOut(msgspec.Struct):
    items: list[ContradictionOut]
    page: int
    per_page: int
    total: Total
    total_is_exact: TotalIsExact
    next: Optional[str]


class SourcePageOut(msgspec.Struct):
    items: list[SourceOut]
    page: int
    per_page: int
    total: Total
    total_is_exact: TotalIsExact
    next: Optional[str]


def convert(data, type_):
    """Check `data` against the declared shape (a mismatch is a bug here, not the client's)."""
    return msgspec.convert(data, type_, strict=False)
