"""The entity lists (/labs, /models, ...), the sources list and the recent changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from kb.models import Alias, Citation, Contradiction, Entity, Event, Source, User
from kb.web import urls
from kb.web.contexts.common import CLAIM, HIDDEN_STATUSES, EntityRef, SourceRef, load_entities, source_ref
from kb.web.listing import (
    ActiveFilter, ColumnOrder, ListPage, Query, capped_count, exact_count, facet, header_links, ordered,
    page_info, requested_order,
)
from kb.web.pagination import Paging


ENTITY_COLUMNS = {"name": Entity.name, "id": Entity.id}
SOURCE_COLUMNS = {"title": Source.title, "publisher": Source.publisher, "published": Source.published,
                  "kind": Source.kind}


@dataclass
class EntityRow:
    entity: EntityRef
    description: str
    parent: EntityRef | None
    aliases: int
    claims: int
    open_contradictions: int


@dataclass
class SourceRow:
    source: SourceRef
    author: str
    claims: int
    derived_from: SourceRef | None


@dataclass
class ChangeRow:
    id: int
    when: datetime
    object_type: str
    object_id: int
    action: str
    actor: str | None
    from_status: str | None
    to_status: str | None
    note: str

    @property
    def object_url(self) -> str | None:
        return {"claim": urls.claim_url, "source": urls.source_url,
                "contradiction": urls.contradiction_url}.get(self.object_type, lambda _: None)(self.object_id)


def _total(session, stmt, exact: bool):
    return (exact_count(session, stmt), True) if exact else capped_count(session, stmt)


def entity_list(session: Session, kind: str, q: Query, paging: Paging, *, exact_total: bool = False) -> ListPage:
    """Entities of one kind, by name; filter by parent (a model's lab) and a name prefix."""
    stmt = select(Entity.id, Entity.kind, Entity.slug, Entity.name, Entity.description, Entity.parent_id) \
        .where(Entity.kind == kind, Entity.merged_into_id.is_(None))
    filters = []
    if parent := q.get("parent"):
        pkind, _, pslug = parent.partition(":")
        stmt = stmt.where(Entity.parent_id.in_(select(Entity.id).where(Entity.kind == pkind, Entity.slug == pslug)))
        filters.append(ActiveFilter("parent", parent, f"part of {parent}", q.without("parent", parent)))
    if prefix := q.get("q"):
        stmt = stmt.where(Entity.name.ilike(f"{prefix.replace('%', '').replace('_', '')}%"))
        filters.append(ActiveFilter("q", prefix, f"name starts with {prefix}", q.without("q", prefix)))
    order = requested_order(q, list(ENTITY_COLUMNS), ColumnOrder("name"),
                            {"name": ColumnOrder("name"), "newest": ColumnOrder("id", True)})
    rows = session.execute(stmt.order_by(ordered(ENTITY_COLUMNS[order.column], order.descending), Entity.id)
                           .offset(paging.offset).limit(paging.per_page + 1)).all()
    total, exact = _total(session, stmt, exact_total)
    has_next = len(rows) > paging.per_page
    rows = rows[:paging.per_page]
    ids = [r.id for r in rows]
    parents = load_entities(session, {r.parent_id for r in rows})
    claims = dict(session.execute(select(CLAIM.c.subject_id, func.count()).where(
        CLAIM.c.subject_id.in_(ids), CLAIM.c.status.not_in(HIDDEN_STATUSES)).group_by(CLAIM.c.subject_id)).all())
    aliases = dict(session.execute(select(Alias.entity_id, func.count()).where(Alias.entity_id.in_(ids))
                                   .group_by(Alias.entity_id)).all())
    conflicts = dict(session.execute(select(Contradiction.subject_id, func.count()).where(
        Contradiction.subject_id.in_(ids), Contradiction.status == "open", Contradiction.active.is_(True))
        .group_by(Contradiction.subject_id)).all())
    m = stmt.order_by(None).limit(10_000).subquery("m")
    parent_counts = session.execute(
        select(Entity.kind, Entity.slug, Entity.name, func.count()).select_from(m)
        .join(Entity, Entity.id == m.c.parent_id).group_by(Entity.kind, Entity.slug, Entity.name)).all() \
        if kind != "lab" else []
    page = ListPage(
        title=urls.KIND_LABELS[kind], path=q.path,
        rows=[EntityRow(EntityRef(r.id, r.kind, r.slug, r.name), r.description, parents.get(r.parent_id),
                        aliases.get(r.id, 0), claims.get(r.id, 0), conflicts.get(r.id, 0)) for r in rows],
        paging=page_info(q, paging, total, exact, has_next, shown=len(rows)), filters=filters,
        order=order, sort_links=header_links(q, list(ENTITY_COLUMNS), order),
        json_url=q.url(f"{q.path}.json", drop=()), csv_url=q.url(f"{q.path}.csv", drop=()),
    )
    if parent_counts:
        names = {f"{k}:{s}": name for k, s, name, _ in parent_counts}
        page.facets = [facet(q, "parent", "Part of", [(f"{k}:{s}", n) for k, s, _, n in parent_counts],
                             labels=lambda ref: names.get(ref, ref))]
    return page


def source_list(session: Session, q: Query, paging: Paging, *, exact_total: bool = False) -> ListPage:
    """Sources, newest first; filter by kind and publisher."""
    stmt = select(Source.id, Source.title, Source.publisher, Source.kind, Source.published,
                  Source.date_precision, Source.url, Source.derived_from_id, Source.author)
    filters = []
    for name, column in (("kind", Source.kind), ("publisher", Source.publisher)):
        if value := q.get(name):
            stmt = stmt.where(column == value)
            filters.append(ActiveFilter(name, value, f"{name} {value}", q.without(name, value)))
    order = requested_order(q, list(SOURCE_COLUMNS), ColumnOrder("published", True), {
        "newest": ColumnOrder("published", True), "oldest": ColumnOrder("published"),
        "title": ColumnOrder("title")})
    rows = session.execute(stmt.order_by(ordered(SOURCE_COLUMNS[order.column], order.descending),
                                         Source.id.desc() if order.descending else Source.id)
                           .offset(paging.offset).limit(paging.per_page + 1)).all()
    total, exact = _total(session, stmt, exact_total)
    has_next = len(rows) > paging.per_page
    rows = rows[:paging.per_page]
    ids = [r.id for r in rows]
    counts = dict(session.execute(select(Citation.source_id, func.count(func.distinct(Citation.claim_id)))
                                  .where(Citation.source_id.in_(ids)).group_by(Citation.source_id)).all())
    parents = {r.id: source_ref(r) for r in session.execute(
        select(Source.id, Source.title, Source.publisher, Source.kind, Source.published, Source.date_precision,
               Source.url, Source.derived_from_id).where(Source.id.in_({r.derived_from_id for r in rows} - {None})))}
    matched = stmt.order_by(None).limit(10_000).subquery()
    page = ListPage(
        title="Sources", path=q.path,
        rows=[SourceRow(source_ref(r), r.author, counts.get(r.id, 0), parents.get(r.derived_from_id)) for r in rows],
        paging=page_info(q, paging, total, exact, has_next, shown=len(rows)), filters=filters,
        order=order, sort_links=header_links(q, list(SOURCE_COLUMNS), order),
        json_url=q.url("/sources.json", drop=()), csv_url=q.url("/sources.csv", drop=()),
    )
    page.facets = [f for f in (
        facet(q, "kind", "Kind", session.execute(select(matched.c.kind, func.count()).group_by(matched.c.kind)).all()),
        facet(q, "publisher", "Publisher", session.execute(
            select(matched.c.publisher, func.count()).where(matched.c.publisher != "").group_by(matched.c.publisher)).all()),
    ) if f.values]
    return page


def change_list(session: Session, q: Query, paging: Paging, *, exact_total: bool = False) -> ListPage:
    """Recent history from the event log, newest first; filter by user and object type."""
    stmt = select(Event.id, Event.created_at, Event.object_type, Event.object_id, Event.action, Event.actor_id,
                  Event.from_status, Event.to_status, Event.note)
    filters = []
    if user := q.get("user"):
        stmt = stmt.where(Event.actor_id.in_(select(User.id).where(User.username == user)))
        filters.append(ActiveFilter("user", user, f"by {user}", q.without("user", user)))
    if object_type := q.get("object_type"):
        stmt = stmt.where(Event.object_type == object_type)
        filters.append(ActiveFilter("object_type", object_type, f"{object_type}s", q.without("object_type", object_type)))
    rows = session.execute(stmt.order_by(Event.created_at.desc(), Event.id.desc())
                           .offset(paging.offset).limit(paging.per_page + 1)).all()
    total, exact = _total(session, stmt, exact_total)
    has_next = len(rows) > paging.per_page
    rows = rows[:paging.per_page]
    users = _usernames(session, rows)
    matched = stmt.order_by(None).order_by(Event.id.desc()).limit(10_000).subquery()
    types = session.execute(select(matched.c.object_type, func.count()).group_by(matched.c.object_type)).all()
    actors = session.execute(select(User.username, func.count()).join(matched, matched.c.actor_id == User.id)
                             .group_by(User.username)).all()
    page = ListPage(
        title="Recent changes", path=q.path,
        rows=[_change_row(r, users) for r in rows],
        paging=page_info(q, paging, total, exact, has_next, shown=len(rows)), filters=filters,
        json_url=q.url("/changes.json", drop=()), csv_url=q.url("/changes.csv", drop=()),
    )
    page.facets = [f for f in (facet(q, "object_type", "Object", types), facet(q, "user", "User", actors)) if f.values]
    return page


def _usernames(session: Session, rows) -> dict[int, str]:
    ids = {r.actor_id for r in rows} - {None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def _change_row(r, users: dict[int, str]) -> ChangeRow:
    return ChangeRow(r.id, r.created_at, r.object_type, r.object_id, r.action, users.get(r.actor_id),
                     r.from_status, r.to_status, r.note)


def recent_changes(session: Session, *, limit: int) -> list[ChangeRow]:
    rows = session.execute(select(Event.id, Event.created_at, Event.object_type, Event.object_id, Event.action,
                                  Event.actor_id, Event.from_status, Event.to_status, Event.note)
                           .order_by(Event.created_at.desc(), Event.id.desc()).limit(limit)).all()
    return [_change_row(r, _usernames(session, rows)) for r in rows]


def isoformat(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
