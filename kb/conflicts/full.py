"""The full recheck: every claim read once, in (subject, attribute) order, groups written back."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.conflicts import overlap
from kb.conflicts.check import Changes, RecheckReport, Settled, expire, open_counts
from kb.conflicts.confidence import Witnesses
from kb.conflicts.engine import Finding, ambiguous_findings, derived_finding, value_findings
from kb.conflicts.facts import VISIBLE_STATUSES, Fact, all_agree
from kb.conflicts.overlap import ConfidenceWriter, snapshot_reader
from kb.conflicts.rates import Rates
from kb.conflicts.store import (
    claim_t, conversion_rates, derivations, entity_info, entity_t, load_groups, source_roots,
    stream_buckets,
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


@dataclass
class _Pass:
    """What the streaming pass gathers, bucket by bucket."""

    report: RecheckReport
    roots: Witnesses
    settled: Settled
    parents: dict[int, int]          # model -> its lab
    lab_pairs: set[tuple[int, int]]
    in_derivations: set[int]
    rates: Rates
    findings: list[Finding] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    written: int = 0                 # confidences already handed to the background writer
    lone: dict = field(default_factory=dict)
    lab_facts: dict[tuple[int, int], list[Fact]] = field(default_factory=dict)
    # Models' figures on an attribute their lab also states a figure for, kept for the
    # lab-versus-models check after the pass (a lab's models are scattered through the stream).
    model_facts: dict[tuple[int, int], list[Fact]] = field(default_factory=dict)
    operands: dict[int, Fact] = field(default_factory=dict)

    def bucket(self, subject_id: int, attribute_id: int, facts: list[Fact]) -> None:
        self.report.claims += len(facts)
        self.report.buckets += 1
        agree = len(facts) == 1 or all_agree(facts)
        if not agree:
            result = value_findings(subject_id, attribute_id, facts,
                                    self.settled.get("value", subject_id, attribute_id),
                                    self.settled.authorities.get((subject_id, attribute_id), {}), self.rates)
            self.findings += result.findings
            self.report.notes += result.notes
        self.changes.add(facts, self.roots, self.lone, agree)
        if (subject_id, attribute_id) in self.lab_pairs:
            self.lab_facts[(subject_id, attribute_id)] = [f for f in facts if f.comparable]
        parent = self.parents.get(subject_id)
        if parent is not None and (parent, attribute_id) in self.lab_pairs:
            self.model_facts.setdefault((parent, attribute_id), []).extend(f for f in facts if f.comparable)
        if self.in_derivations:
            self.operands.update((f.id, f) for f in facts if f.id in self.in_derivations)

    def hand_over(self, writer: ConfidenceWriter) -> None:
        writer.put(self.changes.ids, self.changes.values)
        self.written += len(self.changes)
        self.changes = Changes()


def recheck_all(*, session: Session) -> RecheckReport:
    """Recheck every group and every claim's computed confidence in one streaming pass."""
    started = time.perf_counter()
    session.flush()
    connection = session.connection()
    report = RecheckReport()
    stored = load_groups(connection)
    settled = Settled(stored.values())
    triples = derivations(connection)
    run = _Pass(report, Witnesses(source_roots(connection)), settled, parents={
        eid: parent for eid, parent in connection.execute(
            select(entity_t.c.id, entity_t.c.parent_id).where(entity_t.c.kind == "model",
                                                              entity_t.c.parent_id.is_not(None)))},
        lab_pairs=_lab_level_pairs(connection), in_derivations={i for t in triples for i in t},
        rates=conversion_rates(connection))
    with snapshot_reader(connection) as reader:
        # With a second connection on the same snapshot, PostgreSQL writes one batch of
        # confidences while the next claims are read and checked.
        writer = ConfidenceWriter(connection) if reader is not None else None
        try:
            for subject_id, attribute_id, facts in stream_buckets(reader or connection):
                run.bucket(subject_id, attribute_id, facts)
                if writer is not None and len(run.changes) >= overlap.CHUNK:
                    run.hand_over(writer)
        finally:
            if writer is not None:
                run.hand_over(writer)
                writer.close()
    findings = run.findings
    names = {eid: info[2] for eid, info in entity_info(
        connection, {f.bucket_subject for fs in run.model_facts.values() for f in fs}).items()}
    for (lab_id, attribute_id), own in run.lab_facts.items():
        findings += ambiguous_findings(lab_id, attribute_id, own, run.model_facts.get((lab_id, attribute_id), []),
                                       names, settled.get("ambiguous_subject", lab_id, attribute_id), run.rates)
    operands = run.operands
    for cid, nid, did in triples:
        if cid in operands and nid in operands and did in operands:
            f = derived_finding(operands[cid], operands[nid], operands[did], settled.derived(operands[cid]))
            if f is not None:
                findings.append(f)
    report.absorb(sync(connection, findings, stored))
    write_confidences(connection, run.changes.ids, run.changes.values)
    report.confidences_changed = run.written + len(run.changes)
    report.open_groups = open_counts(connection)
    expire(session, Claim, run.changes.ids, all_of_kind=run.written > 0 or len(run.changes) > 1000)
    expire(session, Contradiction, stored, all_of_kind=True)
    report.seconds = time.perf_counter() - started
    return report
