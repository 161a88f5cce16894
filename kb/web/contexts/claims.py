"""The claims list (filters, facets, sorting) and the claim page (evidence, checks, history)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from litestar.exceptions import ValidationException
from sqlalchemy import bindparam, case, func, select
from sqlmodel import Session

from kb.web.contexts.common import (
    ATTRIBUTE, CITATION, CLAIM, CONTRADICTION, ENTITY, HIDDEN_STATUSES, MEMBER, SOURCE, VIEW_COLUMNS, AttributeRef,
    claim_views, const, load_attributes, visible,
)
from kb.web.edge import MAX_ID, parse_id
from kb.web.listing import (
    ActiveFilter, ColumnOrder, ListPage, Query, capped_count_statement, count_up_to, exact_count, facet,
    header_links, ordered,
    page_info, requested_order,
)
from kb.web.pagination import Paging

# Facets count the newest this many matches; past that they say so.
FACET_SAMPLE = 500
FACET_VALUES = 30  # sources shown in their facet, the most cited first
# Built once: an alias's columns are made on first use, and making them is not cheap.
SUBJECT = ENTITY.alias("subject")
PARENT = ENTITY.alias("parent")
FILTERS = ("subject", "attribute", "status", "source", "lab", "kind", "conflict")
# Sortable columns (?_sort=, ?_sort_desc=); names and labels are looked up per row, which only a
# sort by them asks for. A figure sorts by its low end going up and its high end going down.
COLUMNS = {
    "subject": lambda desc: ordered(select(ENTITY.c.name).where(ENTITY.c.id == CLAIM.c.subject_id)
                                    .scalar_subquery(), desc),
    "attribute": lambda desc: ordered(select(ATTRIBUTE.c.label).where(ATTRIBUTE.c.id == CLAIM.c.attribute_id)
                                      .scalar_subquery(), desc),
    "figure": lambda desc: ordered(CLAIM.c.high if desc else CLAIM.c.low, desc),
    "statement": lambda desc: ordered(CLAIM.c.statement, desc),
    "status": lambda desc: ordered(CLAIM.c.status, desc),
    "confidence": lambda desc: ordered(CLAIM.c.confidence, desc),
    "id": lambda desc: ordered(CLAIM.c.id, desc),
}
DEFAULT_ORDER = ColumnOrder("id", descending=True)
# The named orders older links use (?sort=largest).
PRESETS = {"newest": DEFAULT_ORDER, "oldest": ColumnOrder("id"), "confidence": ColumnOrder("confidence", True),
           "figure": ColumnOrder("figure"), "largest": ColumnOrder("figure", True)}


def claim_order(order: ColumnOrder) -> tuple:
    primary = COLUMNS[order.column](order.descending)
    return (primary,) if order.column == "id" else (primary, CLAIM.c.id.desc())


@dataclass(frozen=True)
class Shape:
    """Which filters a claims request uses, not their values: its statements depend on nothing else,
    so each shape's statements are built once and every request only binds its values."""

    subject: bool = False
    attribute: bool = False
    statuses: int = 0       # how many statuses were asked for; none means all that readers see
    source: bool = False
    lab: bool = False
    kind: bool = False
    conflict: bool = False


@dataclass
class ClaimFilter:
    """The claims a list request selects: its shape and the values to bind."""

    shape: Shape = Shape()
    params: dict = field(default_factory=dict)
    filters: list[ActiveFilter] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    empty: bool = False

    @property
    def query(self):
        return filtered(self.shape)


@lru_cache(maxsize=256)
def filtered(shape: Shape):
    """`select(claim)` narrowed by a shape's filters, with a bind parameter for each value."""
    stmt = select(*VIEW_COLUMNS)
    if shape.subject:
        stmt = stmt.where(CLAIM.c.subject_id == bindparam("subject_id"))
    if shape.attribute:
        stmt = stmt.where(CLAIM.c.attribute_id == bindparam("attribute_id"))
    if shape.statuses:
        stmt = stmt.where(CLAIM.c.status.in_([bindparam(f"status_{i}") for i in range(shape.statuses)]))
    else:
        stmt = visible(stmt)
    if shape.source:
        cited = select(CITATION.c.claim_id).where(CITATION.c.source_id == bindparam("source_id"))
        stmt = stmt.where(CLAIM.c.id.in_(cited))
    if shape.lab:
        lab_id = bindparam("lab_id")
        family = select(ENTITY.c.id).where((ENTITY.c.id == lab_id) | (ENTITY.c.parent_id == lab_id))
        stmt = stmt.where(CLAIM.c.subject_id.in_(family))
    if shape.kind:
        stmt = stmt.where(CLAIM.c.subject_id.in_(select(ENTITY.c.id).where(ENTITY.c.kind == bindparam("kind"))))
    if shape.conflict:
        members = (select(MEMBER.c.claim_id)
                   .join(CONTRADICTION, CONTRADICTION.c.id == MEMBER.c.contradiction_id)
                   .where(CONTRADICTION.c.status == const("open"), CONTRADICTION.c.active.is_(True)))
        stmt = stmt.where(CLAIM.c.id.in_(members))
    return stmt


