"""The read-only JSON API of DESIGN §5; every list is paged as {items, page, per_page, total, next}."""

from __future__ import annotations

from typing import Literal, Optional

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from sqlalchemy import or_, select
from sqlmodel import Session

from kb.models import Alias, Citation, Contradiction, ContradictionMember, Entity, Relation, Source
from kb.serialize import claims_json, entity_json
from kb.web.auth import NO_CSRF_COOKIE
from kb.web.contexts.api import claim_counts, contradictions_json, entity_row_json, source_json
from kb.web.contexts.claims import claim_list
from kb.web.contexts.common import CLAIM, RANK_ORDER, visible
from kb.web.contexts.lists import entity_list
from kb.web.controllers._shared import query_of
from kb.web.edge import MAX_ID
from kb.web.listing import Query, exact_count, json_page
from kb.web.pagination import PageParam, Paging, PerPageParam
from kb.web.schemas import (
    ClaimOut, ClaimPageOut, ContradictionPageOut, EntityDetailOut, EntityPageOut, SourceDetailOut,
    SourcePageOut, convert,
)

Kind = Literal["lab", "model", "technique", "chip", "product", "topic"]
Status = Literal["proposed", "unverified", "needs_verification", "verified", "disputed", "refuted",
                 "retracted", "rejected"]
ENTITY_CLAIMS = 500


def _next(request: Request, paging: Paging, has_next: bool) -> Optional[str]:
    if not has_next:
        return None
    return Query(request.url.path, request.query_params.multi_items()).url(drop=(), page=str(paging.page + 1))


@get("/api/entities", name="api:entities", sync_to_thread=True, opt=NO_CSRF_COOKIE,
     tags=["entities"], summary="List entities")
def entities(request: Request, session: Session, kind: Optional[Kind] = None, page: int = PageParam,
             per_page: int = PerPageParam) -> EntityPageOut:
    paging = Paging(page, per_page)
    if kind:
        listing = entity_list(session, kind, query_of(request), paging, exact_total=True)
        items, total, has_next = [entity_row_json(r) for r in listing.rows], listing.paging.total, bool(listing.paging.next_url)
    else:
        stmt = select(Entity).where(Entity.merged_into_id.is_(None))
        rows = session.execute(stmt.order_by(Entity.kind, Entity.name, Entity.id).offset(paging.offset)
                               .limit(per_page + 1)).scalars().all()
        has_next, rows = len(rows) > per_page, rows[:per_page]
        parents = {e.id: e for e in session.execute(select(Entity).where(
            Entity.id.in_({r.parent_id for r in rows} - {None}))).scalars()}
        counts = claim_counts(session, [r.id for r in rows])
        items = [{"kind": r.kind, "slug": r.slug, "name": r.name, "description": r.description,
                  "parent": entity_json(parents[r.parent_id]) if r.parent_id in parents else None,
                  "claims": counts.get(r.id, 0)} for r in rows]
        total = exact_count(session, stmt)
    return convert(json_page(items, paging, total, _next(request, paging, has_next)), EntityPageOut)


@get("/api/entities/{kind:str}/{slug:str}", name="api:entity", sync_to_thread=True, opt=NO_CSRF_COOKIE,
     tags=["entities"],
     summary="One entity with aliases, relations, claims and their contradictions")
def entity(kind: str, slug: str, session: Session) -> EntityDetailOut:
    e = session.execute(select(Entity).where(Entity.kind == kind, Entity.slug == slug)).scalar_one_or_none()
    if e is None:
        raise NotFoundException(detail=f"no {kind} {slug!r}")
    aliases = sorted(session.execute(select(Alias.name).where(Alias.entity_id == e.id)).scalars())
    rels = session.execute(select(Relation).where(or_(Relation.subject_id == e.id, Relation.object_id == e.id))).scalars().all()
    others = {r.object_id if r.subject_id == e.id else r.subject_id for r in rels} | ({e.parent_id} - {None})
    refs = {x.id: x for x in session.execute(select(Entity).where(Entity.id.in_(others))).scalars()} if others else {}
    relations = [{"type": r.type, "direction": "outgoing" if r.subject_id == e.id else "incoming",
                  "entity": entity_json(refs[r.object_id if r.subject_id == e.id else r.subject_id])} for r in rels]
    stmt = visible(select(CLAIM).where(CLAIM.c.subject_id == e.id))
    rows = session.execute(stmt.order_by(CLAIM.c.attribute_id, RANK_ORDER, CLAIM.c.id).limit(ENTITY_CLAIMS)).all()
    total = len(rows) if len(rows) < ENTITY_CLAIMS else exact_count(session, stmt)
    groups = session.execute(select(Contradiction).where(Contradiction.active.is_(True), Contradiction.id.in_(
        select(ContradictionMember.contradiction_id).where(ContradictionMember.claim_id.in_([r.id for r in rows])))
    )).scalars().all() if rows else []
    data = {"kind": e.kind, "slug": e.slug, "name": e.name, "description": e.description,
            "parent": entity_json(refs[e.parent_id]) if e.parent_id in refs else None, "aliases": aliases,
            "relations": relations, "claims": claims_json(session=session, claims=rows), "claims_total": total,
            "contradictions": contradictions_json(session, list(groups))}
    return convert(data, EntityDetailOut)


