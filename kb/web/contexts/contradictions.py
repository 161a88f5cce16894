"""The contradictions list (sorted by severity) and a contradiction's page with its interval chart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import func, select
from sqlmodel import Session

from kb.charts import Interval, interval_chart
from kb.models import Contradiction, ContradictionMember, Entity, User
from kb.web.contexts.claim import corroboration
from kb.web.contexts.common import (
    CLAIM, CONTRADICTION, ENTITY, AttributeRef, ClaimView, EntityRef, claim_views, load_attributes, load_entities,
)
from kb.web.contexts.entity import NotFound
from kb.web.contexts.idlist import among
from kb.web.listing import ActiveFilter, ListPage, Query, capped_count, exact_count, facet, page_info
from kb.web.pagination import Paging
from kb.web import urls

STATUSES = ("open", "resolved", "explained")
KIND_LABELS = {"value": "figures disagree", "ambiguous_subject": "ambiguous subject (lab or model?)",
               "authorities": "authorities disagree", "derived": "derived figure does not add up"}
MEMBER = ContradictionMember.__table__
MEMBER_COUNTS = (select(MEMBER.c.contradiction_id, func.count()).where(among(MEMBER.c.contradiction_id, "ids"))
                 .group_by(MEMBER.c.contradiction_id))


@dataclass
class ContradictionRow:
    id: int
    status: str
    kind: str
    severity: float
    summary: str
    subject: EntityRef
    attribute: AttributeRef
    members: int
    qualifiers: str

    @property
    def url(self) -> str:
        return urls.contradiction_url(self.id)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass
class ContradictionPage:
    row: ContradictionRow
    claims: list[ClaimView]
    preferred_id: int | None
    note: str
    resolved_by: str | None
    resolved_at: datetime | None
    chart: Markup | None
    independent: dict[int, int]


def _filtered(session: Session, q: Query):
    stmt = select(CONTRADICTION)  # plain rows: the list needs no ORM objects
    filters = []
    status = q.get("status")
    if status:
        stmt = stmt.where(CONTRADICTION.c.status == status)
        filters.append(ActiveFilter("status", status, status, q.without("status", status)))
    if kind := q.get("subject_kind"):
        stmt = stmt.where(CONTRADICTION.c.subject_id.in_(select(ENTITY.c.id).where(ENTITY.c.kind == kind)))
        filters.append(ActiveFilter("subject_kind", kind, f"about a {kind}", q.without("subject_kind", kind)))
    if attribute := q.get("attribute"):
        from kb.models import Attribute
        stmt = stmt.where(CONTRADICTION.c.attribute_id.in_(select(Attribute.id).where(Attribute.name == attribute)))
        filters.append(ActiveFilter("attribute", attribute, attribute, q.without("attribute", attribute)))
    return stmt.where(CONTRADICTION.c.active.is_(True)), filters


def contradiction_list(session: Session, q: Query, paging: Paging, *, exact_total: bool = False) -> ListPage:
    """The /contradictions page, most severe first."""
    stmt, filters = _filtered(session, q)
    rows = session.execute(stmt.order_by(CONTRADICTION.c.severity.desc(), CONTRADICTION.c.id.desc())
                           .offset(paging.offset).limit(paging.per_page + 1)).all()
    total, exact = (exact_count(session, stmt), True) if exact_total else capped_count(session, stmt)
    has_next = len(rows) > paging.per_page
    rows = rows[:paging.per_page]
    attributes = load_attributes(session)
    page = ListPage(
        title="Contradictions", path=q.path, rows=contradiction_rows(session, rows, attributes),
        paging=page_info(q, paging, total, exact, has_next, shown=len(rows)), filters=filters,
        json_url=q.url("/contradictions.json", drop=()), csv_url=q.url("/contradictions.csv", drop=()),
    )
    page.facets = _facets(session, q, stmt, attributes)
    return page


def contradiction_rows(session: Session, rows: list,
                       attributes: dict[int, AttributeRef] | None = None) -> list[ContradictionRow]:
    attributes = attributes if attributes is not None else load_attributes(session)
    entities = load_entities(session, {r.subject_id for r in rows})
    counts = dict(session.execute(MEMBER_COUNTS, {"ids": [r.id for r in rows]}).all()) if rows else {}
    return [ContradictionRow(r.id, r.status, r.kind, r.severity, r.summary, entities[r.subject_id],
                             attributes[r.attribute_id], counts.get(r.id, 0), r.qualifiers) for r in rows]


def _facets(session, q: Query, stmt, attributes: dict[int, AttributeRef]):
    """Status, subject kind and attribute counts over the first 10,000 matches, in one query."""
    c = CONTRADICTION.c
    matched = stmt.with_only_columns(c.status, c.subject_id, c.attribute_id).order_by(None).limit(10_000).subquery()
    cells = session.execute(
        select(matched.c.status, ENTITY.c.kind, matched.c.attribute_id, func.count())
        .select_from(matched).join(ENTITY, ENTITY.c.id == matched.c.subject_id)
        .group_by(matched.c.status, ENTITY.c.kind, matched.c.attribute_id)).all()
    statuses, kinds, attrs = Counter(), Counter(), Counter()
    for status, kind, attribute_id, n in cells:
        statuses[status] += n
        kinds[kind] += n
        attrs[attributes[attribute_id].name] += n
    label_of = {a.name: a.label for a in attributes.values()}
    facets = [
        facet(q, "status", "Status", statuses.items()),
        facet(q, "subject_kind", "Subject kind", kinds.items()),
        facet(q, "attribute", "Attribute", attrs.items(), labels=lambda name: label_of.get(name, name)),
    ]
    return [f for f in facets if f.values]


def contradiction_page(session: Session, *, contradiction_id: int) -> ContradictionPage:
    """The group's claims side by side, with sources, bounds, qualifiers and a chart of the intervals."""
    c = session.get(Contradiction, contradiction_id)
    if c is None:
        raise NotFound(f"no contradiction {contradiction_id}")
    row = contradiction_rows(session, [c])[0]
    member_ids = select(ContradictionMember.claim_id).where(ContradictionMember.contradiction_id == c.id)
    claim_rows = session.execute(select(CLAIM).where(CLAIM.c.id.in_(member_ids)).order_by(CLAIM.c.low, CLAIM.c.id)).all()
    claims = claim_views(session, claim_rows)
    resolved_by = session.execute(select(User.username).where(User.id == c.resolved_by_id)).scalar() \
        if c.resolved_by_id else None
    intervals = [
        Interval(row=str(v.id), low=v.low, high=v.high, url=v.url, conflict=c.status == "open", value=v.figure,
                 label=v.subject.name + (f" ({v.first_source.publisher or v.first_source.title})"
                                         if v.first_source else ""))
        for v in claims if v.has_figure
    ]
    unit = next((v.unit for v in claims if v.unit), "")
    chart = interval_chart(intervals, unit=unit, title=f"{row.subject.name}, {row.attribute.label}: the figures",
                           zero=False)
    lineage = corroboration(session, list({x.source.id: x.source for v in claims for x in v.citations}.values()))
    root_of = {s.id: r.id for s, r in lineage.derived}
    evidence = {v.id: len({root_of.get(x.source.id, x.source.id) for x in v.citations}) for v in claims}
    return ContradictionPage(row, claims, c.preferred_claim_id, c.note, resolved_by, c.resolved_at, chart, evidence)
