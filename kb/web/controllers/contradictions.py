"""The contradictions list (most severe first) with .json/.csv twins, and a contradiction's page."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Template
from sqlmodel import Session

from kb.web.contexts.contradictions import contradiction_list, contradiction_page
from kb.web.contexts.entity import NotFound
from kb.web.controllers._shared import csv_response, json_list, missing, query_of
from kb.web.listing import to_csv
from kb.web.pagination import PageParam, Paging, PerPageParam

CSV_COLUMNS = ("id", "status", "kind", "severity", "subject", "attribute", "qualifiers", "members", "summary")


def _row(r) -> dict:
    return {"id": r.id, "status": r.status, "kind": r.kind, "severity": r.severity, "subject": r.subject.ref,
            "attribute": r.attribute.name, "qualifiers": r.qualifiers, "members": r.members, "summary": r.summary}


@get("/contradictions", name="contradictions:index", sync_to_thread=True, include_in_schema=False)
def index(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> Template:
    listing = contradiction_list(session, query_of(request), Paging(page, per_page))
    return Template("contradictions/index.html", context={"list": listing})


@get("/contradictions.json", name="contradictions:json", sync_to_thread=True, include_in_schema=False)
def as_json(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> dict:
    q, paging = query_of(request), Paging(page, per_page)
    listing = contradiction_list(session, q, paging, exact_total=True)
    return json_list(q, paging, listing, [_row(r) for r in listing.rows])


@get("/contradictions.csv", name="contradictions:csv", sync_to_thread=True, include_in_schema=False)
def as_csv(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> Response:
    listing = contradiction_list(session, query_of(request), Paging(page, per_page))
    return csv_response(to_csv([_row(r) for r in listing.rows], CSV_COLUMNS), "contradictions")


@get("/contradictions/{contradiction_id:int}", name="contradictions:show", sync_to_thread=True,
     include_in_schema=False)
def show(contradiction_id: int, session: Session) -> Template:
    try:
        context = contradiction_page(session, contradiction_id=contradiction_id)
    except NotFound as exc:
        raise missing(exc) from None
    return Template("contradictions/show.html", context={"page": context})


ROUTES = [index, as_json, as_csv, show]
