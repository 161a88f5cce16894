"""The JSON shapes of DESIGN §5: entities, figures and claims, serialized in batches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, select

from kb.models import Attribute, Citation, Claim, Entity


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


def figure_json(claim: Claim) -> dict[str, Any] | None:
    if claim.unit is None and claim.low is None and claim.high is None and not claim.figure_text:
        return None
    return {"low": _value(claim.low, claim.unit), "high": _value(claim.high, claim.unit),
            "unit": claim.unit, "bound": claim.bound, "text": claim.figure_text}


def citation_json(citation: Citation) -> dict[str, Any]:
    return {"source_id": citation.source_id, "quote": citation.quote,
            "start": citation.start, "end": citation.end}


def claim_json(claim: Claim, *, entities: Mapping[int, Entity], attributes: Mapping[int, Attribute],
               citations: Iterable[Citation] = ()) -> dict[str, Any]:
    """One claim; `entities` and `attributes` map ids to rows already loaded (see claims_json)."""
    attribute = attributes.get(claim.attribute_id)
    return {
        "id": claim.id,
        "subject": entity_json(entities.get(claim.subject_id)),
        "attribute": attribute.name if attribute else None,
        "statement": claim.statement,
        "figure": figure_json(claim),
        "qualifiers": {
            "period": claim.period, "scope": claim.scope, "asserted_by": claim.asserted_by,
            "model": entity_json(entities.get(claim.model_id)) if claim.model_id else None,
        },
        "status": claim.status,
        "rank": claim.rank,
        "confidence": claim.confidence,
        "citations": [citation_json(c) for c in sorted(citations, key=lambda c: c.id)],
        "version": claim.version,
    }


def claims_json(*, session: Session, claims: list[Claim]) -> list[dict[str, Any]]:
    """Many claims in three queries (entities, attributes, citations), whatever their number."""
    if not claims:
        return []
    entity_ids = {c.subject_id for c in claims} | {c.model_id for c in claims if c.model_id}
    attribute_ids = {c.attribute_id for c in claims}
    claim_ids = [c.id for c in claims]
    entities = _by_id(session, Entity, entity_ids)
    attributes = _by_id(session, Attribute, attribute_ids)
    cites: dict[int, list[Citation]] = {}
    for i in range(0, len(claim_ids), 500):
        chunk = claim_ids[i:i + 500]
        for c in session.exec(select(Citation).where(Citation.claim_id.in_(chunk))):
            cites.setdefault(c.claim_id, []).append(c)
    return [claim_json(c, entities=entities, attributes=attributes, citations=cites.get(c.id, ()))
            for c in claims]


def _by_id(session: Session, model, ids: Iterable[int]) -> dict[int, Any]:
    ids = sorted(set(ids))
    out: dict[int, Any] = {}
    for i in range(0, len(ids), 500):
        out.update((row.id, row) for row in session.exec(select(model).where(model.id.in_(ids[i:i + 500]))))
    return out


def by_id(*, session: Session, model, ids: Iterable[int]) -> dict[int, Any]:
    """Rows of `model` keyed by id, fetched in chunks."""
    return _by_id(session, model, ids)
