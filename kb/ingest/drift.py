"""Evidence drift: when a source's text changes, re-anchor its citations or flag their claims."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from kb.ingest.anchors import relocate
from kb.models import Citation, Claim, ClaimStatus, Source
from kb.services.history import record_event, snapshot
from kb.services.versioning import conditional_update

# Verdicts that stand whatever the text says now; everything else goes back to the fact-checkers.
SETTLED = {ClaimStatus.REJECTED.value, ClaimStatus.RETRACTED.value, ClaimStatus.REFUTED.value,
           ClaimStatus.NEEDS_VERIFICATION.value}


@dataclass
class DriftReport:
    exact: int = 0
    moved: int = 0  # found again by prefix and suffix or fuzzily; quote updated to the new wording
    lost: list[int] = field(default_factory=list)  # claim ids whose quote no longer anchors


def reanchor_source(*, session: Session, source: Source, actor_id: int | None) -> DriftReport:
    """Re-find every citation of `source` in its current text; flag the claims that lost theirs."""
    report = DriftReport()
    text = source.text or ""
    citations = session.exec(select(Citation).where(Citation.source_id == source.id)).all()
    for citation in citations:
        found = relocate(text, citation.quote, prefix=citation.prefix, suffix=citation.suffix,
                         near=citation.start)
        if found is None:
            if citation.anchored:
                citation.anchored = False
                session.add(citation)
                report.lost.append(citation.claim_id)
            continue
        if found.method == "exact":
            report.exact += 1
        else:
            report.moved += 1
            _note_moved(session, citation, found.quote, found.method, actor_id)
        citation.start, citation.end, citation.quote = found.start, found.end, found.quote
        citation.prefix, citation.suffix = found.prefix, found.suffix
        citation.content_hash, citation.anchored = source.content_hash, True
        session.add(citation)
    session.flush()
    for claim_id in sorted(set(report.lost)):
        _back_to_queue(session, claim_id, source, actor_id)
    return report


def _note_moved(session: Session, citation: Citation, new_quote: str, method: str,
                actor_id: int | None) -> None:
    if new_quote == citation.quote:
        return
    how = "by its prefix and suffix" if method == "context" else "fuzzily"
    record_event(session, object_type="claim", object_id=citation.claim_id, action="reanchor",
                 actor_id=actor_id, note=f"the source changed; the quote was found again {how}: "
                 f"“{citation.quote[:300]}” now reads “{new_quote[:300]}”")


def _back_to_queue(session: Session, claim_id: int, source: Source, actor_id: int | None) -> None:
    claim = session.get(Claim, claim_id)
    if claim is None or claim.status in SETTLED:
        return
    before = snapshot(claim)
    if not conditional_update(session, Claim, row_id=claim.id, base_version=claim.version,
                              values={"status": ClaimStatus.NEEDS_VERIFICATION.value}):
        return  # changed by someone else this instant: their change stands
    session.refresh(claim)
    record_event(session, object_type="claim", object_id=claim.id, action="drift",
                 actor_id=actor_id, from_status=before["status"], to_status=claim.status,
                 before=before, after=snapshot(claim),
                 note=f"the text of source {source.id} (“{source.title[:120]}”) changed and the "
                      "quote is no longer found in it")
