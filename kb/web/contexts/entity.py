"""The entity page: identity, relations, claims grouped by attribute, a lab's roll-up of its models."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import bindparam, func, or_, select
from sqlmodel import Session

from kb.charts import TimePoint, figures_over_time
from kb.contradictions import currency_reasons
from kb.models import Alias, Relation
from kb.web import urls
from kb.web.contexts.common import (
    ATTENTION_STATUSES, CLAIM, CONTRADICTION, ENTITY, ENTITY_REF_COLUMNS, MEMBER, PREFERENCE_KEY,
    VIEW_COLUMNS, AttributeRef, ClaimView, ContradictionRef, EntityRef, claim_views, const, entity_ref, fixed,
    load_attributes,
    visible,
)
from kb.web.contexts.idlist import among
from kb.web.contexts.models_table import ModelsTable, models_table
from kb.web.listing import Query

SHOWN_PER_ATTRIBUTE = 5   # the lead figure and four beside it; the rest are a link away
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


ALIAS = Alias.__table__
RELATION = Relation.__table__

# The page's statements are built once (see idlist); a request only binds the entity and its subjects.
ENTITY_ROW = select(*ENTITY_REF_COLUMNS, ENTITY.c.description, ENTITY.c.parent_id).where(
    ENTITY.c.kind == bindparam("kind"), ENTITY.c.slug == bindparam("slug"))
ALIASES = select(ALIAS.c.name).where(ALIAS.c.entity_id == bindparam("id"))
RELATIONS = (
    select(RELATION.c.subject_id, RELATION.c.type, RELATION.c.object_id)
    .where(or_(RELATION.c.subject_id == bindparam("id"), RELATION.c.object_id == bindparam("id")))
    .limit(const(RELATIONS_SHOWN * 4))
)
# The related entities, the parent and the children (a lab's models) in one query.
RELATED = (
    select(*ENTITY_REF_COLUMNS, ENTITY.c.parent_id)
    .where(or_(among(ENTITY.c.id, "ids"), ENTITY.c.parent_id == bindparam("id")))
    .order_by(ENTITY.c.name).limit(const(RELATIONS_SHOWN * 8))
)


def _shown(ranked, limit: int):
    """The full claim rows of the first `limit` per attribute of a ranking (id, attribute_id, rn, n)."""
    return (select(*VIEW_COLUMNS, ranked.c.rn, ranked.c.n).join(ranked, ranked.c.id == CLAIM.c.id)
            .where(ranked.c.rn <= const(limit)).order_by(ranked.c.attribute_id, ranked.c.rn))


# The entity's own claims per attribute, the best first. The ranking reads narrow rows from
# ix_claim_subject_ranking; only the few rows shown are read in full. Sorted on the preference as one
# number, which PostgreSQL sorts faster than the four keys it stands for.
OWN_RANKED = _shown(visible(select(
    CLAIM.c.id, CLAIM.c.attribute_id,
    func.row_number().over(partition_by=CLAIM.c.attribute_id, order_by=(PREFERENCE_KEY, CLAIM.c.id)).label("rn"),
    func.count().over(partition_by=CLAIM.c.attribute_id).label("n"),
).where(CLAIM.c.subject_id == bindparam("subject"))).subquery("ranked"), SHOWN_PER_ATTRIBUTE)

# What needs attention: the matches are gathered first (MATERIALIZED), so that the planner reads them
# by subject rather than walking an index in display order and filtering; then counted and cut.
_needing = (select(CLAIM.c.id)
            .where(among(CLAIM.c.subject_id, "subjects"), CLAIM.c.status.in_(fixed(ATTENTION_STATUSES)))
            .cte("needing").prefix_with("MATERIALIZED"))
_first = (select(_needing.c.id, func.count().over().label("total"))
          .order_by(_needing.c.id).limit(const(ATTENTION_SHOWN)).subquery("first"))
ATTENTION_CLAIMS = (select(*VIEW_COLUMNS, _first.c.total).join(_first, _first.c.id == CLAIM.c.id)
                    .order_by(CLAIM.c.id))
# A contradiction is the page's when it is about one of the subjects, or when one of the entity's own
# claims is in it (a model's figure in a group filed under its lab, as an ambiguous subject).
_theirs = (select(MEMBER.c.contradiction_id).join(CLAIM, CLAIM.c.id == MEMBER.c.claim_id)
           .where(CLAIM.c.subject_id == bindparam("subject")))
_open = (select(CONTRADICTION.c.id, CONTRADICTION.c.status, CONTRADICTION.c.kind, CONTRADICTION.c.severity,
                CONTRADICTION.c.summary)
         .where(or_(among(CONTRADICTION.c.subject_id, "subjects"), CONTRADICTION.c.id.in_(_theirs)),
                CONTRADICTION.c.status == const("open"), CONTRADICTION.c.active.is_(True))
         .cte("open").prefix_with("MATERIALIZED"))
# The other figures of the open contradictions the page's claims are in, to show them side by side.
RIVALS = visible(select(*VIEW_COLUMNS).where(
    CLAIM.c.id.in_(select(MEMBER.c.claim_id).join(CONTRADICTION, CONTRADICTION.c.id == MEMBER.c.contradiction_id)
                   .where(among(MEMBER.c.contradiction_id, "groups"), CONTRADICTION.c.status == const("open"))),
    CLAIM.c.id.not_in(bindparam("shown", expanding=True)))).order_by(CLAIM.c.id).limit(const(40))
ATTENTION_CONTRADICTIONS = (select(_open, func.count().over().label("total"))
                            .order_by(_open.c.severity.desc(), _open.c.id).limit(const(ATTENTION_SHOWN)))


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
    apart: list[str] = field(default_factory=list)   # why some of its figures are not compared
    rivals: list[ClaimView] = field(default_factory=list)   # other subjects' figures it conflicts with

    @property
    def rows(self) -> list[ClaimView]:
        """The group's claims, then the figures they conflict with: side by side in one table."""
        return self.claims + self.rivals

    @property
    def contradictions(self) -> list[ContradictionRef]:
        return list({c.id: c for v in self.claims for c in v.open_contradictions}.values())

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
    claim_total: int
    chart: Markup | None = None
    chart_points: list[TimePoint] = field(default_factory=list)
    models: ModelsTable | None = None

    @property
    def claims_url(self) -> str:
        return urls.with_query("/claims", {"subject": self.entity.ref})


