"""Entity lists and pages, one set of routes per kind: /labs, /labs.json, /labs.csv, /labs/{slug}."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Template
from sqlmodel import Session

from kb.web.contexts.api import entity_row_json
from kb.web.contexts.entity import NotFound, entity_page
from kb.web.contexts.lists import entity_list
from kb.web.controllers._shared import csv_response, json_list, missing, query_of
from kb.web.listing import to_csv
from kb.web.pagination import PageParam, Paging, PerPageParam
from kb.web.urls import KIND_PATHS

CSV_COLUMNS = ("kind", "slug", "name", "description", "parent", "claims")


def _routes(kind: str, path: str) -> list:
    @get(f"/{path}", name=f"{path}:index", sync_to_thread=True, include_in_schema=False)
    def index(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> Template:
        listing = entity_list(session, kind, query_of(request), Paging(page, per_page))
        return Template("entities/index.html", context={"list": listing, "kind": kind})

    @get(f"/{path}.json", name=f"{path}:json", sync_to_thread=True, include_in_schema=False)
    def as_json(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> dict:
        q, paging = query_of(request), Paging(page, per_page)
        listing = entity_list(session, kind, q, paging, exact_total=True)
        return json_list(q, paging, listing, [entity_row_json(r) for r in listing.rows])

    @get(f"/{path}.csv", name=f"{path}:csv", sync_to_thread=True, include_in_schema=False)
    def as_csv(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> Response:
        listing = entity_list(session, kind, query_of(request), Paging(page, per_page))
        rows = [{**entity_row_json(r), "parent": r.parent.ref if r.parent else ""} for r in listing.rows]
        return csv_response(to_csv(rows, CSV_COLUMNS), path)

    @get(f"/{path}/{{slug:str}}", name=f"{path}:show", sync_to_thread=True, include_in_schema=False)
    def show(request: Request, slug: str, session: Session) -> Template:
        try:
            context = entity_page(session, kind=kind, slug=slug, q=query_of(request))
        except NotFound as exc:
            raise missing(exc) from None
        return Template("entities/show.html", context={"page": context})

    return [index, as_json, as_csv, show]


ROUTES = [handler for kind, path in KIND_PATHS.items() for handler in _routes(kind, path)]