@get("/api/claims", name="api:claims", sync_to_thread=True, opt=NO_CSRF_COOKIE, tags=["claims"],
     summary="List claims (proposed and rejected ones only when asked for by status)")
def claims(request: Request, session: Session,
           subject: Optional[str] = Parameter(default=None, description="kind:slug, e.g. lab:deepseek"),
           attribute: Optional[str] = Parameter(default=None, description="An attribute name, e.g. training_cost"),
           status: Optional[list[Status]] = Parameter(default=None, description="One or more statuses"),
           source: Optional[int] = Parameter(default=None, ge=1, le=MAX_ID,
                                             description="Claims citing this source id"),
           page: int = PageParam, per_page: int = PerPageParam) -> ClaimPageOut:
    paging = Paging(page, per_page)
    listing, rows = claim_list(session, query_of(request), paging, with_facets=False, with_views=False)
    return convert(json_page(claims_json(session=session, claims=rows), paging, listing.paging.total,
                             _next(request, paging, bool(listing.paging.next_url)),
                             exact=listing.paging.total_is_exact), ClaimPageOut)


@get("/api/claims/{claim_id:int}", name="api:claim", sync_to_thread=True, opt=NO_CSRF_COOKIE,
     tags=["claims"], summary="One claim")
def claim(claim_id: int, session: Session) -> ClaimOut:
    rows = session.execute(select(CLAIM).where(CLAIM.c.id == claim_id)).all()
    if not rows:
        raise NotFoundException(detail=f"no claim {claim_id}")
    return convert(claims_json(session=session, claims=rows)[0], ClaimOut)


@get("/api/contradictions", name="api:contradictions", sync_to_thread=True, opt=NO_CSRF_COOKIE, tags=["contradictions"],
     summary="List contradiction groups, most severe first")
def contradictions(request: Request, session: Session,
                   status: Optional[Literal["open", "resolved", "explained"]] = None,
                   page: int = PageParam, per_page: int = PerPageParam) -> ContradictionPageOut:
    paging = Paging(page, per_page)
    stmt = select(Contradiction).where(Contradiction.active.is_(True))
    if status:
        stmt = stmt.where(Contradiction.status == status)
    rows = session.execute(stmt.order_by(Contradiction.severity.desc(), Contradiction.id)
                           .offset(paging.offset).limit(per_page + 1)).scalars().all()
    has_next, rows = len(rows) > per_page, rows[:per_page]
    return convert(json_page(contradictions_json(session, rows), paging, exact_count(session, stmt),
                             _next(request, paging, has_next)), ContradictionPageOut)


@get("/api/sources", name="api:sources", sync_to_thread=True, opt=NO_CSRF_COOKIE,
     tags=["sources"], summary="List sources")
def sources(request: Request, session: Session, page: int = PageParam, per_page: int = PerPageParam) -> SourcePageOut:
    paging = Paging(page, per_page)
    stmt = select(Source)
    rows = session.execute(stmt.order_by(Source.id).offset(paging.offset).limit(per_page + 1)).scalars().all()
    has_next, rows = len(rows) > per_page, rows[:per_page]
    return convert(json_page([source_json(s) for s in rows], paging, exact_count(session, stmt),
                             _next(request, paging, has_next)), SourcePageOut)


@get("/api/sources/{source_id:int}", name="api:source", sync_to_thread=True, opt=NO_CSRF_COOKIE, tags=["sources"],
     summary="One source with its text, derived sources and the claims citing it")
def source(source_id: int, session: Session) -> SourceDetailOut:
    s = session.get(Source, source_id)
    if s is None:
        raise NotFoundException(detail=f"no source {source_id}")
    derived = session.execute(select(Source.id).where(Source.derived_from_id == s.id).order_by(Source.id)).scalars().all()
    claim_ids = session.execute(select(Citation.claim_id).join(CLAIM, CLAIM.c.id == Citation.claim_id).where(
        Citation.source_id == s.id, CLAIM.c.status.not_in(("proposed", "rejected"))).distinct()
        .order_by(Citation.claim_id)).scalars().all()
    return convert({**source_json(s), "text": s.text, "derived_ids": list(derived), "claim_ids": list(claim_ids)},
                   SourceDetailOut)


ROUTES = [entities, entity, claims, claim, contradictions, sources, source]