def entity_page(session: Session, *, kind: str, slug: str, q: Query | None = None) -> EntityPage:
    """Everything the page for `kind:slug` shows, in a fixed number of queries; `q` sorts the table
    of a lab's models."""
    row = session.connection().execute(ENTITY_ROW, {"kind": kind, "slug": slug}).first()
    if row is None:
        raise NotFound(f"no {kind} {slug!r}")
    entity = entity_ref(row)
    attributes = load_attributes(session)
    relations, parent, children = _relations(session, entity, row.parent_id)
    names = session.connection().execute(ALIASES, {"id": entity.id}).all()
    aliases = sorted({a for (a,) in names} - {entity.name}, key=str.casefold)
    known = {e.id: e for group in relations for e in group.entities} | {entity.id: entity}
    subject_ids = [entity.id] + [c.id for c in children]
    own_rows = session.connection().execute(OWN_RANKED, {"subject": entity.id}).all()
    attention, attention_rows = _attention(session, subject_ids)
    # One batch of loaders for every claim the page shows, however many groups they fall in.
    views = {v.id: v for v in claim_views(session, own_rows + attention_rows,
                                            attributes=attributes, entities=known)}
    groups, total = _groups(own_rows, views, attributes, more={"subject": entity.ref})
    if parent is not None:
        _add_rivals(session, groups, views, attributes, known, parent.id)
    for group, apart in zip(groups, currency_reasons(session.connection(), [g.claims for g in groups])):
        group.apart = apart
    attention.claims = [views[r.id] for r in attention_rows]
    page = EntityPage(
        entity=entity, description=row.description, parent=parent, aliases=aliases,
        relations=relations, attention=attention, groups=groups, claim_total=total,
    )
    page.models = models_table(session, q or Query(urls.entity_url(kind, slug), []), children, attributes)
    if kind == "lab":
        shown = [c for g in groups for c in g.claims]
        page.chart_points = time_points(shown)
        page.chart = figures_over_time(page.chart_points, title=f"{entity.name}: figures over time")
    return page


def time_points(claims: list[ClaimView]) -> list[TimePoint]:
    """Dated figures (by their first source's publication date) for the over-time chart."""
    points = []
    for c in claims:
        source = c.first_source
        if c.has_figure and c.unit != "date" and source and source.published:
            # One series is one quantity: an attribute of one subject in one scope. Figures of
            # different subjects or scopes are never joined as if they were a series.
            series = f"{c.attribute.label}, {c.subject.name}" + (f" ({c.scope})" if c.scope else "")
            points.append(TimePoint(
                series=series, unit=c.unit, when=source.published, low=c.low,
                high=c.high, label=f"{c.subject.name}: {c.figure}", url=c.url, value=c.figure,
            ))
    return points


def _relations(session: Session, entity: EntityRef, parent_id: int | None):
    rel_rows = session.connection().execute(RELATIONS, {"id": entity.id}).all()
    other_ids = {r.object_id if r.subject_id == entity.id else r.subject_id for r in rel_rows}
    wanted = other_ids | ({parent_id} if parent_id else set())
    rows = session.connection().execute(RELATED, {"ids": wanted, "id": entity.id}).all()
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
        for r in session.connection().execute(select(*ENTITY_REF_COLUMNS).where(among(ENTITY.c.id, missing))):
            refs[r.id] = entity_ref(r)
            labs.add(r.id)
    if labs:
        grouped["Origin lab"] = [refs[i] for i in labs if i in refs]


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


def _add_rivals(session, groups: list[AttributeGroup], views: dict[int, ClaimView], attributes, known,
                parent_id: int) -> None:
    """Put the figures its parent (a model's lab) states in the open contradictions the page's own
    figures are in beside them, in their group: the dispute side by side. Sibling models' figures
    in the same group stay on their own pages."""
    group_ids = sorted({c.id for g in groups for v in g.claims for c in v.open_contradictions})
    if not group_ids:
        return
    rows = session.connection().execute(RIVALS, {"groups": group_ids, "shown": sorted(views)}).all()
    by_attribute = {g.attribute.id: g for g in groups}
    for view in claim_views(session, rows, attributes=attributes, entities=known):
        group = by_attribute.get(view.attribute.id)
        if group is not None and view.subject.id == parent_id:
            group.rivals.append(view)


def _attention(session, subject_ids) -> tuple[Attention, list]:
    """What is disputed or needs checking about these subjects: claims (their rows) and open contradictions."""
    rows = session.connection().execute(ATTENTION_CLAIMS, {"subjects": subject_ids}).all()
    found = session.connection().execute(ATTENTION_CONTRADICTIONS,
                                         {"subjects": subject_ids, "subject": subject_ids[0]}).all()
    contradictions = [ContradictionRef(c.id, c.status, c.kind, c.severity, c.summary) for c in found]
    attention = Attention([], rows[0].total if rows else 0, contradictions, found[0].total if found else 0)
    return attention, rows
