"""The chart page: one attribute compared across entities, conflicting figures drawn as ranges."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import func, select
from sqlmodel import Session

from kb.charts import Interval, interval_chart
from kb.web.contexts.common import CLAIM, RANK_ORDER, AttributeRef, ClaimView, claim_views, load_attributes, visible

MAX_ROWS = 60
DEFAULT_ATTRIBUTE = "input_price_per_mtok"


@dataclass
class ChartPage:
    attribute: AttributeRef | None
    choices: list[tuple[AttributeRef, int]]
    claims: list[ClaimView]
    chart: Markup | None
    total: int


def chart_page(session: Session, attribute: str | None) -> ChartPage:
    """Figures of `attribute` (by default input price per million tokens) for every subject."""
    attributes = load_attributes(session)
    counts = dict(session.execute(visible(select(CLAIM.c.attribute_id, func.count())
                                          .where(CLAIM.c.unit.is_not(None))).group_by(CLAIM.c.attribute_id)).all())
    choices = sorted(((a, counts[a.id]) for a in attributes.values() if counts.get(a.id)),
                     key=lambda ac: ac[0].label.casefold())
    by_name = {a.name: a for a in attributes.values()}
    chosen = by_name.get(attribute or DEFAULT_ATTRIBUTE)
    if chosen is None or not counts.get(chosen.id):
        chosen = max(choices, key=lambda ac: ac[1])[0] if choices and not attribute else chosen
    if chosen is None:
        return ChartPage(None, choices, [], None, 0)
    stmt = visible(select(CLAIM).where(CLAIM.c.attribute_id == chosen.id, CLAIM.c.unit.is_not(None)))
    rows = session.execute(stmt.order_by(CLAIM.c.subject_id, RANK_ORDER, CLAIM.c.low).limit(MAX_ROWS)).all()
    claims = claim_views(session, rows, attributes=attributes)
    claims.sort(key=lambda c: (c.subject.name.casefold(), c.low if c.low is not None else float("inf")))
    unit = next((c.unit for c in claims if c.unit), chosen.unit)
    same_unit = [c for c in claims if c.unit == unit]
    intervals = [Interval(row=str(c.id), low=c.low, high=c.high, url=c.url, conflict=bool(c.open_contradictions),
                          value=c.figure,
                          label=f"{c.subject.name}" + (f" ({c.scope})" if c.scope else ""))
                 for c in same_unit]
    chart = interval_chart(intervals, unit=unit, title=f"{chosen.label} across entities")
    return ChartPage(chosen, choices, claims, chart, counts.get(chosen.id, 0))
