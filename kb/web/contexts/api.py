"""JSON rows for the API and the lists' .json/.csv twins, built in batches."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from kb.models import Contradiction, ContradictionMember, Source
from kb.serialize import entity_json
from kb.web.contexts.common import CLAIM, HIDDEN_STATUSES, load_attributes, load_entities
from kb.web.contexts.lists import ChangeRow, EntityRow, SourceRow


def contradictions_json(session: Session, rows: list[Contradiction]) -> list[dict[str, Any]]:
    if not rows:
        return []
    attributes = load_attributes(session)
    entities = load_entities(session, {r.subject_id for r in rows})
    members: dict[int, list[int]] = {r.id: [] for r in rows}
    for cid, claim_id in session.execute(
        select(ContradictionMember.contradiction_id, ContradictionMember.claim_id)
        .where(ContradictionMember.contradiction_id.in_(list(members))).order_by(ContradictionMember.claim_id)
    ):
        members[cid].append(claim_id)
    return [{
        "id": r.id, "status": r.status, "kind": r.kind, "severity": r.severity, "summary": r.summary,
        "subject": entity_json(entities[r.subject_id]), "attribute": attributes[r.attribute_id].name,
        "qualifiers": r.qualifiers, "claim_ids": members[r.id], "preferred_claim_id": r.preferred_claim_id,
        "note": r.note,
    } for r in rows]


def source_json(s: Any) -> dict[str, Any]:
    return {
        "id": s.id, "title": s.title, "publisher": s.publisher, "author": s.author, "url": s.url,
        "published": s.published.isoformat() if s.published else None, "date_precision": s.date_precision,
        "kind": s.kind, "derived_from_id": s.derived_from_id, "content_hash": s.content_hash,
    }


def sources_json(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = {s.id: s for s in session.execute(select(Source).where(Source.id.in_(ids))).scalars()}
    return [source_json(rows[i]) for i in ids if i in rows]


def entity_row_json(row: EntityRow) -> dict[str, Any]:
    e = row.entity
    return {"kind": e.kind, "slug": e.slug, "name": e.name, "description": row.description,
            "parent": entity_json(row.parent) if row.parent else None, "claims": row.claims}


def source_row_json(row: SourceRow) -> dict[str, Any]:
    s = row.source
    return {"id": s.id, "title": s.title, "publisher": s.publisher, "author": row.author,
            "url": s.external_url, "published": s.published.isoformat() if s.published else None,
            "date_precision": s.date_precision, "kind": s.kind, "derived_from_id": s.derived_from_id,
            "claims": row.claims}


def change_row_json(row: ChangeRow) -> dict[str, Any]:
    return {"id": row.id, "created_at": row.when.isoformat(), "object_type": row.object_type,
            "object_id": row.object_id, "action": row.action, "user": row.actor,
            "from_status": row.from_status, "to_status": row.to_status, "note": row.note}


def claim_counts(session: Session, entity_ids: list[int]) -> dict[int, int]:
    return dict(session.execute(select(CLAIM.c.subject_id, func.count()).where(
        CLAIM.c.subject_id.in_(entity_ids), CLAIM.c.status.not_in(HIDDEN_STATUSES))
        .group_by(CLAIM.c.subject_id)).all())
