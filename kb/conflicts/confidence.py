"""A claim's computed confidence (0..1) from its evidence.

The formula, in order:

1. **Witnesses.** Each cited source is traced to its root along `derived_from` (a summary of an
   article and the article are one witness). A root counts once however many claims cite it.
2. **Weight of a witness.** Primary roots (a paper, press release or dataset: the party that
   measured or decided the figure) weigh 1.0; secondary ones (articles, summaries, web pages
   reporting it) 0.6. A dataset row's weight is scaled by the dataset's own confidence column
   (Epoch: Confident 1.0, Likely 0.75, Speculative 0.5, Unknown or blank 0.75), which is itself
   kept verbatim on the claim.
3. **Support S and opposition O.** Support sums the weights of the claim's own roots plus the
   roots of every visible claim on the same quantity (same subject and attribute, compatible
   qualifiers, same unit) whose interval overlaps the claim's: agreement within the tolerance
   that precision and bound allow. Opposition sums the roots of compatible visible claims whose
   intervals do not overlap, leaving out roots already counted as support.
4. **Score.** evidence = 1 - 0.5^S (one primary witness 0.5, two 0.75; one secondary 0.34);
   agreement = S / (S + O); confidence = evidence x agreement.
5. **Verdict.** A fact-checker's verdict moves it: verified -> 0.9 + 0.1 x score; disputed x 0.5;
   needs_verification x 0.75; a deprecated rank x 0.2; refuted, retracted or rejected -> 0.
"""

from __future__ import annotations

from collections.abc import Mapping

from kb.conflicts.facts import Fact, all_agree, compatible
from kb.conflicts.intervals import overlaps

PRIMARY_KINDS = frozenset({"paper", "press_release", "dataset", "dataset_row"})
PRIMARY_WEIGHT = 1.0
SECONDARY_WEIGHT = 0.6
DATASET_CONFIDENCE = {"confident": 1.0, "likely": 0.75, "speculative": 0.5}
DATASET_DEFAULT = 0.75
DEAD_STATUSES = frozenset({"refuted", "retracted", "rejected"})

# Root of a cited source and that root's weight.
Roots = Mapping[int, tuple[int, float]]


def root_weight(kind: str) -> float:
    return PRIMARY_WEIGHT if kind in PRIMARY_KINDS else SECONDARY_WEIGHT


def _witnesses(fact: Fact, roots: Roots) -> dict[int, float]:
    """The claim's independent roots and their weights (a root cited twice counts once)."""
    scale = 1.0
    if fact.dataset_confidence:
        scale = DATASET_CONFIDENCE.get(fact.dataset_confidence.casefold(), DATASET_DEFAULT)
    out: dict[int, float] = {}
    for source_id in fact.sources:
        root, weight = roots.get(source_id, (source_id, SECONDARY_WEIGHT))
        w = weight * scale
        if w > out.get(root, 0.0):
            out[root] = w
    return out


class Witnesses:
    """Each claim's roots and weights, memoized: most claims share a few combinations of sources."""

    def __init__(self, roots: Roots):
        self.roots = roots
        self.memo: dict[tuple, dict[int, float]] = {}

    def of(self, fact: Fact) -> dict[int, float]:
        """The claim's witnesses (shared: callers copy before changing it)."""
        key = (fact.sources, fact.dataset_confidence)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = _witnesses(fact, self.roots)
        return found


def _as_witnesses(roots) -> Witnesses:
    return roots if isinstance(roots, Witnesses) else Witnesses(roots)


def _merge(into: dict[int, float], witnesses: dict[int, float]) -> None:
    for root, w in witnesses.items():
        if w > into.get(root, 0.0):
            into[root] = w


def _score(fact: Fact, support: dict[int, float], oppose: dict[int, float]) -> float:
    s = sum(support.values())
    o = sum(w for root, w in oppose.items() if root not in support) if oppose else 0.0
    return _verdict(fact, (1.0 - 0.5 ** s) * (s / (s + o)) if s else 0.0)


def _verdict(fact: Fact, score: float) -> float:
    if fact.status in DEAD_STATUSES:
        return 0.0
    if fact.status == "verified":
        score = 0.9 + 0.1 * score
    elif fact.status == "disputed":
        score *= 0.5
    elif fact.status == "needs_verification":
        score *= 0.75
    if fact.rank == "deprecated":
        score *= 0.2
    return round(score, 3)


def confidence(fact: Fact, peers: list[Fact], roots: Roots | Witnesses) -> float:
    """The confidence of one claim given the visible comparable claims of its bucket."""
    return bucket_confidences([fact, *(p for p in peers if p.id != fact.id)], roots, peers)[fact.id]


def lone_confidence(fact: Fact, roots: Roots | Witnesses, cache: dict) -> float:
    """A claim alone in its bucket: its score depends only on its own sources, status and rank."""
    key = (fact.sources, fact.dataset_confidence, fact.status, fact.rank)
    score = cache.get(key)
    if score is None:
        score = cache[key] = _score(fact, _as_witnesses(roots).of(fact), {})
    return score


def agreeing_confidences(facts: list[Fact], roots: Roots | Witnesses) -> dict[int, float]:
    """A bucket where every claim agrees with every other: each is supported by all their roots."""
    witnesses = _as_witnesses(roots)
    support: dict[int, float] = {}
    for f in facts:
        _merge(support, witnesses.of(f))
    s = sum(support.values())
    base = 1.0 - 0.5 ** s if s else 0.0
    return {f.id: _verdict(f, base) for f in facts}


def bucket_confidences(facts: list[Fact], roots: Roots | Witnesses,
                       peers: list[Fact] | None = None) -> dict[int, float]:
    """Confidence of every claim in one bucket (claims sharing subject and attribute)."""
    witnesses = _as_witnesses(roots)
    if peers is None and all_agree(facts):
        return agreeing_confidences(facts, witnesses)
    if peers is None:
        peers = [f for f in facts if f.comparable]
    own = {f.id: witnesses.of(f) for f in facts}
    for p in peers:
        if p.id not in own:
            own[p.id] = witnesses.of(p)
    out = {}
    for fact in facts:
        support = dict(own[fact.id])
        oppose: dict[int, float] = {}
        if fact.interval is not None and fact.unit is not None:
            for peer in peers:
                if peer.id == fact.id or not compatible(fact, peer):
                    continue
                _merge(support if overlaps(fact.interval, peer.interval) else oppose, own[peer.id])
        out[fact.id] = _score(fact, support, oppose)
    return out
