"""Helpers the reader's controllers share (this module defines no routes)."""

from __future__ import annotations

from litestar import Request, Response
from litestar.exceptions import NotFoundException

from kb.web.listing import Query, json_page


def query_of(request: Request) -> Query:
    """The request's query parameters, repeated ones kept (?status=a&status=b)."""
    return Query(request.url.path.removesuffix(".json").removesuffix(".csv"), request.query_params.multi_items())


def csv_response(text: str, name: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'inline; filename="{name}.csv"'})


def missing(exc: Exception) -> NotFoundException:
    return NotFoundException(detail=str(exc))


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def json_list(q: Query, paging, listing, items: list, suffix: str = ".json") -> dict:
    """The paged envelope for a list's .json twin, its `next` pointing at the next .json page.

    Where the list stopped counting (more than COUNT_CAP matches) `total` is COUNT_CAP and
    `total_is_exact` false.
    """
    nxt = q.url(f"{q.path}{suffix}", drop=(), page=str(paging.page + 1)) if listing.paging.next_url else None
    return json_page(items, paging, listing.paging.total, nxt, exact=listing.paging.total_is_exact)


def get_or_404(session, model, row_id: int):
    """The row with this id, or a 404 naming what was not found."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFoundException(f"no {model.__name__.lower()} {row_id}")
    return row
