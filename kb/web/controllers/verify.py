"""The fact-check queue (/verify), the review pages behind it, and assigning items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from sqlmodel import Session

from kb.models import Role
from kb.services.errors import InvalidInput, NotFound
from kb.services.queue import ASSIGNED, KINDS, LEVELS, SORTS, QueueFilter, QueueItem, assign, queue_counts, queue_items
from kb.web.auth import CurrentUser, requires_role
from kb.web.controllers.edit_pages import claim_review_page, contradiction_review_page
from kb.web.forms import Form, FormBody, page, see_other
from kb.web.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE, PageInfo, Paging
from kb.web.urls import with_query

EDITOR = [requires_role(Role.EDITOR)]


@dataclass
class QueuePage:
    items: list[QueueItem]
    counts: dict[str, int]
    kinds: dict[str, str]
    selected_kinds: tuple[str, ...]
    level: str
    assigned: str
    sort: str
    me: CurrentUser
    here: str
    paging: PageInfo | None = None

    def url(self, **changes) -> str:
        params = {"kind": ",".join(self.selected_kinds) if len(self.selected_kinds) < len(self.kinds) else "",
                  "level": self.level, "assigned": "" if self.assigned == "anyone" else self.assigned,
                  "sort": "" if self.sort == "severity" else self.sort}
        params.update(changes)
        return with_query("/verify", params)

    @property
    def levels(self) -> list[str]:
        return list(LEVELS)

    def review_url(self, item: QueueItem) -> str:
        return f"/verify/{'claims' if item.object_type == 'claim' else 'contradictions'}/{item.object_id}"

    def assign_url(self, item: QueueItem, action: str) -> str:
        return f"{self.review_url(item)}/{action}"


@get("/verify", name="verify:queue", guards=EDITOR, sync_to_thread=True)
def queue(session: Session, current_user: CurrentUser, kind: str = "", level: str = "",
          assigned: str = "anyone", sort: str = "severity",
          page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
          per_page: Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE)] = DEFAULT_PER_PAGE) -> Response:
    kinds = tuple(k for k in kind.split(",") if k in KINDS) or tuple(KINDS)
    paging = Paging(page_number, per_page)
    flt = QueueFilter(kinds=kinds, level=level if level in LEVELS else "",
                      assigned=assigned if assigned in ASSIGNED else "anyone",
                      sort=sort if sort in SORTS else "severity",
                      offset=paging.offset, limit=paging.offset + per_page + 1)
    items = queue_items(session=session, flt=flt, user_id=current_user.id)
    has_next = len(items) > per_page
    items = items[:per_page]
    counts = queue_counts(session=session)
    context = QueuePage(items, counts, KINDS, kinds, flt.level, flt.assigned, flt.sort, current_user, "")
    context.here = context.url(page=str(paging.page) if paging.page > 1 else "")
    # The kind counts are the whole queue's; narrowed by severity or assignee, the total is known
    # only up to this page.
    narrowed = bool(flt.level) or flt.assigned != "anyone"
    total = sum(counts.get(k, 0) for k in kinds)
    exact = not narrowed or not has_next
    if narrowed:
        total = paging.offset + len(items)
    context.paging = PageInfo(
        paging.page, per_page, total, exact,
        context.url(page=str(paging.page + 1)) if has_next else None,
        context.url(page=str(paging.page - 1) if paging.page > 2 else "") if paging.page > 1 else None)
    return page("verify/queue.html", {"page": context})


@get("/verify/claims/{claim_id:int}", name="verify:claim", guards=EDITOR, sync_to_thread=True)
def review_claim(claim_id: int, session: Session, current_user: CurrentUser) -> Response:
    try:
        context = claim_review_page(session, claim_id, current_user)
    except LookupError as exc:
        raise NotFoundException(str(exc)) from None
    return page("verify/claim.html", {"page": context})


@get("/verify/contradictions/{contradiction_id:int}", name="verify:contradiction", guards=EDITOR,
     sync_to_thread=True)
def review_contradiction(contradiction_id: int, session: Session, current_user: CurrentUser) -> Response:
    try:
        context = contradiction_review_page(session, contradiction_id, current_user)
    except LookupError as exc:
        raise NotFoundException(str(exc)) from None
    return page("verify/contradiction.html", {"page": context})


def _assign(request: Request, session: Session, object_type: str, object_id: int, data: dict, user: CurrentUser,
            take: bool) -> Response:
    try:
        assign(session=session, object_type=object_type, object_id=object_id,
               user_id=user.id if take else None, actor_id=user.id)
    except NotFound as exc:
        raise NotFoundException(str(exc)) from None
    except InvalidInput as exc:
        raise NotFoundException(str(exc)) from None
    plural = "claims" if object_type == "claim" else "contradictions"
    notice = f"You took this {object_type.replace('_', ' ')} on." if take else f"You released this {object_type}."
    return see_other(f"/verify/{plural}/{object_id}", Form(data).text("next"), request=request, notice=notice)


@post("/verify/claims/{claim_id:int}/assign", name="verify:assign_claim", guards=EDITOR, sync_to_thread=True)
def assign_claim(request: Request, claim_id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    return _assign(request, session, "claim", claim_id, data, current_user, take=True)


@post("/verify/claims/{claim_id:int}/unassign", name="verify:unassign_claim", guards=EDITOR,
      sync_to_thread=True)
def unassign_claim(request: Request, claim_id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    return _assign(request, session, "claim", claim_id, data, current_user, take=False)


@post("/verify/contradictions/{contradiction_id:int}/assign", name="verify:assign_contradiction",
      guards=EDITOR, sync_to_thread=True)
def assign_contradiction(request: Request, contradiction_id: int, session: Session, data: FormBody,
                         current_user: CurrentUser) -> Response:
    return _assign(request, session, "contradiction", contradiction_id, data, current_user, take=True)


@post("/verify/contradictions/{contradiction_id:int}/unassign", name="verify:unassign_contradiction",
      guards=EDITOR, sync_to_thread=True)
def unassign_contradiction(request: Request, contradiction_id: int, session: Session, data: FormBody,
                           current_user: CurrentUser) -> Response:
    return _assign(request, session, "contradiction", contradiction_id, data, current_user, take=False)


ROUTES = [queue, review_claim, review_contradiction, assign_claim, unassign_claim, assign_contradiction,
          unassign_contradiction]
