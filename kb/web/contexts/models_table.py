"""A lab's models as one table, the way Epoch shows them: a row per model, a column per attribute,
each cell the model's preferred figure, conflicts marked in the cell; sortable by any column."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlmodel import Session

from kb.web.contexts.common import (
    CLAIM, CONTRADICTION, MEMBER, PREFERENCE_KEY, AttributeRef, EntityRef, const, visible,
)
from kb.web.contexts.idlist import among
from kb.web.formatting import format_figure
from kb.web.listing import ColumnOrder, Query, header_links
from kb.web import urls

MAX_COLUMNS = 24    # the attributes most models have first; past this many, a link to the rest
MAX_ROWS = 100
MAX_CELLS = 5000

# Each (model, attribute) cell's best claim: the smallest preference key, then the smallest id.
_cell = visible(select(CLAIM.c.subject_id, CLAIM.c.attribute_id, func.min(PREFERENCE_KEY).label("best"))
                .where(among(CLAIM.c.subject_id, "subjects"))
                .group_by(CLAIM.c.subject_id, CLAIM.c.attribute_id)).subquery("cell")
_best = visible(select(func.min(CLAIM.c.id).label("id"))
                .select_from(CLAIM).join(_cell, and_(CLAIM.c.subject_id == _cell.c.subject_id,
                                                     CLAIM.c.attribute_id == _cell.c.attribute_id,
                                                     PREFERENCE_KEY == _cell.c.best))
                .group_by(_cell.c.subject_id, _cell.c.attribute_id)).subquery("best")
CELLS = (select(CLAIM.c.id, CLAIM.c.subject_id, CLAIM.c.attribute_id, CLAIM.c.low, CLAIM.c.high, CLAIM.c.unit,
                CLAIM.c.bound, CLAIM.c.precision, CLAIM.c.figure_text)
         .join(_best, _best.c.id == CLAIM.c.id).limit(const(MAX_CELLS)))
# The open contradictions the cells' figures are in (read by claim, so a big lab stays cheap).
CONFLICTS = (select(MEMBER.c.claim_id, MEMBER.c.contradiction_id)
             .join(CONTRADICTION, CONTRADICTION.c.id == MEMBER.c.contradiction_id)
             .where(among(MEMBER.c.claim_id, "ids"), CONTRADICTION.c.status == const("open"),
                    CONTRADICTION.c.active.is_(True)))


@dataclass
class Cell:
    claim_id: int
    figure: str
    as_written: str
    sort_value: float | None
    contradictions: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return urls.claim_url(self.claim_id)


@dataclass
class ModelRow:
    entity: EntityRef
    cells: dict[str, Cell]


@dataclass
class ModelsTable:
    columns: list[AttributeRef]
    rows: list[ModelRow]
    order: ColumnOrder
    sort_links: dict[str, str]
    models: int
    hidden_columns: int

    def aria_sort(self, column: str) -> str:
        if self.order.column != column:
            return "none"
        return "descending" if self.order.descending else "ascending"


def models_table(session: Session, q: Query, children: list[EntityRef],
                 attributes: dict[int, AttributeRef]) -> ModelsTable | None:
    """The table of `children`'s figures, sorted as `q` asks (?_sort=ATTRIBUTE, ?_sort_desc=...)."""
    models = [c for c in children if c.kind == "model"]
    if not models:
        return None
    params = {"subjects": [m.id for m in models]}
    cells: dict[int, dict[str, Cell]] = defaultdict(dict)
    found = session.connection().execute(CELLS, params).all()
    conflicts: dict[int, list[int]] = defaultdict(list)
    if found:
        for claim_id, contradiction_id in session.connection().execute(CONFLICTS, {"ids": [r.id for r in found]}).all():
            conflicts[claim_id].append(contradiction_id)
    used: Counter[int] = Counter()
    for r in found:
        attribute = attributes[r.attribute_id]
        used[r.attribute_id] += 1
        value = r.low if r.low is not None else r.high
        cells[r.subject_id][attribute.name] = Cell(
            r.id, format_figure(r.low, r.high, r.unit, r.bound, r.precision) or (r.figure_text or ""),
            r.figure_text or "", value, sorted(conflicts.get(r.id, [])))
    if not used:
        return None
    ranked = sorted(used, key=lambda a: (-used[a], attributes[a].label.casefold()))
    columns = [attributes[a] for a in ranked[:MAX_COLUMNS]]
    names = ["name"] + [a.name for a in columns]
    order = ColumnOrder("name")
    if (c := q.get("_sort_desc")) in names:
        order = ColumnOrder(c, True)
    elif (c := q.get("_sort")) in names:
        order = ColumnOrder(c)
    rows = [ModelRow(m, cells.get(m.id, {})) for m in models]
    rows.sort(key=lambda r: r.entity.name.casefold(), reverse=order.descending and order.column == "name")
    if order.column != "name":
        present = [r for r in rows if _value(r, order.column) is not None]
        absent = [r for r in rows if _value(r, order.column) is None]
        present.sort(key=lambda r: _value(r, order.column), reverse=order.descending)
        rows = present + absent   # models without the figure last, either way
    links = {k: v + "#models-table" for k, v in header_links(q, names, order).items()}
    return ModelsTable(columns, rows[:MAX_ROWS], order, links, len(models), max(0, len(ranked) - MAX_COLUMNS))


def _value(row: ModelRow, column: str) -> float | None:
    cell = row.cells.get(column)
    return cell.sort_value if cell else None
