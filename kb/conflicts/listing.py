"""Contradiction groups as JSON (DESIGN §5 shapes), loaded in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from kb.models import Attribute, Claim, Contradiction, ContradictionMember, Entity
from kb.serialize import by_id, claims_json, entity_json

STATUSES = ("open", "resolved", "explained")


def contradiction_rows(*, session: Session, status: str | None = None,
                       include_inactive: bool = False) -> list[Contradiction]:
    """Groups, most severe first; dissolved ones only when asked."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    stmt = select(Contradiction)
    if status is not None:
        stmt = stmt.where(Contradiction.status == status)
    if not include_inactive:
        stmt = stmt.where(Contradiction.active.is_(True))
    return list(session.exec(stmt.order_by(Contradiction.severity.desc(), Contradiction.id)))


def groups_json(*, session: Session, groups: list[Contradiction]) -> list[dict[str, Any]]:
    """The given groups with their member claims in the claim JSON shape."""
    if not groups:
        return []
    members: dict[int, list[tuple[int, bool]]] = {}
    group_ids = [g.id for g in groups]
    for i in range(0, len(group_ids), 500):
        stmt = select(ContradictionMember).where(ContradictionMember.contradiction_id.in_(group_ids[i:i + 500]))
        for m in session.exec(stmt):
            members.setdefault(m.contradiction_id, []).append((m.claim_id, m.in_conflict))
    claim_ids = {cid for ms in members.values() for cid, _ in ms}
    claims = by_id(session=session, model=Claim, ids=claim_ids)
    serialized = {c["id"]: c for c in claims_json(session=session, claims=list(claims.values()))}
    entities = by_id(session=session, model=Entity, ids={g.subject_id for g in groups})
    attributes = by_id(session=session, model=Attribute, ids={g.attribute_id for g in groups})
    out = []
    for g in groups:
        ms = sorted(members.get(g.id, []))
        out.append({
            "id": g.id,
            "kind": g.kind,
            "status": g.status,
            "severity": g.severity,
            "subject": entity_json(entities.get(g.subject_id)),
            "attribute": attributes[g.attribute_id].name if g.attribute_id in attributes else None,
            "qualifiers": g.qualifiers,
            "summary": g.summary,
            "source_id": g.source_id,
            "preferred_claim_id": g.preferred_claim_id,
            "note": g.note,
            "resolved_at": g.resolved_at.isoformat() if g.resolved_at else None,
            "active": g.active,
            "version": g.version,
            "conflicting": [cid for cid, flag in ms if flag],
            "claims": [serialized[cid] for cid, _ in ms if cid in serialized],
        })
    return out


def contradictions_json(*, session: Session, status: str | None = None) -> list[dict[str, Any]]:
    """Active groups (optionally of one status), most severe first, as JSON-ready dicts."""
    return groups_json(session=session, groups=contradiction_rows(session=session, status=status))


def open_groups_by_claim(*, session: Session, claim_ids: list[int]) -> dict[int, list[int]]:
    """claim id -> ids of the open groups in which its figure conflicts (to mark it on a page)."""
    out: dict[int, list[int]] = {}
    for i in range(0, len(claim_ids), 500):
        stmt = (select(ContradictionMember.claim_id, ContradictionMember.contradiction_id)
                .join(Contradiction, Contradiction.id == ContradictionMember.contradiction_id)
                .where(ContradictionMember.claim_id.in_(claim_ids[i:i + 500]),
                       ContradictionMember.in_conflict.is_(True), Contradiction.active.is_(True),
                       Contradiction.status == "open"))
        for claim_id, group_id in session.exec(stmt):
            out.setdefault(claim_id, []).append(group_id)
    return out
