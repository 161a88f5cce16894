"""The entity page: identity, relations, claims grouped by attribute, a lab's roll-up of its models."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from kb.charts import TimePoint, figures_over_time
from kb.models import Alias, Contradiction, Entity, Relation
from kb.web import urls
from kb.web.contexts.common import (
    ATTENTION_STATUSES, CLAIM, ENTITY_REF_COLUMNS, PREFERENCE_KEY, RANK_ORDER, STATUS_ORDER, AttributeRef,
    ClaimView, ContradictionRef, EntityRef, among, claim_views, entity_ref, load_attributes, visible,
)

SHOWN_PER_ATTRIBUTE = 5   # the lead figure and four beside it; the rest are a link away
ROLLUP_PER_ATTRIBUTE = 8
ATTENTION_SHOWN = 8
RELATIONS_SHOWN = 100

OUTGOING = {
    "uses_technique": "Uses techniques", "introduced_technique": "Introduced techniques",
    "trained_on_chip": "Trained on chips", "distilled_from": "Distilled from",
    "successor_of": "Successor of", "subsidiary_of": "Subsidiary of", "built_on": "Built on",
    "variant_of": "Variant of",
}
INCOMING = {
    "uses_technique": "Used by", "introduced_technique": "Introduced by",
    "trained_on_chip": "Models trained on it", "distilled_from": "Distilled into",
    "successor_of": "Succeeded by", "subsidiary_of": "Subsidiaries", "built_on": "Built upon by",
    "variant_of": "Variants",
}
CHILD_LABELS = {"model": "Models", "chip": "Chips", "product": "Products", "lab": "Divisions",
                "technique": "Techniques", "topic": "Subtopics"}


class NotFound(LookupError):
    """No such entity (or claim, source, contradiction)."""


@dataclass
class RelationGroup:
    label: str
    entities: list[EntityRef]


@dataclass
class AttributeGroup:
    attribute: AttributeRef
    total: int
    claims: list[ClaimView]
    more_url: str

    @property
    def lead(self) -> ClaimView:
        return self.claims[0]

    @property
    def others(self) -> list[ClaimView]:
        return self.claims[1:]

    @property
    def conflicted(self) -> bool:
        return any(c.open_contradictions for c in self.claims)


@dataclass
class Attention:
    claims: list[ClaimView]
    claim_total: int
    contradictions: list[ContradictionRef]
    contradiction_total: int

    def __bool__(self) -> bool:
        return bool(self.claim_total or self.contradiction_total)


@dataclass
class EntityPage:
    entity: EntityRef
    description: str
    parent: EntityRef | None
    aliases: list[str]
    relations: list[RelationGroup]
    attention: Attention
    groups: list[AttributeGroup]
    rollup: list[AttributeGroup]
    claim_total: int
    chart: Markup | None = None
    chart_points: list[TimePoint] = field(default_factory=list)

    @property
    def claims_url(self) -> str:
        return urls.with_query("/claims", {"subject": self.entity.ref})


def entity_page(session: Session, *, kind: str, slug: str) -> EntityPage:
    """Everything the page for `kind:slug` shows, in a fixed number of queries."""
    row = session.execute(
        select(*ENTITY_REF_COLUMNS, Entity.description, Entity.parent_id)
        .where(Entity.kind == kind, Entity.slug == slug)
    ).first()
    if row is None:
        raise NotFound(f"no {kind} {slug!r}")
    entity = entity_ref(row)
    attributes = load_attributes(session)
    relations, parent, children = _relations(session, entity, row.parent_id)
    aliases = sorted(
        {a for (a,) in session.execute(select(Alias.name).where(Alias.entity_id == entity.id))} - {entity.name},
        key=str.casefold,
    )
    known = {e.id: e for group in relations for e in group.entities} | {entity.id: entity}
    subject_ids = [entity.id] + [c.id for c in children]
    own_rows = _ranked(session, [entity.id], by_subject=False)
    child_rows = _ranked(session, [c.id for c in children], by_subject=True) if children else []
    attention, attention_rows = _attention(session, subject_ids)
    # One batch of loaders for every claim the page shows, however many groups they fall in.
    views = {v.id: v for v in claim_views(session, own_rows + child_rows + attention_rows,
                                            attributes=attributes, entities=known)}
    groups, total = _groups(own_rows, views, attributes, more={"subject": entity.ref})
    rollup, _ = _groups(child_rows, views, attributes, more={"lab": entity.slug, "kind": "model"})
    attention.claims = [views[r.id] for r in attention_rows]
    page = EntityPage(
        entity=entity, description=row.description, parent=parent, aliases=aliases,
        relations=relations, attention=attention, groups=groups, rollup=rollup, claim_total=total,
    )
    if kind == "lab":
        shown = [c for g in groups + rollup for c in g.claims]
        page.chart_points = time_points(shown)
        page.chart = figures_over_time(page.chart_points, title=f"{entity.name}: figures over time")
    return page


def time_points(claims: list[ClaimView]) -> list[TimePoint]:
    """Dated figures (by their first source's publication date) for the over-time chart."""
    points = []
    for c in claims:
        source = c.first_source
        if c.has_figure and c.unit != "date" and source and source.published:
            points.append(TimePoint(
                series=c.attribute.label, unit=c.unit, when=source.published, low=c.low,
                high=c.high, label=f"{c.subject.name}: {c.figure}", url=c.url,
            ))
    return points


def _relations(session: Session, entity: EntityRef, parent_id: int | None):
    rel_rows = session.execute(
        select(Relation.subject_id, Relation.type, Relation.object_id)
        .where(or_(Relation.subject_id == entity.id, Relation.object_id == entity.id))
        .limit(RELATIONS_SHOWN * 4)
    ).all()
    other_ids = {r.object_id if r.subject_id == entity.id else r.subject_id for r in rel_rows}
    wanted = other_ids | ({parent_id} if parent_id else set())
    rows = session.execute(
        select(*ENTITY_REF_COLUMNS, Entity.parent_id)
        .where(or_(Entity.id.in_(wanted), Entity.parent_id == entity.id))
        .order_by(Entity.name).limit(RELATIONS_SHOWN * 8)
    ).all()
    refs = {r.id: entity_ref(r) for r in rows}
    parents_of = {r.id: r.parent_id for r in rows}
    grouped: dict[str, list[EntityRef]] = defaultdict(list)
    children = [refs[r.id] for r in rows if r.parent_id == entity.id]
    for child in children:
        grouped[CHILD_LABELS.get(child.kind, "Members")].append(child)
    for r in rel_rows:
        if r.subject_id == entity.id and r.object_id in refs:
            grouped[OUTGOING[r.type]].append(refs[r.object_id])
        elif r.subject_id in refs:
            grouped[INCOMING[r.type]].append(refs[r.subject_id])
    if entity.kind == "technique":
        _origin_labs(session, grouped, refs, parents_of)
    parent = refs.get(parent_id) if parent_id else None
    groups = [RelationGroup(label, sorted(set(es), key=lambda e: e.name.casefold())[:RELATIONS_SHOWN])
              for label, es in grouped.items()]
    if parent:
        groups.insert(0, RelationGroup("Part of" if parent.kind != "lab" else "Lab", [parent]))
    return groups, parent, children


def _origin_labs(session, grouped, refs, parents_of) -> None:
    """A technique's origin lab: the lab that introduced it, or the lab of the model that did."""
    introducers = grouped.get("Introduced by", [])
    labs = {e.id for e in introducers if e.kind == "lab"}
    missing = {parents_of.get(e.id) for e in introducers if e.kind != "lab"} - {None}
    if missing:
        for r in session.execute(select(*ENTITY_REF_COLUMNS).where(Entity.id.in_(missing))):
            refs[r.id] = entity_ref(r)
            labs.add(r.id)
    if labs:
        grouped["Origin lab"] = [refs[i] for i in labs if i in refs]


def _ranked(session, subject_ids, *, by_subject: bool) -> list:
    """Claim rows per attribute, the best first. With by_subject, one claim per (subject, attribute)."""
    among_subjects = among(session, CLAIM.c.subject_id, subject_ids)
    # Rank on narrow rows read from ix_claim_subject_ranking, then fetch the few full rows shown.
    if by_subject:
        # Each cell's best claim: its smallest preference key, then the smallest id with that key.
        cell = visible(select(CLAIM.c.subject_id, CLAIM.c.attribute_id, func.min(PREFERENCE_KEY).label("best"))
                       .where(among_subjects).group_by(CLAIM.c.subject_id, CLAIM.c.attribute_id)).subquery("cell")
        best = visible(select(func.min(CLAIM.c.id).label("id"), cell.c.subject_id, cell.c.attribute_id)
                       .select_from(CLAIM).join(cell, and_(CLAIM.c.subject_id == cell.c.subject_id,
                                                           CLAIM.c.attribute_id == cell.c.attribute_id,
                                                           PREFERENCE_KEY == cell.c.best))
                       .group_by(cell.c.subject_id, cell.c.attribute_id)).subquery("best")
        ranked = select(
            best.c.id, best.c.attribute_id,
            func.row_number().over(partition_by=best.c.attribute_id, order_by=best.c.subject_id).label("rn"),
            func.count().over(partition_by=best.c.attribute_id).label("n"),
        ).subquery()
        limit = ROLLUP_PER_ATTRIBUTE
    else:
        order = (RANK_ORDER, STATUS_ORDER, CLAIM.c.confidence.desc().nulls_last(), CLAIM.c.id)
        ranked = visible(select(
            CLAIM.c.id, CLAIM.c.attribute_id,
            func.row_number().over(partition_by=CLAIM.c.attribute_id, order_by=order).label("rn"),
            func.count().over(partition_by=CLAIM.c.attribute_id).label("n"),
        ).where(among_subjects)).subquery()
        limit = SHOWN_PER_ATTRIBUTE
    return session.execute(
        select(CLAIM, ranked.c.rn, ranked.c.n).join(ranked, ranked.c.id == CLAIM.c.id)
        .where(ranked.c.rn <= limit).order_by(ranked.c.attribute_id, ranked.c.rn)).all()


def _groups(rows, views: dict[int, ClaimView], attributes, *, more: dict) -> tuple[list[AttributeGroup], int]:
    """Ranked rows as attribute groups (conflicted first), and how many claims the groups hold in all."""
    by_attribute: dict[int, list[ClaimView]] = defaultdict(list)
    totals: dict[int, int] = {}
    for row in rows:
        by_attribute[row.attribute_id].append(views[row.id])
        totals[row.attribute_id] = row.n
    groups = []
    for attribute_id, claims in by_attribute.items():
        attribute = attributes[attribute_id]
        more_url = urls.with_query("/claims", {**more, "attribute": attribute.name})
        groups.append(AttributeGroup(attribute, totals[attribute_id], claims, more_url))
    groups.sort(key=lambda g: (not g.conflicted, g.attribute.label.casefold()))
    return groups, sum(totals.values())


def _attention(session, subject_ids) -> tuple[Attention, list]:
    """What is disputed or needs checking about these subjects: claims (their rows) and open contradictions."""
    where = (among(session, CLAIM.c.subject_id, subject_ids), CLAIM.c.status.in_(ATTENTION_STATUSES))
    claim_total = session.execute(select(func.count()).select_from(CLAIM).where(*where)).scalar_one()
    rows = session.execute(select(CLAIM).where(*where).order_by(CLAIM.c.id).limit(ATTENTION_SHOWN)).all() \
        if claim_total else []
    # A subject has few open contradictions: the window counts them while the first few are read.
    found = session.execute(
        select(Contradiction.id, Contradiction.status, Contradiction.kind, Contradiction.severity,
               Contradiction.summary, func.count().over().label("total"))
        .where(among(session, Contradiction.subject_id, subject_ids), Contradiction.status == "open",
               Contradiction.active.is_(True))
        .order_by(Contradiction.severity.desc(), Contradiction.id).limit(ATTENTION_SHOWN)).all()
    contradictions = [ContradictionRef(c.id, c.status, c.kind, c.severity, c.summary) for c in found]
    return Attention([], claim_total, contradictions, found[0].total if found else 0), rows