@lru_cache(maxsize=256)
def _page_of(shape: Shape, order: ColumnOrder):
    return filtered(shape).order_by(*claim_order(order)).offset(bindparam("offset")).limit(bindparam("limit"))


@lru_cache(maxsize=256)
def _count_of(shape: Shape):
    return capped_count_statement(filtered(shape))


ENTITY_BY_REF = select(ENTITY.c.id, ENTITY.c.name).where(ENTITY.c.kind == bindparam("kind"),
                                                        ENTITY.c.slug == bindparam("slug"))
SOURCE_TITLE = select(SOURCE.c.title).where(SOURCE.c.id == bindparam("id"))


def _entity_id(session: Session, kind: str, slug: str) -> tuple[int | None, str | None]:
    row = session.connection().execute(ENTITY_BY_REF, {"kind": kind, "slug": slug}).first()
    return (row.id, row.name) if row else (None, None)


def claim_filter(session: Session, q: Query, attributes: dict[int, AttributeRef]) -> ClaimFilter:
    """Apply the list's filters; an unknown value is reported and matches nothing."""
    out = ClaimFilter()
    shape: dict[str, object] = {}
    by_name = {a.name: a for a in attributes.values()}

    def active(name: str, value: str, label: str) -> None:
        out.filters.append(ActiveFilter(name, value, label, q.without(name, value)))

    def unknown(what: str) -> None:
        out.problems.append(what)
        out.empty = True

    if subject := q.get("subject"):
        kind, _, slug = subject.partition(":")
        entity_id, name = _entity_id(session, kind, slug)
        if entity_id is None:
            unknown(f"No entity {subject!r} (use kind:slug, e.g. lab:deepseek).")
        shape["subject"], out.params["subject_id"] = True, entity_id
        active("subject", subject, f"about {name or subject}")
    if attribute := q.get("attribute"):
        attr = by_name.get(attribute)
        if attr is None:
            unknown(f"No attribute {attribute!r}.")
        shape["attribute"], out.params["attribute_id"] = True, attr.id if attr else -1
        active("attribute", attribute, attr.label if attr else attribute)
    statuses = q.all("status")
    shape["statuses"] = len(statuses)
    out.params.update((f"status_{i}", s) for i, s in enumerate(statuses))
    for s in statuses:
        active("status", s, s.replace("_", " "))
    if source := q.get("source"):
        source_id = parse_id(source)
        if source_id is None:
            raise ValidationException(detail=f"query parameter 'source' must be a source id, a whole number "
                                             f"from 1 to {MAX_ID}, not {source[:40]!r}")
        shape["source"], out.params["source_id"] = True, source_id
        title = session.connection().execute(SOURCE_TITLE, {"id": source_id}).scalar()
        if title is None:
            unknown(f"No source {source!r}.")
        active("source", source, f"cited in {title or source}")
    if lab := q.get("lab"):
        lab_id, lab_name = _entity_id(session, "lab", lab)
        if lab_id is None:
            unknown(f"No lab {lab!r}.")
        shape["lab"], out.params["lab_id"] = True, lab_id
        active("lab", lab, f"lab {lab_name or lab}")
    if kind := q.get("kind"):
        shape["kind"], out.params["kind"] = True, kind
        active("kind", kind, f"about a {kind}")
    if q.get("conflict") in ("yes", "open"):
        shape["conflict"] = True
        active("conflict", q.get("conflict"), "in an open contradiction")
    out.shape = Shape(**shape)
    return out


def claim_list(session: Session, q: Query, paging: Paging, *, exact_total: bool = False,
               with_facets: bool = True, with_views: bool = True) -> tuple[ListPage, list]:
    """The /claims page: its context, and the claim rows it shows (for .json and .csv).

    The total is exact up to COUNT_CAP matches unless `exact_total`; without `with_views` the page's
    rows are left empty for callers that serialize the returned claim rows themselves.
    """
    # The vocabulary names rows and facets; a bare JSON list needs it only to read ?attribute=.
    attributes = load_attributes(session) if with_views or with_facets or q.get("attribute") else {}
    cf = claim_filter(session, q, attributes)
    order = requested_order(q, list(COLUMNS), DEFAULT_ORDER, PRESETS)
    rows: list = []
    total, exact = 0, True
    if not cf.empty:
        rows = session.connection().execute(_page_of(cf.shape, order),
                               {**cf.params, "offset": paging.offset, "limit": paging.per_page + 1}).all()
        if exact_total:
            total = exact_count(session, cf.query, cf.params)
        else:
            total, exact = count_up_to(session, _count_of(cf.shape), cf.params)
    has_next = len(rows) > paging.per_page
    rows = rows[:paging.per_page]
    page = ListPage(
        title="Claims", path=q.path,
        rows=claim_views(session, rows, attributes=attributes) if with_views else [],
        paging=page_info(q, paging, total, exact, has_next, shown=len(rows)), filters=cf.filters,
        order=order, sort_links=header_links(q, list(COLUMNS), order) if with_views else {},
        json_url=q.url("/claims.json", drop=()) if with_views else "",
        csv_url=q.url("/claims.csv", drop=()) if with_views else "",
        problems=cf.problems,
    )
    if with_facets and not cf.empty:
        page.facets = _facets(session, q, cf, attributes)
        page.facets_sampled = not exact or total > FACET_SAMPLE
    return page, rows


