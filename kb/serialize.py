"""The JSON shapes of DESIGN §5: entities, figures and claims, serialized in batches."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import attrgetter, itemgetter
from typing import Any

from sqlmodel import Session, select

from kb.models import Attribute, Citation, Entity
from kb.web.contexts.idlist import among


def entity_json(entity: Entity | None) -> dict[str, str] | None:
    if entity is None:
        return None
    return {"kind": entity.kind, "slug": entity.slug, "name": entity.name}


def _value(value: float | None, unit: str | None) -> Any:
    """Figures in the `date` unit are stored as day ordinals and shown as ISO dates."""
    if value is None or unit != "date":
        return value
    try:
        return date.fromordinal(int(value)).isoformat()
    except (ValueError, OverflowError):
        return value


ENTITY, ATTRIBUTE, CITATION = Entity.__table__, Attribute.__table__, Citation.__table__
# Built once; a request binds the ids (kb.web.contexts.idlist: one parameter, whatever their number).
ENTITY_NAMES = select(ENTITY.c.id, ENTITY.c.kind, ENTITY.c.slug, ENTITY.c.name).where(among(ENTITY.c.id, "ids"))
ATTRIBUTE_NAMES = select(ATTRIBUTE.c.id, ATTRIBUTE.c.name).where(among(ATTRIBUTE.c.id, "ids"))
CITATIONS = (select(CITATION.c.claim_id, CITATION.c.source_id, CITATION.c.quote, CITATION.c.start, CITATION.c.end)
             .where(among(CITATION.c.claim_id, "ids")).order_by(CITATION.c.id))


def claims_json(*, session: Session, claims: list) -> list[dict[str, Any]]:
    """Many claims (rows or Claim objects) in three queries (entities, attributes, citations), whatever
    their number, read from plain rows rather than loaded objects."""
    if not claims:
        return []
    entity_ids = {c.subject_id for c in claims} | {c.model_id for c in claims if c.model_id}
    entities = {i: {"kind": kind, "slug": slug, "name": name}
                for i, kind, slug, name in session.connection().execute(ENTITY_NAMES, {"ids": entity_ids}).all()}
    names = dict(session.connection().execute(ATTRIBUTE_NAMES, {"ids": {c.attribute_id for c in claims}}).all())
    cites: dict[int, list[dict[str, Any]]] = {}
    rows = session.connection().execute(CITATIONS, {"ids": [c.id for c in claims]}).all()
    for claim_id, source_id, quote, start, end in rows:
        cites.setdefault(claim_id, []).append({"source_id": source_id, "quote": quote, "start": start, "end": end})
    out = []
    for (cid, subject, attribute, model, statement, text, low, high, unit, bound, period, scope, asserted, status,
         rank, confidence, version) in map(_json_getter(claims[0]), claims):
        out.append({
            "id": cid,
            "subject": entities.get(subject),
            "attribute": names.get(attribute),
            "statement": statement,
            "figure": None if unit is None and low is None and high is None and not text else {
                "low": _value(low, unit), "high": _value(high, unit), "unit": unit, "bound": bound, "text": text},
            "qualifiers": {"period": period, "scope": scope, "asserted_by": asserted,
                           "model": entities.get(model) if model else None},
            "status": status,
            "rank": rank,
            "confidence": confidence,
            "citations": cites.get(cid, []),
            "version": version,
        })
    return out


JSON_COLUMNS = ("id", "subject_id", "attribute_id", "model_id", "statement", "figure_text", "low", "high", "unit",
                "bound", "period", "scope", "asserted_by", "status", "rank", "confidence", "version")


def _json_getter(first):
    """The JSON_COLUMNS of a claim, by position for result rows (a Row's names cost more), else by name."""
    fields = getattr(first, "_fields", None)
    if fields is None:
        return attrgetter(*JSON_COLUMNS)
    return itemgetter(*(fields.index(name) for name in JSON_COLUMNS))


def by_id(*, session: Session, model, ids: Iterable[int]) -> dict[int, Any]:
    """Rows of `model` keyed by id, fetched in chunks."""
    ids = sorted(set(ids))
    out: dict[int, Any] = {}
    for i in range(0, len(ids), 500):
        out.update((row.id, row) for row in session.exec(select(model).where(model.id.in_(ids[i:i + 500]))))
    return out
