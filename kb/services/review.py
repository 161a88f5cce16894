"""Reviewing proposed claims: accept, accept as corroboration, edit, reject; with warnings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz import fuzz
from sqlmodel import Session, select

from kb.conflicts.facts import same_or_unstated
from kb.conflicts.intervals import overlaps, widen
from kb.models import Attribute, Citation, Claim, ClaimStatus, Entity
from kb.services.claims import ClaimFields, edit_claim, get_claim, refresh_contradictions
from kb.services.errors import InvalidInput
from kb.services.history import record_event, snapshot
from kb.services.versioning import conditional_update, stale_edit
from kb.services.vocabulary import accept_with_claim

PROPOSED = ClaimStatus.PROPOSED.value
BULK_CONFIDENCE = 0.75  # proposals placed by grammar ("X's 11x", a table row) rather than by guess
SIMILAR_STATEMENT = 90.0
_IGNORED = (ClaimStatus.REJECTED.value, ClaimStatus.RETRACTED.value)


@dataclass(frozen=True)
class ReviewWarning:
    """Why an editor should look twice: the proposal repeats or contradicts another claim."""

    kind: str  # duplicate, conflict, similar
    claim_id: int
    message: str


def _interval(claim: Claim):
    return widen(claim.low, claim.high, claim.bound, claim.precision, claim.unit) if claim.unit else None


def warnings_for(*, session: Session, claims: list[Claim]) -> dict[int, list[ReviewWarning]]:
    """For each proposal, the existing claims on its subject it duplicates or conflicts with."""
    subjects = {c.subject_id for c in claims}
    if not subjects:
        return {}
    others = session.exec(select(Claim).where(Claim.subject_id.in_(subjects),
                                              Claim.status.not_in(_IGNORED))).all()
    by_subject: dict[int, list[Claim]] = {}
    for other in others:
        by_subject.setdefault(other.subject_id, []).append(other)
    return {c.id: _warnings(c, by_subject.get(c.subject_id, [])) for c in claims}


def _warnings(claim: Claim, others: list[Claim]) -> list[ReviewWarning]:
    out = []
    mine = _interval(claim)
    for other in others:
        if other.id == claim.id:
            continue
        theirs = _interval(other)
        same_quantity = (other.attribute_id == claim.attribute_id and other.unit == claim.unit
                         and same_or_unstated(other.period.casefold(), claim.period.casefold())
                         and same_or_unstated(other.scope.casefold(), claim.scope.casefold()))
        label = f"claim {other.id} ({other.status}): {other.figure_text or other.statement[:80]}"
        if mine and theirs and same_quantity:
            if overlaps(mine, theirs):
                out.append(ReviewWarning("duplicate", other.id,
                                         f"states the same figure as {label}; accept as corroboration?"))
            else:
                out.append(ReviewWarning("conflict", other.id, f"conflicts with {label}"))
        elif mine and theirs and other.unit == claim.unit and claim.low == other.low \
                and claim.high == other.high:
            out.append(ReviewWarning("duplicate", other.id,
                                     f"the same figure under another attribute in {label}"))
        elif fuzz.token_set_ratio(claim.statement, other.statement) >= SIMILAR_STATEMENT:
            out.append(ReviewWarning("similar", other.id, f"reads like {label}"))
    return out


def proposals_of(*, session: Session, source_id: int, include_done: bool = False) -> list[Claim]:
    """Claims extracted from a source that await review (or, with include_done, all of them)."""
    query = (select(Claim).join(Citation, Citation.claim_id == Claim.id)
             .where(Citation.source_id == source_id).order_by(Citation.start, Claim.id))
    seen: set[int] = set()
    claims = [c for c in session.exec(query).all() if not (c.id in seen or seen.add(c.id))]
    if include_done:
        return claims
    return [c for c in claims if c.status == PROPOSED]


def _require_proposed(claim: Claim) -> None:
    if claim.status != PROPOSED:
        raise InvalidInput("status", f"claim {claim.id} is {claim.status.replace('_', ' ')}, "
                                     "not a proposal awaiting review")


def _set_status(session: Session, claim: Claim, *, base_version: int, status: str, action: str,
                actor_id: int | None, note: str = "", extra: dict[str, Any] | None = None) -> Claim:
    values = {"status": status, **(extra or {})}
    before = snapshot(claim)
    if claim.version != base_version or not conditional_update(
            session, Claim, row_id=claim.id, base_version=base_version, values=values):
        session.refresh(claim)
        raise stale_edit(session, claim, object_type="claim", base_version=base_version,
                         current=snapshot(claim))
    session.refresh(claim)
    record_event(session, object_type="claim", object_id=claim.id, action=action,
                 actor_id=actor_id, from_status=before["status"], to_status=status, note=note,
                 before=before, after=snapshot(claim))
    return claim


def accept(*, session: Session, claim_id: int, base_version: int, actor_id: int | None) -> Claim:
    """The proposal becomes an unverified claim that readers see."""
    claim = get_claim(session, claim_id)
    _require_proposed(claim)
    _set_status(session, claim, base_version=base_version, status=ClaimStatus.UNVERIFIED.value,
                action="accept", actor_id=actor_id, note="accepted in review")
    accept_with_claim(session, claim, actor_id)
    refresh_contradictions(session, [claim.id])
    return claim


def accept_as_corroboration(*, session: Session, claim_id: int, base_version: int, target_id: int,
                            actor_id: int | None) -> Claim:
    """The proposal's citations go to an existing claim; the proposal is kept, closed, pointing there."""
    claim = get_claim(session, claim_id)
    _require_proposed(claim)
    target = session.get(Claim, target_id)
    if target is None or target.id == claim.id or target.status in _IGNORED + (PROPOSED,):
        raise InvalidInput("target", "choose an accepted claim for this source to corroborate")
    if target.subject_id != claim.subject_id:
        raise InvalidInput("target", "the claim to corroborate must be about the same subject")
    citations = session.exec(select(Citation).where(Citation.claim_id == claim.id)).all()
    for citation in citations:
        session.add(Citation(claim_id=target.id, source_id=citation.source_id, quote=citation.quote,
                             start=citation.start, end=citation.end, prefix=citation.prefix,
                             suffix=citation.suffix, content_hash=citation.content_hash,
                             anchored=citation.anchored, row=citation.row, column=citation.column))
    before = snapshot(target)
    if not conditional_update(session, Claim, row_id=target.id, base_version=target.version, values={}):
        raise stale_edit(session, target, object_type="claim", base_version=target.version,
                         current=snapshot(target))
    session.refresh(target)
    record_event(session, object_type="claim", object_id=target.id, action="cite",
                 actor_id=actor_id, before=before, after=snapshot(target),
                 note=f"corroborated by proposal {claim.id} from source "
                      f"{', '.join(str(c.source_id) for c in citations)}")
    _set_status(session, claim, base_version=base_version, status=ClaimStatus.REJECTED.value,
                action="corroborate", actor_id=actor_id,
                note=f"accepted as corroboration of claim {target.id}")
    refresh_contradictions(session, [target.id])
    return target


