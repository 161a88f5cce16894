"""The claim page: figure, qualifiers, quotes in context, corroboration, derived checks, history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import or_, select
from sqlmodel import Session

from kb.exports import claim_review, json_ld
from kb.models import Claim, Derivation, Event, Source, User
from kb.web.contexts.common import CLAIM, ClaimView, CitationView, SourceRef, claim_views, load_sources
from kb.web.contexts.entity import NotFound
from kb.web.formatting import format_figure
from kb.web.history import FieldChange, field_changes

CONTEXT_CHARS = 280
MAX_LINEAGE = 10


@dataclass
class QuoteInContext:
    citation: CitationView
    before: str
    quote: str
    after: str
    located: bool


@dataclass
class Corroboration:
    """Independent witnesses: each root source counts once, whatever derives from it."""

    roots: list[SourceRef]
    derived: list[tuple[SourceRef, SourceRef]]

    @property
    def independent(self) -> int:
        return len(self.roots)


@dataclass
class DerivedCheck:
    numerator: ClaimView
    denominator: ClaimView
    expected_low: float | None
    expected_high: float | None
    unit: str | None
    consistent: bool | None

    @property
    def expected(self) -> str:
        return format_figure(self.expected_low, self.expected_high, self.unit, "range")


@dataclass
class HistoryEntry:
    when: datetime
    action: str
    actor: str | None
    from_status: str | None
    to_status: str | None
    note: str
    changed: list[str] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ClaimPage:
    claim: ClaimView
    quotes: list[QuoteInContext]
    corroboration: Corroboration
    checks: list[DerivedCheck]
    used_in: list[ClaimView]
    history: list[HistoryEntry]
    review: dict[str, Any] | None

    @property
    def review_json(self) -> Markup | None:
        return json_ld(self.review) if self.review else None


def _widen(c: ClaimView) -> tuple[float | None, float | None]:
    pad = c.precision or 0.0
    low = None if c.low is None else c.low - pad
    high = None if c.high is None else c.high + pad
    return low, high


def _ratio(num: ClaimView, den: ClaimView) -> tuple[float | None, float | None]:
    n_lo, n_hi = _widen(num)
    d_lo, d_hi = _widen(den)
    if None in (n_lo, n_hi, d_lo, d_hi) or d_lo <= 0 or d_hi <= 0:
        return None, None
    return n_lo / d_hi, n_hi / d_lo


def _check(claim: ClaimView, num: ClaimView, den: ClaimView) -> DerivedCheck:
    lo, hi = _ratio(num, den)
    mine_lo, mine_hi = _widen(claim)
    consistent = None
    if lo is not None and (mine_lo is not None or mine_hi is not None):
        a = mine_lo if mine_lo is not None else float("-inf")
        b = mine_hi if mine_hi is not None else float("inf")
        consistent = a <= hi and lo <= b
    return DerivedCheck(num, den, lo, hi, claim.unit, consistent)


def _quotes(session: Session, claim: ClaimView) -> list[QuoteInContext]:
    ids = {c.source.id for c in claim.citations if c.start is not None}
    texts = dict(session.execute(select(Source.id, Source.text).where(Source.id.in_(ids))).all()) if ids else {}
    out = []
    for c in claim.citations:
        text = texts.get(c.source.id)
        if text and c.start is not None and c.end is not None and text[c.start:c.end] == c.quote:
            before = text[max(0, c.start - CONTEXT_CHARS):c.start]
            after = text[c.end:c.end + CONTEXT_CHARS]
            out.append(QuoteInContext(c, ("…" if c.start > CONTEXT_CHARS else "") + before, c.quote,
                                      after + ("…" if c.end + CONTEXT_CHARS < len(text) else ""), True))
        else:
            out.append(QuoteInContext(c, "", c.quote, "", False))
    return out


def corroboration(session: Session, sources: list[SourceRef]) -> Corroboration:
    """Group cited sources by the root of their derived_from lineage, one query per generation."""
    known = {s.id: s for s in sources}
    frontier = {s.derived_from_id for s in sources if s.derived_from_id} - set(known)
    for _ in range(MAX_LINEAGE):
        if not frontier:
            break
        found = load_sources(session, frontier)
        known.update(found)
        frontier = {s.derived_from_id for s in found.values() if s.derived_from_id} - set(known)

    def root(s: SourceRef) -> SourceRef:
        seen = set()
        while s.derived_from_id and s.derived_from_id in known and s.id not in seen:
            seen.add(s.id)
            s = known[s.derived_from_id]
        return s

    roots: dict[int, SourceRef] = {}
    derived = []
    for s in sources:
        r = root(s)
        roots.setdefault(r.id, r)
        if r.id != s.id:
            derived.append((s, r))
    return Corroboration(list(roots.values()), derived)


def _history(session: Session, claim_id: int) -> list[HistoryEntry]:
    rows = session.execute(
        select(Event, User.username).outerjoin(User, User.id == Event.actor_id)
        .where(Event.object_type == "claim", Event.object_id == claim_id)
        .order_by(Event.created_at, Event.id)
    ).all()
    out = []
    for event, username in rows:
        before, after = event.before or {}, event.after or {}
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)) if before else []
        out.append(HistoryEntry(event.created_at, event.action, username, event.from_status,
                                event.to_status, event.note, changed, field_changes(before, after)))
    return out


def claim_page(session: Session, *, claim_id: int, base_url: str = "") -> ClaimPage:
    """Everything the page for claim `claim_id` shows."""
    row = session.execute(select(CLAIM).where(CLAIM.c.id == claim_id)).first()
    if row is None:
        raise NotFound(f"no claim {claim_id}")
    derivations = session.execute(select(Derivation).where(
        or_(Derivation.claim_id == claim_id, Derivation.numerator_id == claim_id,
            Derivation.denominator_id == claim_id))).scalars().all()
    related_ids = {d.claim_id for d in derivations} | {d.numerator_id for d in derivations} \
        | {d.denominator_id for d in derivations}
    related_rows = session.execute(select(CLAIM).where(CLAIM.c.id.in_(related_ids - {claim_id}))).all() \
        if related_ids else []
    views = {v.id: v for v in claim_views(session, [row, *related_rows])}
    claim = views[claim_id]
    checks = [_check(claim, views[d.numerator_id], views[d.denominator_id])
              for d in derivations if d.claim_id == claim_id and d.numerator_id in views and d.denominator_id in views]
    used_in = [views[d.claim_id] for d in derivations if d.claim_id != claim_id and d.claim_id in views]
    history = _history(session, claim_id)
    review = None
    if claim.status in ("verified", "disputed", "refuted"):
        verdict = next((h for h in reversed(history) if h.to_status == claim.status), None)
        review = claim_review(
            claim_id=claim.id, statement=claim.statement, status=claim.status,
            reviewed_at=verdict.when if verdict else claim.updated_at,
            reviewer=verdict.actor if verdict else None, asserted_by=claim.asserted_by,
            subject_name=claim.subject.name, base_url=base_url,
            appearances=[{"title": c.source.title, "url": c.source.external_url,
                          "published": c.source.published} for c in claim.citations],
        )
    sources = list({c.source.id: c.source for c in claim.citations}.values())
    return ClaimPage(claim, _quotes(session, claim), corroboration(session, sources), checks, used_in,
                     history, review)
