"""The full recheck: every claim read once, in (subject, attribute) order, groups written back."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.conflicts.check import Changes, RecheckReport, Settled, expire, open_counts
from kb.conflicts.confidence import Witnesses
from kb.conflicts.engine import Finding, ambiguous_findings, derived_finding, value_findings
from kb.conflicts.facts import VISIBLE_STATUSES, Fact, all_agree
from kb.conflicts.store import (
    claim_t, derivations, entity_info, entity_t, load_groups, source_roots, stream_buckets,
)
from kb.conflicts.sync import sync, write_confidences
from kb.models import Claim, Contradiction

def _lab_level_pairs(connection) -> set[tuple[int, int]]:
    """(entity, attribute) pairs where an entity with models has visible figures of its own."""
    parents = select(entity_t.c.parent_id).where(entity_t.c.kind == "model",
                                                   entity_t.c.parent_id.is_not(None))
    stmt = select(claim_t.c.subject_id, claim_t.c.attribute_id).where(
        claim_t.c.model_id.is_(None), claim_t.c.unit.is_not(None),
        claim_t.c.status.in_(sorted(VISIBLE_STATUSES)), claim_t.c.rank != "deprecated",
        claim_t.c.subject_id.in_(parents)).distinct()
    return {(s, a) for s, a in connection.execute(stmt)}


def recheck_all(*, session: Session) -> RecheckReport:
    """Recheck every group and every claim's computed confidence in one streaming pass."""
    started = time.perf_counter()
    session.flush()
    connection = session.connection()
    report = RecheckReport()
    roots = Witnesses(source_roots(connection))
    stored = load_groups(connection)
    settled = Settled(stored.values())
    parents = {eid: parent for eid, parent in connection.execute(
        select(entity_t.c.id, entity_t.c.parent_id).where(entity_t.c.kind == "model",
                                                          entity_t.c.parent_id.is_not(None)))}
    lab_pairs = _lab_level_pairs(connection)
    triples = derivations(connection)
    in_derivations = {i for t in triples for i in t}
    lab_facts: dict[tuple[int, int], list[Fact]] = {}
    # Models' figures on an attribute their lab also states a figure for, kept for the
    # lab-versus-models check after the pass (a lab's models are scattered through the stream).
    model_facts: dict[tuple[int, int], list[Fact]] = {}
    operands: dict[int, Fact] = {}
    findings: list[Finding] = []
    changes = Changes()
    lone: dict = {}
    for subject_id, attribute_id, facts in stream_buckets(connection):
        report.claims += len(facts)
        report.buckets += 1
        agree = len(facts) == 1 or all_agree(facts)
        if not agree:
            result = value_findings(subject_id, attribute_id, facts,
                                    settled.get("value", subject_id, attribute_id),
                                    settled.authorities.get((subject_id, attribute_id), {}))
            findings += result.findings
            report.notes += result.notes
        changes.add(facts, roots, lone, agree)
        if (subject_id, attribute_id) in lab_pairs:
            lab_facts[(subject_id, attribute_id)] = [f for f in facts if f.comparable]
        parent = parents.get(subject_id)
        if parent is not None and (parent, attribute_id) in lab_pairs:
            model_facts.setdefault((parent, attribute_id), []).extend(f for f in facts if f.comparable)
        if in_derivations:
            operands.update((f.id, f) for f in facts if f.id in in_derivations)
    names = {eid: info[2] for eid, info in entity_info(
        connection, {f.bucket_subject for fs in model_facts.values() for f in fs}).items()}
    for (lab_id, attribute_id), own in lab_facts.items():
        findings += ambiguous_findings(lab_id, attribute_id, own, model_facts.get((lab_id, attribute_id), []),
                                       names, settled.get("ambiguous_subject", lab_id, attribute_id))
    for cid, nid, did in triples:
        if cid in operands and nid in operands and did in operands:
            f = derived_finding(operands[cid], operands[nid], operands[did], settled.derived(operands[cid]))
            if f is not None:
                findings.append(f)
    report.absorb(sync(connection, findings, stored))
    write_confidences(connection, changes.ids, changes.values)
    report.confidences_changed = len(changes)
    report.open_groups = open_counts(connection)
    expire(session, Claim, changes.ids, all_of_kind=len(changes) > 1000)
    expire(session, Contradiction, stored, all_of_kind=True)
    report.seconds = time.perf_counter() - started
    return report
