"""The pure core: which claims conflict, grouped into findings; no database here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kb.conflicts.facts import Fact, compatible, conflict, incomparable_currency
from kb.conflicts.intervals import divide, overlaps, relative_gap
from kb.conflicts.rates import Rates, in_one_currency

# Settled groups of one kind and bucket: group id -> member claim ids. Conflicts among a settled
# group's own members were already judged by a fact-checker and raise nothing new.
Settled = Mapping[int, frozenset[int]]


@dataclass
class Finding:
    """One contradiction group as computed now, before it is matched to what is stored."""

    kind: str
    subject_id: int
    attribute_id: int
    key: str
    conflicting: set[int]
    members: set[int]
    severity: float
    summary: str
    qualifiers: str
    source_id: int | None = None
    reopens: int | None = None   # a settled group that a new conflicting claim joins


@dataclass
class Note:
    """Figures kept apart for a stated reason rather than flagged (e.g. different currencies)."""

    subject_id: int
    attribute_id: int
    claim_ids: list[int]
    reason: str


@dataclass
class BucketResult:
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def _components(edges: list[tuple[Fact, Fact]]) -> list[tuple[list[Fact], list[tuple[Fact, Fact]]]]:
    """Connected components of the conflict graph, each with its edges, in a stable order."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    facts: dict[int, Fact] = {}
    for a, b in edges:
        facts[a.id], facts[b.id] = a, b
        ra, rb = find(a.id), find(b.id)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, tuple[list[Fact], list[tuple[Fact, Fact]]]] = {}
    for fid in sorted(facts):
        groups.setdefault(find(fid), ([], []))[0].append(facts[fid])
    for a, b in edges:
        groups[find(a.id)][1].append((a, b))
    return [groups[k] for k in sorted(groups)]


def _unsettled(edges: Iterable[tuple[Fact, Fact]], settled: Settled) -> list[tuple[Fact, Fact]]:
    sets = list(settled.values())
    return [(a, b) for a, b in edges if not any(a.id in s and b.id in s for s in sets)]


def _qualifiers(facts: Iterable[Fact]) -> str:
    facts = list(facts)
    parts = []
    periods = sorted({f.period for f in facts if f.period})
    scopes = sorted({f.scope for f in facts if f.scope})
    if periods:
        parts.append("period " + " / ".join(periods))
    if scopes:
        parts.append("scope " + " / ".join(scopes))
    units = sorted({f.unit for f in facts if f.unit})
    if units:
        parts.append("in " + " / ".join(units))
    return "; ".join(parts)[:400]


def _build(kind: str, subject_id: int, attribute_id: int, key_prefix: str,
           edges: list[tuple[Fact, Fact]], pool: list[Fact], settled: Settled, summarize,
           source_id: int | None = None) -> list[Finding]:
    if not edges:
        return []
    out = []
    for comp, comp_edges in _components(_unsettled(edges, settled)):
        ids = {f.id for f in comp}
        context = [f for f in pool if f.id not in ids and all(compatible(f, c) for c in comp)]
        members = ids | {f.id for f in context}
        reopens = next((gid for gid, s in sorted(settled.items()) if s & ids), None)
        if reopens is not None:
            members |= settled[reopens]
        severity = max(relative_gap(a.interval, b.interval) for a, b in comp_edges)
        out.append(Finding(
            kind=kind, subject_id=subject_id, attribute_id=attribute_id,
            key=f"{key_prefix}:{min(ids)}", conflicting=ids, members=members,
            severity=round(severity, 6), summary=summarize(comp, context),
            qualifiers=_qualifiers(comp), source_id=source_id, reopens=reopens,
        ))
    return out


def _pairs(facts: list[Fact]) -> list[tuple[Fact, Fact]]:
    """Every conflicting pair; sorted by the interval's low end so most pairs are skipped early."""
    ordered = sorted(facts, key=lambda f: f.interval[0])
    edges = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.interval[0] > a.interval[1] and compatible(a, b):
                edges.append((a, b))
    return edges


def _list(facts: Iterable[Fact]) -> str:
    return ", ".join(f.label for f in facts)


NO_RATES = Rates()


