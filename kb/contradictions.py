"""Contradiction groups: the public entry points (the work is done in kb/conflicts/).

- `recheck_all(session=...)`: every group and every claim's confidence, in one streaming pass.
- `update_for_claims(session=..., claim_ids=...)`: only what new or edited claims touch.
- `contradictions_json(session=..., status=None)`: the groups in DESIGN §5 JSON shapes.
- `resolve_contradiction(...)`: a fact-checker's decision, kept across rechecks.
- `comparability_notes(session=..., subject_id=...)`: figures kept apart for a stated reason.
- `currency_reasons(connection, groups)`: the same for groups of claims a page already holds.
- `open_groups_by_claim(session=..., claim_ids=...)`: which figures to mark as contested.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from kb.conflicts.check import RecheckReport
from kb.conflicts.full import recheck_all
from kb.conflicts.incremental import update_for_claims
from kb.conflicts.engine import Note, currency_notes
from kb.conflicts.listing import (
    contradiction_rows, contradictions_json, groups_json, open_groups_by_claim,
)
from kb.conflicts.resolve import ResolutionError, resolve_contradiction
from kb.conflicts.facts import make_fact
from kb.conflicts.intervals import currency_of
from kb.conflicts.store import conversion_rates, facts_for_buckets
from kb.models import Claim

__all__ = [
    "Note", "RecheckReport", "ResolutionError", "comparability_notes", "contradiction_rows", "currency_reasons",
    "contradictions_json", "groups_json", "open_groups_by_claim", "recheck_all",
    "resolve_contradiction", "update_for_claims",
]


def comparability_notes(*, session: Session, subject_id: int) -> list[Note]:
    """Why some of a subject's figures are not compared (e.g. USD vs CNY with no dated rate)."""
    connection = session.connection()
    attrs = set(connection.execute(select(Claim.attribute_id).where(Claim.subject_id == subject_id)).scalars())
    buckets = facts_for_buckets(connection, {(subject_id, a) for a in attrs})
    rates = conversion_rates(connection)
    notes: list[Note] = []
    for (s, a), facts in sorted(buckets.items()):
        notes += currency_notes(s, a, [f for f in facts if f.comparable], rates)
    return notes


def currency_reasons(connection, groups: list[list]) -> list[list[str]]:
    """For each group of claims (one subject and attribute), why some of its figures are not compared
    because of their currencies. Claims need the columns the checks read, as a page's claim views
    have. Rates are read once, and only when some group mixes currencies (most pages never do)."""
    mixed = [len({currency_of(c.unit) for c in claims} - {None}) > 1 for claims in groups]
    rates = conversion_rates(connection) if any(mixed) else None
    return [_currency_reasons(claims, rates) if m else [] for claims, m in zip(groups, mixed)]


def _currency_reasons(claims: list, rates) -> list[str]:
    facts = [make_fact((c.id, c.subject.id, c.model.id if c.model else None, c.attribute.id, c.low, c.high,
                        c.unit, c.bound, c.precision, c.period, c.scope, c.asserted_by, c.status, c.rank,
                        c.confidence, c.dataset_confidence, c.figure_text)) for c in claims]
    first = claims[0]
    notes = currency_notes(first.subject.id, first.attribute.id, [f for f in facts if f.comparable], rates)
    return [note.reason for note in notes]
