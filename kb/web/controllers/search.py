"""Search: the page and its JSON twin in the API."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Template
from sqlmodel import Session

from kb.serialize import claims_json
from kb.web.auth import NO_CSRF_COOKIE
from kb.web.contexts.api import sources_json
from kb.web.contexts.search import search_page
from kb.web.schemas import SearchOut, convert


@get("/search", name="search:index", sync_to_thread=True, include_in_schema=False)
def index(session: Session, q: str = "") -> Template:
    return Template("search/index.html", context={"page": search_page(session, q)})


@get("/api/search", name="api:search", sync_to_thread=True, opt=NO_CSRF_COOKIE, tags=["search"],
     summary="Search claims, quotes, entities (typo-tolerant) and sources")
def api_search(session: Session, q: str = Parameter(description="What to look for.", max_length=200),
               limit: int = Parameter(ge=1, le=100, default=10, description="Results per group.")) -> SearchOut:
    page = search_page(session, q, limit=limit)
    data = {
        "query": page.query,
        "entities": [{"kind": h.entity.kind, "slug": h.entity.slug, "name": h.entity.name, "fuzzy": h.fuzzy}
                     for h in page.entities],
        "claims": claims_json(session=session, claims=page.claim_rows),
        "quotes": [{"citation_id": h.citation_id, "claim_id": h.claim_id, "source_id": h.source.id,
                    "quote": h.raw_quote} for h in page.quotes],
        "sources": sources_json(session, [h.source.id for h in page.sources]),
        "totals": page.totals,
        "suggestion": page.suggestion,
    }
    return convert(data, SearchOut)


ROUTES = [index, api_search]