def value_findings(subject_id: int, attribute_id: int, facts: list[Fact],
                   settled: Settled = {}, authorities_settled: Mapping[int, Settled] = {},
                   rates: Rates = NO_RATES) -> BucketResult:
    """Conflicts among claims on one subject and attribute, and among authorities within one source."""
    result = BucketResult()
    pool = in_one_currency([f for f in facts if f.comparable], rates)
    if len(pool) < 2:
        return result
    edges = _pairs(pool)

    def summary(comp, context):
        text = f"{len(comp)} figures cannot all be true: {_list(comp)}"
        return text + (f"; consistent with each: {_list(context)}" if context else "")

    result.findings += _build("value", subject_id, attribute_id,
                              f"value:{subject_id}:{attribute_id}", edges, pool, settled, summary)
    if not edges or len({f.asserted_by for f in pool}) < 2:
        result.notes += currency_notes(subject_id, attribute_id, pool)
        return result
    def says(comp, context):
        voices = [f"{f.asserted_by or 'the source itself'} says {f.quoted}" for f in comp]
        return "Authorities quoted in one source disagree: " + "; ".join(voices)

    by_source: dict[int, list[Fact]] = {}
    for f in pool:
        for s in set(f.sources):
            by_source.setdefault(s, []).append(f)
    for source_id, quoted in sorted(by_source.items()):
        if len({f.asserted_by for f in quoted}) < 2:
            continue
        ids = {f.id for f in quoted}
        own = [(a, b) for a, b in edges if a.id in ids and b.id in ids and a.asserted_by != b.asserted_by]
        result.findings += _build(
            "authorities", subject_id, attribute_id, f"authorities:{subject_id}:{attribute_id}:{source_id}",
            own, quoted, authorities_settled.get(source_id, {}), says, source_id=source_id)
    result.notes += currency_notes(subject_id, attribute_id, pool)
    return result


def currency_notes(subject_id: int, attribute_id: int, facts: list[Fact], rates: Rates = NO_RATES) -> list[Note]:
    """Pairs that would be compared but for their currencies: kept apart with the reason said."""
    facts = in_one_currency(facts, rates)
    if len({f.unit for f in facts}) < 2:
        return []
    seen: dict[tuple[str, str], set[int]] = {}
    for i, a in enumerate(facts):
        for b in facts[i + 1:]:
            if incomparable_currency(a, b):
                units = tuple(sorted((a.unit, b.unit)))
                seen.setdefault(units, set()).update((a.id, b.id))
    return [Note(subject_id, attribute_id, sorted(ids),
                 f"figures in {units[0]} and {units[1]} are not compared: no conversion rate is recorded "
                 "for their date")
            for units, ids in sorted(seen.items())]


def ambiguous_findings(lab_id: int, attribute_id: int, lab_facts: list[Fact],
                       model_facts: list[Fact], names: Mapping[int, str],
                       settled: Settled = {}, rates: Rates = NO_RATES) -> list[Finding]:
    """A lab-level figure with no model named that does not fit figures stated for its models."""
    labs = [f for f in lab_facts if f.comparable]
    both = in_one_currency(labs + [f for f in model_facts if f.comparable], rates)
    labs, models = both[:len(labs)], both[len(labs):]
    edges = [(a, b) for a in labs for b in models if conflict(a, b)]

    def summary(comp, context):
        lab_side = [f for f in comp if f.bucket_subject == lab_id]
        model_side = [f for f in comp if f.bucket_subject != lab_id]
        text = (f"Stated for the lab with no model named: {_list(lab_side)}; it does not fit "
                + ", ".join(f"{names.get(f.bucket_subject, f.bucket_subject)} {f.label}" for f in model_side))
        fits = [f for f in context if f.bucket_subject != lab_id]
        if fits:
            text += "; it fits " + ", ".join(f"{names.get(f.bucket_subject, f.bucket_subject)} {f.label}"
                                            for f in fits)
        return text + ". Which model is meant?"

    return _build("ambiguous_subject", lab_id, attribute_id, f"ambiguous:{lab_id}:{attribute_id}",
                  edges, labs + models, settled, summary)


def derived_finding(fact: Fact, numerator: Fact, denominator: Fact,
                    settled: Settled = {}) -> Finding | None:
    """A figure stated as a ratio (numerator / denominator) that its operands do not give."""
    if not (fact.comparable and numerator.comparable and denominator.comparable):
        return None
    if numerator.unit != denominator.unit:
        return None
    ratio = divide(numerator.interval, denominator.interval)
    if ratio is None or overlaps(fact.interval, ratio):
        return None
    ids = {fact.id, numerator.id, denominator.id}
    reopens = next((gid for gid, s in sorted(settled.items()) if ids & s and not ids <= s), None)
    if reopens is None and any(ids <= s for s in settled.values()):
        return None
    members = ids | (settled[reopens] if reopens is not None else set())
    return Finding(
        kind="derived", subject_id=fact.bucket_subject, attribute_id=fact.attribute_id,
        key=f"derived:{fact.id}", conflicting=ids, members=members,
        severity=round(relative_gap(fact.interval, ratio), 6),
        summary=(f"{fact.label} does not equal {numerator.label} / {denominator.label}, "
                 f"which gives {_num(ratio[0])} to {_num(ratio[1])}"),
        qualifiers=_qualifiers([fact]), reopens=reopens,
    )


def _num(x: float) -> str:
    return f"{x:.4g}"
