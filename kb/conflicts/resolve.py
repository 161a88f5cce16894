"""A fact-checker's decision on a contradiction group: which figure stands, and why."""

from __future__ import annotations

from sqlmodel import Session, select

from kb.conflicts.incremental import update_for_claims
from kb.conflicts.intervals import overlaps, widen
from kb.models import Claim, Contradiction, ContradictionMember
from kb.models.base import utcnow
from kb.services.history import record_event, snapshot

DECISIONS = ("resolved", "explained")


class ResolutionError(ValueError):
    """The decision cannot be recorded as asked; nothing was changed."""


def resolve_contradiction(*, session: Session, contradiction: Contradiction,
                          preferred_claim_id: int | None, status: str, note: str,
                          actor_id: int | None) -> Contradiction:
    """Record a decision: the preferred claim ranks first, the figures it contradicts are deprecated.

    `resolved` needs a preferred claim; `explained` (the figures differ for a stated reason) may
    name one or none. Only members whose figure contradicts the preferred one are deprecated: a
    member that agrees with it (the same figure from another source) is not wrong. A later
    recheck keeps the decision until a new conflicting claim joins.
    """
    if status not in DECISIONS:
        raise ResolutionError(f"status must be one of {', '.join(DECISIONS)}, not {status!r}")
    if status == "resolved" and preferred_claim_id is None:
        raise ResolutionError("a resolved contradiction needs the claim whose figure stands")
    if not note.strip():
        raise ResolutionError("a note saying why is required")
    flags = dict(session.exec(select(ContradictionMember.claim_id, ContradictionMember.in_conflict).where(
        ContradictionMember.contradiction_id == contradiction.id)).all())
    member_ids = set(flags)
    if preferred_claim_id is not None and preferred_claim_id not in member_ids:
        raise ResolutionError(f"claim {preferred_claim_id} is not in contradiction {contradiction.id}")
    now = utcnow()
    if preferred_claim_id is not None:
        claims = {c.id: c for c in session.exec(select(Claim).where(Claim.id.in_(sorted(member_ids))))}
        losers = contradicted(contradiction, claims[preferred_claim_id], claims.values(), flags)
        reason = f"contradiction {contradiction.id}: claim {preferred_claim_id} preferred: {note.strip()}"[:500]
        for claim in claims.values():
            if claim.id == preferred_claim_id:
                rank, why = "preferred", ""
            elif claim.id in losers:
                rank, why = "deprecated", reason
            else:
                continue
            if claim.rank == rank and claim.rank_reason == why:
                continue
            before = snapshot(claim)
            claim.rank, claim.rank_reason = rank, why
            claim.version += 1
            claim.updated_at = now
            session.add(claim)
            session.flush()
            record_event(session, object_type="claim", object_id=claim.id, action="rank",
                         actor_id=actor_id, note=why or f"preferred in contradiction {contradiction.id}",
                         before=before, after=snapshot(claim))
    before_status = contradiction.status
    contradiction.status = status
    contradiction.preferred_claim_id = preferred_claim_id
    contradiction.note = note.strip()
    contradiction.resolved_by_id = actor_id
    contradiction.resolved_at = now
    contradiction.updated_at = now
    contradiction.version += 1
    session.add(contradiction)
    session.flush()
    record_event(session, object_type="contradiction", object_id=contradiction.id,
                 action="resolve" if status == "resolved" else "explain", actor_id=actor_id,
                 from_status=before_status, to_status=status, note=note.strip(),
                 after={"preferred_claim_id": preferred_claim_id})
    update_for_claims(session=session, claim_ids=member_ids)
    session.refresh(contradiction)
    return contradiction


def _interval(claim: Claim):
    return widen(claim.low, claim.high, claim.bound, claim.precision, claim.unit)


def contradicted(group: Contradiction, preferred: Claim, claims, flags: dict[int, bool]) -> set[int]:
    """Members whose figure the preferred claim contradicts, on the quantity it measures.

    In a derived group the operands are other quantities: preferring an operand deprecates the
    ratio claim, preferring the ratio deprecates nothing. In an ambiguous-subject group only the
    lab-level figures and figures on the preferred claim's own subject can be contradicted.
    """
    if group.kind == "derived":
        ratio_id = int(group.group_key.split(":")[1].split("~")[0])
        return {ratio_id} if preferred.id != ratio_id else set()
    target = _interval(preferred)
    subject = preferred.model_id or preferred.subject_id
    out = set()
    for claim in claims:
        if claim.id == preferred.id or not flags.get(claim.id) or claim.unit != preferred.unit:
            continue
        if (claim.model_id or claim.subject_id) not in (subject, group.subject_id):
            continue
        mine = _interval(claim)
        if target is None or mine is None or not overlaps(target, mine):
            out.add(claim.id)
    return out