@lru_cache(maxsize=256)
def _facet_statements(shape: Shape):
    """The two facet queries of a shape: counts by status, attribute, kind and lab; the most cited sources."""
    sample = (filtered(shape).with_only_columns(CLAIM.c.id, CLAIM.c.status, CLAIM.c.attribute_id, CLAIM.c.subject_id)
              .order_by(CLAIM.c.id.desc()).limit(const(FACET_SAMPLE)).subquery("sample"))
    subject, parent = SUBJECT, PARENT
    # A claim counts for its subject's lab: the subject itself, or a model's parent lab.
    own_lab = case((subject.c.kind == const("lab"), subject.c.slug))
    parent_lab = case((parent.c.kind == const("lab"), parent.c.slug))
    cells = (select(sample.c.status, sample.c.attribute_id, subject.c.kind, own_lab, parent_lab, func.count())
             .select_from(sample).join(subject, subject.c.id == sample.c.subject_id)
             .outerjoin(parent, parent.c.id == subject.c.parent_id)
             .group_by(sample.c.status, sample.c.attribute_id, subject.c.kind, own_lab, parent_lab))
    n = func.count(func.distinct(CITATION.c.claim_id)).label("n")
    cited = (select(CITATION.c.source_id, n).join(sample, sample.c.id == CITATION.c.claim_id)
             .group_by(CITATION.c.source_id).order_by(n.desc(), CITATION.c.source_id).limit(const(FACET_VALUES))
             .subquery("cited"))
    # Titles for the most cited sources only, not for every citation in the sample.
    sources = select(cited.c.source_id, SOURCE.c.title, cited.c.n).join(SOURCE, SOURCE.c.id == cited.c.source_id)
    return cells, sources


LAB_NAMES = select(ENTITY.c.slug, ENTITY.c.name).where(ENTITY.c.kind == const("lab"),
                                                       ENTITY.c.slug.in_(bindparam("slugs", expanding=True)))


def _facets(session, q: Query, cf: ClaimFilter, attributes):
    """Facet counts over the newest FACET_SAMPLE matches, grouped by the database in two queries."""
    cells_stmt, sources_stmt = _facet_statements(cf.shape)
    cells = session.connection().execute(cells_stmt, cf.params).all()
    statuses, by_attribute, kinds, labs = Counter(), Counter(), Counter(), Counter()
    for status, attribute_id, kind, lab, parent_slug, n in cells:
        statuses[status] += n
        by_attribute[attribute_id] += n
        kinds[kind] += n
        if lab is not None:
            labs[lab] += n
        if parent_slug is not None and parent_slug != lab:   # a division counts for its parent lab too
            labs[parent_slug] += n
    attrs = {attributes[a].name: n for a, n in by_attribute.items()}
    sources = session.connection().execute(sources_stmt, cf.params).all()
    titles = {s: title for s, title, _ in sources}
    # Names for the labs the facet shows, not for every lab in the sample.
    shown = sorted(labs.items(), key=lambda vc: (-vc[1], vc[0]))[:FACET_VALUES]
    lab_names = dict(session.connection().execute(LAB_NAMES, {"slugs": [s for s, _ in shown]}).all()) if labs else {}
    label_of = {a.name: a.label for a in attributes.values()}
    facets = [
        facet(q, "status", "Status", [(s, n) for s, n in statuses.items()
                                      if s not in HIDDEN_STATUSES or s in q.all("status")],
              labels=lambda s: s.replace("_", " ")),
        facet(q, "attribute", "Attribute", attrs.items(), labels=lambda a: label_of.get(a, a)),
        facet(q, "kind", "Subject kind", kinds.items()),
        facet(q, "lab", "Lab", labs.items(), labels=lambda slug: lab_names.get(slug, slug)),
        facet(q, "source", "Source", [(s, n) for s, _, n in sources], labels=lambda s: titles.get(s, str(s))),
    ]
    return [f for f in facets if f.values]
