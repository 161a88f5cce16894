"""Page numbers and sizes for every list: ?page=N&per_page=M, at most 500 rows a page."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.params import Parameter

from kb.web.edge import MAX_ID

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50

# Query parameters shared by every list handler; Litestar answers 400 outside these bounds.
# Pages past MAX_ID would ask the database for an offset it cannot hold.
PageParam = Parameter(ge=1, le=MAX_ID, default=1, description="Page number, from 1.")
PerPageParam = Parameter(ge=1, le=MAX_PER_PAGE, default=DEFAULT_PER_PAGE,
                         description=f"Rows per page, at most {MAX_PER_PAGE}.")


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class PageInfo:
    page: int
    per_page: int
    total: int
    total_is_exact: bool
    next_url: str | None
    prev_url: str | None

    @property
    def first_row(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_row(self) -> int:
        return min(self.page * self.per_page, self.total) if self.total_is_exact else self.page * self.per_page

    @property
    def last_page(self) -> int | None:
        if not self.total_is_exact:
            return None
        return max(1, -(-self.total // self.per_page))
