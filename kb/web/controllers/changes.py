"""Recent changes from the event log, with .json/.csv twins."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Template
from sqlmodel import Session

from kb.web.contexts.api import change_row_json
from kb.web.contexts.lists import change_list
from kb.web.controllers._shared import csv_response, json_list, query_of
from kb.web.listing import to_csv
from kb.web.pagination import PageParam, Paging, PerPageParam

CSV_COLUMNS = ("id", "created_at", "object_type", "object_id", "action", "user", "from_status", "to_status", "note")


@get("/changes", name="changes:index", sync_to_thread=True, include_in_schema=False)
def index(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> Template:
    return Template("changes/index.html", context={"list": change_list(session, query_of(request), Paging(page, per_page))})


@get("/changes.json", name="changes:json", sync_to_thread=True, include_in_schema=False)
def as_json(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> dict:
    q, paging = query_of(request), Paging(page, per_page)
    listing = change_list(session, q, paging, exact_total=True)
    return json_list(q, paging, listing, [change_row_json(r) for r in listing.rows])


@get("/changes.csv", name="changes:csv", sync_to_thread=True, include_in_schema=False)
def as_csv(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> Response:
    listing = change_list(session, query_of(request), Paging(page, per_page))
    return csv_response(to_csv([change_row_json(r) for r in listing.rows], CSV_COLUMNS), "changes")


ROUTES = [index, as_json, as_csv]
