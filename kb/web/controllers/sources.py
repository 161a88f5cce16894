"""The sources list with its .json/.csv twins, the source page, and its CSL-JSON and BibTeX exports."""

from __future__ import annotations

import re

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.response import Template
from sqlmodel import Session

from kb.models import Source
from kb.web.contexts.api import source_row_json
from kb.web.contexts.entity import NotFound
from kb.web.contexts.lists import source_list
from kb.web.contexts.source import bibtex, csl_json, source_page
from kb.web.controllers._shared import csv_response, json_list, missing, query_of
from kb.web.edge import parse_id
from kb.web.listing import to_csv
from kb.web.pagination import PageParam, Paging, PerPageParam

CSV_COLUMNS = ("id", "title", "publisher", "author", "url", "published", "date_precision", "kind",
               "derived_from_id", "claims")
_REF = re.compile(r"^(?P<id>[0-9]{1,18})(?P<format>\.csl\.json|\.bib)?$")


@get("/sources", name="sources:index", sync_to_thread=True, include_in_schema=False)
def index(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> Template:
    return Template("sources/index.html", context={"list": source_list(session, query_of(request), Paging(page, per_page))})


@get("/sources.json", name="sources:json", sync_to_thread=True, include_in_schema=False)
def as_json(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> dict:
    q, paging = query_of(request), Paging(page, per_page)
    listing = source_list(session, q, paging, exact_total=True)
    return json_list(q, paging, listing, [source_row_json(r) for r in listing.rows])


@get("/sources.csv", name="sources:csv", sync_to_thread=True, include_in_schema=False)
def as_csv(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> Response:
    listing = source_list(session, query_of(request), Paging(page, per_page))
    return csv_response(to_csv([source_row_json(r) for r in listing.rows], CSV_COLUMNS), "sources")


@get("/sources/{ref:str}", name="sources:show", sync_to_thread=True, include_in_schema=False)
def show(ref: str, session: Session) -> Template | Response:
    """/sources/12 is the page; /sources/12.csl.json and /sources/12.bib are its citation exports."""
    match = _REF.match(ref)
    source_id = parse_id(match["id"]) if match else None
    if source_id is None:
        raise NotFoundException(detail=f"no source {ref!r}")
    fmt = match["format"]
    if fmt:
        src = session.get(Source, source_id)
        if src is None:
            raise NotFoundException(detail=f"no source {source_id}")
        if fmt == ".bib":
            return Response(bibtex(src), media_type="application/x-bibtex; charset=utf-8")
        return Response([csl_json(src)], media_type="application/vnd.citationstyles.csl+json")
    try:
        context = source_page(session, source_id=source_id)
    except NotFound as exc:
        raise missing(exc) from None
    return Template("sources/show.html", context={"page": context})


ROUTES = [index, as_json, as_csv, show]
