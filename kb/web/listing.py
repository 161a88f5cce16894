"""Lists the Datasette way: filters as query parameters, facet counts, sorting, paging, .json/.csv."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlencode

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from kb.web.pagination import PageInfo, Paging
from kb.web.urls import with_query

# Past this many matches a list says "more than N" instead of counting, and facets count a sample.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass(frozen=True)
class ActiveFilter:
    name: str
    value: str
    label: str
    remove_url: str


@dataclass(frozen=True)
class SortOption:
    key: str
    label: str
    url: str
    selected: bool


@dataclass(frozen=True)
class ColumnOrder:
    """The column a list is sorted by, and which way (Datasette's ?_sort= / ?_sort_desc=)."""

    column: str
    descending: bool = False


def requested_order(q: "Query", columns: Sequence[str], default: ColumnOrder,
                    presets: dict[str, ColumnOrder] | None = None) -> ColumnOrder:
    """The order a request asks for: ?_sort_desc=, then ?_sort=, then a named ?sort= preset."""
    if (column := q.get("_sort_desc")) in columns:
        return ColumnOrder(column, True)
    if (column := q.get("_sort")) in columns:
        return ColumnOrder(column, False)
    return (presets or {}).get(q.get("sort") or "", default)


def header_links(q: "Query", columns: Sequence[str], current: ColumnOrder) -> dict[str, str]:
    """Each sortable column's header link: ascending first, descending when clicked again."""
    links = {}
    for column in columns:
        again = column == current.column and not current.descending
        links[column] = q.url(sort=None, _sort=None if again else column, _sort_desc=column if again else None)
    return links


def ordered(expression, descending: bool):
    """An ORDER BY term that keeps rows without a value last either way. A column that never holds
    one is ordered plainly: PostgreSQL reads an index backwards only as DESC NULLS FIRST, so a
    NULLS LAST on the id would sort a million rows to show the newest fifty."""
    term = expression.desc() if descending else expression.asc()
    return term if getattr(expression, "nullable", True) is False else term.nulls_last()


@dataclass
class ListPage:
    """A list page's context: what is listed, how it is narrowed, and where the rest is."""

    title: str
    path: str
    rows: list[Any]
    paging: PageInfo
    filters: list[ActiveFilter] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    sorts: list[SortOption] = field(default_factory=list)
    facets_sampled: bool = False
    json_url: str = ""
    csv_url: str = ""
    problems: list[str] = field(default_factory=list)
    order: ColumnOrder | None = None
    sort_links: dict[str, str] = field(default_factory=dict)   # column -> its header's link

    def aria_sort(self, column: str) -> str:
        if self.order is None or self.order.column != column:
            return "none"
        return "descending" if self.order.descending else "ascending"


class Query:
    """The parameters of a list request, kept in order so URLs built from them are stable."""

    def __init__(self, path: str, params: Iterable[tuple[str, str]]):
        self.path = path
        self.params = [(k, v) for k, v in params if v not in (None, "")]

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.params if k == name), None)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.params if k == name]

    def url(self, path: str | None = None, *, drop: Sequence[str] = ("page",), **changes: str | None) -> str:
        """This query with some parameters replaced or removed (None removes); page resets."""
        kept = [(k, v) for k, v in self.params if k not in changes and k not in drop]
        kept += [(k, v) for k, v in changes.items() if v is not None]
        return with_query(path or self.path, sorted(kept, key=lambda kv: kv[0]))

    def without(self, name: str, value: str) -> str:
        kept = [(k, v) for k, v in self.params if not (k == name and v == value) and k != "page"]
        return with_query(self.path, sorted(kept, key=lambda kv: kv[0]))

    def toggled(self, name: str, value: str) -> str:
        return self.toggler(name)(value)

    def toggler(self, name: str) -> Callable[[str], str]:
        """`toggled` for many values of one parameter: the rest of the query is encoded once."""
        kept = sorted(((k, v) for k, v in self.params if k not in (name, "page")), key=lambda kv: kv[0])
        before = urlencode([(k, v) for k, v in kept if k < name])
        after = urlencode([(k, v) for k, v in kept if k > name])

        key = quote_plus(name)

        def url(value: str) -> str:
            if (name, value) in self.params:
                return self.without(name, value)
            # What urlencode([(name, value)]) gives, without its checks for each call.
            return f"{self.path}?" + "&".join(p for p in (before, f"{key}={quote_plus(value)}", after) if p)
        return url


def capped_count_statement(query):
    """`query`'s rows counted up to a bound parameter `cap_plus_one` (see capped_count)."""
    limited = query.with_only_columns(query.selected_columns[0]).order_by(None).limit(bindparam("cap_plus_one"))
    return select(func.count()).select_from(limited.subquery())


def capped_count(session: Session, query, cap: int | None = None) -> tuple[int, bool]:
    """How many rows `query` matches, counting no further than `cap` (COUNT_CAP); (count, exact)."""
    return count_up_to(session, capped_count_statement(query), cap=cap)


def count_up_to(session: Session, counting, params: dict | None = None, cap: int | None = None) -> tuple[int, bool]:
    """capped_count with a statement from capped_count_statement, built once, and its `params`."""
    cap = COUNT_CAP if cap is None else cap
    n = session.connection().execute(counting, {**(params or {}), "cap_plus_one": cap + 1}).scalar_one()
    return (n, True) if n <= cap else (cap, False)


def exact_count(session: Session, query, params: dict | None = None) -> int:
    counting = select(func.count()).select_from(query.order_by(None).subquery())
    return session.connection().execute(counting, params or {}).scalar_one()


def page_info(query: Query, paging: Paging, total: int, exact: bool, has_next: bool, shown: int = 0) -> PageInfo:
    """Where this page sits in the list; a capped total becomes exact on the last page (`shown` rows)."""
    if not exact and not has_next and shown:
        total, exact = paging.offset + shown, True
    nxt = query.url(drop=(), page=str(paging.page + 1)) if has_next else None
    prev = query.url(drop=(), page=str(paging.page - 1) if paging.page > 2 else None) if paging.page > 1 else None
    return PageInfo(paging.page, paging.per_page, total, exact, nxt, prev)


def facet(query: Query, name: str, label: str, counts: Iterable[tuple[Any, int]],
          labels: Callable[[Any], str] = str, limit: int = 30) -> Facet:
    """A facet from (value, count) pairs: each value links to the list narrowed (or widened) by it."""
    selected = set(query.all(name))
    toggled = query.toggler(name)
    values = []
    for value, count in sorted(counts, key=lambda vc: (-vc[1], str(vc[0])))[:limit]:
        if value is None:
            continue
        v = str(value)
        values.append(FacetValue(v, labels(value), count, toggled(v), v in selected))
    return Facet(name, label, values)


def sort_options(query: Query, options: dict[str, str], current: str) -> list[SortOption]:
    return [SortOption(k, label, query.url(sort=k), k == current) for k, label in options.items()]


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV; cells that a spreadsheet would run as a formula are prefixed with a quote."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def json_page(items: list[Any], paging: Paging, total: int, next_url: str | None, *,
              exact: bool = True) -> dict[str, Any]:
    """The paged JSON envelope of DESIGN §5; without `exact`, `total` is a lower bound (more match)."""
    return {"items": items, "page": paging.page, "per_page": paging.per_page, "total": total,
            "total_is_exact": exact, "next": next_url}
