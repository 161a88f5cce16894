"""The search page: matches grouped by type, best first, query terms marked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from kb import search as search_engine
from kb.models import Citation
from kb.search import SearchIds, highlight, search
from kb.web.contexts.common import (
    CLAIM, VIEW_COLUMNS, ClaimView, EntityRef, SourceRef, claim_views, load_entities, load_sources,
)
from kb.web.contexts.idlist import among

Segments = list[tuple[str, bool]]


@dataclass
class EntityHit:
    entity: EntityRef
    name: Segments
    fuzzy: bool


@dataclass
class ClaimHit:
    claim: ClaimView
    statement: Segments


@dataclass
class QuoteHit:
    citation_id: int
    claim_id: int
    source: SourceRef
    quote: Segments
    raw_quote: str


@dataclass
class SourceHit:
    source: SourceRef
    title: Segments


@dataclass
class SearchPage:
    query: str
    entities: list[EntityHit] = field(default_factory=list)
    claims: list[ClaimHit] = field(default_factory=list)
    quotes: list[QuoteHit] = field(default_factory=list)
    sources: list[SourceHit] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    ids: SearchIds | None = None
    claim_rows: list[Any] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.entities or self.claims or self.quotes or self.sources)

    @property
    def suggestion(self) -> str:
        return self.ids.suggestion if self.ids else ""

    def total_label(self, group: str) -> str:
        """A group's match count as shown: the true number, or "more than 10,000" past the cap."""
        n = self.totals.get(group, 0)
        return f"more than {search_engine.COUNT_CAP:,}" if n > search_engine.COUNT_CAP else f"{n:,}"


def search_page(session: Session, query: str, *, limit: int = 10) -> SearchPage:
    """Run the search and load what it found, a fixed number of queries per group."""
    query = query.strip()[:200]
    page = SearchPage(query=query)
    if not query:
        return page
    ids = search(session, query, limit=limit)
    page.ids, page.totals = ids, ids.totals
    entities = load_entities(session, ids.entities)
    page.entities = [EntityHit(entities[i], highlight(entities[i].name, ids.terms), i in ids.fuzzy)
                     for i in ids.entities if i in entities]
    rows = session.connection().execute(select(*VIEW_COLUMNS).where(among(CLAIM.c.id, ids.claims))).all() \
        if ids.claims else []
    order = {cid: n for n, cid in enumerate(ids.claims)}
    rows.sort(key=lambda r: order[r.id])
    page.claim_rows = rows
    page.claims = [ClaimHit(v, highlight(v.statement, ids.terms)) for v in claim_views(session, rows)]
    cites = session.connection().execute(select(Citation.id, Citation.claim_id, Citation.source_id, Citation.quote)
                            .where(among(Citation.id, ids.citations))).all() if ids.citations else []
    corder = {cid: n for n, cid in enumerate(ids.citations)}
    cites.sort(key=lambda r: corder[r.id])
    sources = load_sources(session, [c.source_id for c in cites] + ids.sources)
    page.quotes = [QuoteHit(c.id, c.claim_id, sources[c.source_id], highlight(c.quote, ids.terms), c.quote)
                   for c in cites]
    page.sources = [SourceHit(sources[i], highlight(sources[i].title, ids.terms)) for i in ids.sources if i in sources]
    return page