def edit_proposal(*, session: Session, claim_id: int, base_version: int, fields: ClaimFields,
                  actor_id: int | None) -> Claim:
    """Correct what the extractor read (subject, attribute, figure, qualifiers); still a proposal."""
    claim = get_claim(session, claim_id)
    _require_proposed(claim)
    if fields.statement.strip() == claim.statement.strip() and (
            fields.subject_id != claim.subject_id or fields.attribute_id != claim.attribute_id
            or (fields.figure_text or "") != (claim.figure_text or "")):
        # The extractor's wording described what the edit corrects: say it again from the fields.
        fields = replace(fields, statement=_statement(session, fields) or fields.statement)
    return edit_claim(session=session, claim_id=claim_id, base_version=base_version, fields=fields,
                      actor_id=actor_id, note="edited in review")


def _statement(session: Session, fields: ClaimFields) -> str:
    """"DeepSeek-V3 — Parameters (active): 37 billion (2025; according to DeepSeek)"."""
    subject = session.get(Entity, fields.subject_id) if fields.subject_id else None
    attribute = session.get(Attribute, fields.attribute_id) if fields.attribute_id else None
    if subject is None or attribute is None:
        return ""
    text = f"{subject.name} — {attribute.label}" + (f": {fields.figure_text}" if fields.figure_text else "")
    extras = [e for e in (fields.period, fields.scope) if e]
    if fields.asserted_by:
        extras.append(f"according to {fields.asserted_by}")
    return text + (f" ({'; '.join(extras)})" if extras else "")


def reject(*, session: Session, claim_id: int, base_version: int, actor_id: int | None,
           reason: str) -> Claim:
    """Close a proposal; it is kept, with who rejected it and why, so nobody proposes it again."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the proposal is rejected")
    if len(reason) > 2000:
        raise InvalidInput("reason", "keep the reason under 2,000 characters")
    claim = get_claim(session, claim_id)
    _require_proposed(claim)
    return _set_status(session, claim, base_version=base_version, status=ClaimStatus.REJECTED.value,
                       action="reject", actor_id=actor_id, note=reason)


def bulk_accept(*, session: Session, source_id: int, actor_id: int | None,
                min_confidence: float = BULK_CONFIDENCE) -> list[int]:
    """Accept every confident proposal of a source that raises no warning; the ids accepted."""
    pending = proposals_of(session=session, source_id=source_id)
    warned = warnings_for(session=session, claims=pending)
    accepted = []
    for claim in pending:
        if (claim.confidence or 0.0) < min_confidence or warned.get(claim.id):
            continue
        accept(session=session, claim_id=claim.id, base_version=claim.version, actor_id=actor_id)
        accepted.append(claim.id)
    return accepted


def subject_choices(session: Session, claims: list[Claim]) -> dict[int, Entity]:
    ids = {c.subject_id for c in claims} | {c.model_id for c in claims if c.model_id}
    if not ids:
        return {}
    return {e.id: e for e in session.exec(select(Entity).where(Entity.id.in_(ids))).all()}


__all__ = ["BULK_CONFIDENCE", "ReviewWarning", "accept", "accept_as_corroboration",
           "bulk_accept", "edit_proposal", "proposals_of", "reject", "subject_choices",
           "warnings_for"]
