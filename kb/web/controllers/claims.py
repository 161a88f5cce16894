"""The claims list with its .json/.csv twins, and the claim page."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Template
from sqlmodel import Session

from kb.serialize import claims_json
from kb.web.contexts.claim import claim_page
from kb.web.contexts.claims import claim_list
from kb.web.contexts.entity import NotFound
from kb.web.controllers._shared import base_url, csv_response, json_list, missing, query_of
from kb.web.listing import to_csv
from kb.web.pagination import PageParam, Paging, PerPageParam

CSV_COLUMNS = ("id", "subject", "attribute", "statement", "figure_text", "low", "high", "unit", "bound",
               "period", "scope", "model", "asserted_by", "status", "rank", "confidence", "version",
               "source_ids")


@get("/claims", name="claims:index", sync_to_thread=True, include_in_schema=False)
def index(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> Template:
    listing, _ = claim_list(session, query_of(request), Paging(page, per_page))
    return Template("claims/index.html", context={"list": listing})


@get("/claims.json", name="claims:json", sync_to_thread=True, include_in_schema=False)
def as_json(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> dict:
    q, paging = query_of(request), Paging(page, per_page)
    listing, rows = claim_list(session, q, paging, with_facets=False, with_views=False)
    return json_list(q, paging, listing, claims_json(session=session, claims=rows))


@get("/claims.csv", name="claims:csv", sync_to_thread=True, include_in_schema=False)
def as_csv(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> Response:
    listing, _ = claim_list(session, query_of(request), Paging(page, per_page), with_facets=False)
    rows = [{
        "id": c.id, "subject": c.subject.ref, "attribute": c.attribute.name, "statement": c.statement,
        "figure_text": c.figure_text, "low": c.low, "high": c.high, "unit": c.unit, "bound": c.bound,
        "period": c.period, "scope": c.scope, "model": c.model.ref if c.model else "",
        "asserted_by": c.asserted_by, "status": c.status, "rank": c.rank, "confidence": c.confidence,
        "version": c.version, "source_ids": " ".join(str(x.source.id) for x in c.citations),
    } for c in listing.rows]
    return csv_response(to_csv(rows, CSV_COLUMNS), "claims")


@get("/claims/{claim_id:int}", name="claims:show", sync_to_thread=True, include_in_schema=False)
def show(claim_id: int, request: Request, session: Session) -> Template:
    try:
        context = claim_page(session, claim_id=claim_id, base_url=base_url(request))
    except NotFound as exc:
        raise missing(exc) from None
    return Template("claims/show.html", context={"page": context})


ROUTES = [index, as_json, as_csv, show]
