"""The incremental recheck: only the groups and confidences that some new or edited claims touch."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kb.conflicts.check import Changes, RecheckReport, Settled, expire
from kb.conflicts.engine import Finding, ambiguous_findings, derived_finding, value_findings
from kb.conflicts.intervals import currency_of
from kb.conflicts.rates import Rates
from kb.conflicts.store import (
    StoredGroup, conversion_rates, derivations, facts_by_id, facts_for_buckets, family, groups_by_id,
    groups_by_key,
    groups_by_pairs, groups_with_claims, source_roots,
)
from kb.conflicts.sync import sync, write_confidences
from kb.models import Claim, Contradiction


@dataclass
class _Scope:
    """What some claims touch: their buckets, their labs' models, derivations, earlier groups."""

    buckets: set[tuple[int, int]] = field(default_factory=set)      # value and authorities checks
    ambiguous: set[tuple[int, int]] = field(default_factory=set)    # (lab, attribute) checks
    derived: set[str] = field(default_factory=set)                  # derived group keys
    kids: dict[int, list[int]] = field(default_factory=dict)        # lab -> its models
    names: dict[int, str] = field(default_factory=dict)

    @property
    def covered(self) -> set[tuple]:
        return ({("value", s, a) for s, a in self.buckets} | {("authorities", s, a) for s, a in self.buckets}
                | {("ambiguous_subject", s, a) for s, a in self.ambiguous}
                | {("derived", k) for k in self.derived})


def _scope(connection, ids: set[int]) -> _Scope:
    scope = _Scope()
    scope.buckets = {(f.bucket_subject, f.attribute_id) for f in facts_by_id(connection, ids).values()}
    earlier = groups_with_claims(connection, ids)   # an edit may have moved a claim out of them
    for g in groups_by_id(connection, earlier).values() if earlier else ():
        if g.kind == "derived":
            scope.derived.add(g.group_key)
        elif g.kind == "ambiguous_subject":
            scope.ambiguous.add((g.subject_id, g.attribute_id))
        else:
            scope.buckets.add((g.subject_id, g.attribute_id))
    info = family(connection, {s for s, _ in scope.buckets} | {s for s, _ in scope.ambiguous})
    scope.names = {eid: name for eid, (_, _, name) in info.items()}
    for eid, (kind, parent, _) in sorted(info.items()):
        if kind == "model" and parent is not None:
            scope.kids.setdefault(parent, []).append(eid)
    for s, a in scope.buckets:
        kind, parent, _ = info.get(s, ("", None, ""))
        if kind == "model" and parent is not None:
            scope.ambiguous.add((parent, a))
        scope.ambiguous.add((s, a))
    scope.ambiguous = {(s, a) for s, a in scope.ambiguous if scope.kids.get(s)}
    return scope


def update_for_claims(*, session: Session, claim_ids: Iterable[int]) -> RecheckReport:
    """Recheck only the groups and confidences the given (new or edited) claims touch."""
    started = time.perf_counter()
    session.flush()
    connection = session.connection()
    report = RecheckReport()
    ids = set(claim_ids)
    if not ids:
        return report
    scope = _scope(connection, ids)
    facts = facts_for_buckets(connection, scope.buckets | scope.ambiguous)
    stored = _stored_in(connection, scope.buckets, scope.ambiguous, scope.derived)
    # A lab's models' figures matter only where the lab states one of its own or a group exists.
    scope.ambiguous = {(s, a) for s, a in scope.ambiguous
                       if any(f.comparable for f in facts.get((s, a), ()))
                       or any(g.kind == "ambiguous_subject" and (g.subject_id, g.attribute_id) == (s, a)
                              for g in stored.values())}
    stored = {gid: g for gid, g in stored.items()
              if g.kind != "ambiguous_subject" or (g.subject_id, g.attribute_id) in scope.ambiguous}
    facts.update(facts_for_buckets(connection, {(k, a) for s, a in scope.ambiguous for k in scope.kids[s]}
                                   - set(facts)))
    triples = derivations(connection, ids | {int(key.split(":")[1]) for key in scope.derived})
    loaded = {f.id: f for fs in facts.values() for f in fs}
    loaded.update(facts_by_id(connection, {i for t in triples for i in t} - set(loaded)))
    new_keys = {f"derived:{c}" for c, _, _ in triples} - scope.derived
    scope.derived |= new_keys
    stored.update(_stored_in(connection, set(), set(), new_keys))
    settled = Settled(stored.values())
    roots = source_roots(connection, {src for fs in facts.values() for f in fs for src in f.sources})
    # Rates matter only where figures in two currencies meet: most updates skip the query.
    currencies = {currency_of(f.unit) for fs in facts.values() for f in fs} - {None}
    rates = conversion_rates(connection) if len(currencies) > 1 else Rates()
    findings: list[Finding] = []
    changes = Changes()
    for s, a in sorted(scope.buckets):
        bucket = facts.get((s, a), [])
        result = value_findings(s, a, bucket, settled.get("value", s, a), settled.authorities.get((s, a), {}),
                                rates)
        findings += result.findings
        report.notes += result.notes
        changes.add(bucket, roots, {})
        report.claims += len(bucket)
        report.buckets += 1
    for s, a in sorted(scope.ambiguous):
        own = [f for f in facts.get((s, a), []) if f.comparable]
        models = [f for k in scope.kids[s] for f in facts.get((k, a), []) if f.comparable]
        findings += ambiguous_findings(s, a, own, models, scope.names, settled.get("ambiguous_subject", s, a),
                                       rates)
    for cid, nid, did in triples:
        if cid in loaded and nid in loaded and did in loaded:
            f = derived_finding(loaded[cid], loaded[nid], loaded[did], settled.derived(loaded[cid]))
            if f is not None:
                findings.append(f)
    stats = sync(connection, findings, stored, scope.covered)
    report.absorb(stats)
    write_confidences(connection, changes.ids, changes.values)
    report.confidences_changed = len(changes)
    expire(session, Claim, changes.ids)
    expire(session, Contradiction, stats.touched)
    report.seconds = time.perf_counter() - started
    return report


def _stored_in(connection, buckets, ambiguous_scopes, derived_keys) -> dict[int, StoredGroup]:
    """Stored groups the recheck covers."""
    pairs = set(buckets) | set(ambiguous_scopes)
    groups = groups_by_pairs(connection, pairs) if pairs else {}
    if derived_keys:
        groups.update(groups_by_key(connection, derived_keys))
    keep = {}
    for gid, g in groups.items():
        pair = (g.subject_id, g.attribute_id)
        if (g.kind == "derived" and g.group_key in derived_keys) \
                or (g.kind in ("value", "authorities") and pair in buckets) \
                or (g.kind == "ambiguous_subject" and pair in ambiguous_scopes):
            keep[gid] = g
    return keep


