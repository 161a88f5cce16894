"""A claim as the engine sees it, and when two claims measure the same quantity."""

from __future__ import annotations

from dataclasses import dataclass, field
from sys import intern

from kb.conflicts.intervals import currency_mismatch, widen

# Statuses whose claims readers see; proposed, rejected, refuted and retracted ones never count.
VISIBLE_STATUSES = frozenset({"unverified", "needs_verification", "verified", "disputed"})


@dataclass(slots=True)
class Fact:
    """The columns of one claim the checks need, with its widened interval and cited sources."""

    id: int
    subject_id: int        # the stored subject
    bucket_subject: int    # the model qualifier when one is named, else the subject
    attribute_id: int
    unit: str | None
    interval: tuple[float, float] | None
    period: str            # as written, spaces collapsed
    scope: str
    period_key: str        # casefolded, for comparison
    scope_key: str
    asserted_by: str
    status: str
    rank: str
    confidence: float | None
    dataset_confidence: str
    figure_text: str
    model_id: int | None
    sources: tuple[int, ...]
    visible: bool = field(init=False)      # readers see it: a visible status, not deprecated
    comparable: bool = field(init=False)   # visible and carrying a figure: what the checks compare

    def __post_init__(self) -> None:
        self.visible = self.status in VISIBLE_STATUSES and self.rank != "deprecated"
        self.comparable = self.visible and self.interval is not None and self.unit is not None

    @property
    def quoted(self) -> str:
        if not self.figure_text:
            return f"claim {self.id}"
        try:
            value = float(self.figure_text)
        except ValueError:
            return f"'{self.figure_text}'"
        # A dataset cell ("40586592.57781653") reads better rounded, with its unit.
        return f"{value:,.4g} {self.unit or ''}".rstrip()

    @property
    def label(self) -> str:
        return f"{self.quoted} ({self.asserted_by})" if self.asserted_by else self.quoted


def make_fact(row) -> Fact:
    """Build a Fact from a row of store.FACT_COLUMNS (without its sources)."""
    (cid, subject_id, model_id, attribute_id, low, high, unit, bound, precision, period, scope,
     asserted_by, status, rank, confidence, dataset_confidence, figure_text) = row[:17]
    period, scope = _spaces(period), _spaces(scope)
    # Positional, and the few distinct words shared rather than copied per row: this runs once
    # per claim in a full recheck, and facts kept for the lab-versus-models check add up.
    return Fact(
        cid, subject_id, model_id or subject_id, attribute_id, unit and intern(unit),
        widen(low, high, bound, precision, unit) if unit is not None else None,
        period, scope, period.casefold() if period else "", scope.casefold() if scope else "",
        asserted_by.strip() if asserted_by else "", intern(status), intern(rank), confidence,
        dataset_confidence or "", figure_text or "", model_id, (),
    )


def _spaces(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def same_or_unstated(a: str, b: str) -> bool:
    """Qualifier rule: equal, or at least one side left it unstated.

    An unstated period or scope is compatible with any stated one: articles often omit the year
    or the exact scope of a headline figure ("DeepSeek-V3 cost $5.5M"), and a fact-checker wants
    that figure next to the scoped ones (Epoch's "training compute cost") rather than silently
    apart. Two different stated values ("2024" vs "2025", "server price" vs "final run") are
    different quantities and are never compared.
    """
    return a == b or not a or not b


def compatible(a: Fact, b: Fact) -> bool:
    """Same quantity: same unit, and period and scope equal or unstated on one side."""
    return (a.unit == b.unit and same_or_unstated(a.period_key, b.period_key)
            and same_or_unstated(a.scope_key, b.scope_key))


def incomparable_currency(a: Fact, b: Fact) -> bool:
    """Same quantity except the currency: not compared, since no dated conversion rate is kept."""
    return (currency_mismatch(a.unit, b.unit) and same_or_unstated(a.period_key, b.period_key)
            and same_or_unstated(a.scope_key, b.scope_key))


def conflict(a: Fact, b: Fact) -> bool:
    """Two comparable claims on one quantity whose intervals share no value."""
    return compatible(a, b) and (a.interval[1] < b.interval[0] or b.interval[1] < a.interval[0])


def all_agree(facts: list[Fact]) -> bool:
    """Every claim comparable, on one quantity, with one value fitting them all: nothing to flag.

    Most buckets are like this; the checks answer them in one linear pass.
    """
    first = facts[0]
    if not first.comparable:
        return False
    unit, period, scope = first.unit, first.period_key, first.scope_key
    low, high = first.interval
    for f in facts:
        if not f.comparable or f.unit != unit:
            return False
        if f.period_key != period:
            if period and f.period_key:
                return False
            period = period or f.period_key
        if f.scope_key != scope:
            if scope and f.scope_key:
                return False
            scope = scope or f.scope_key
        if f.interval[0] > low:
            low = f.interval[0]
        if f.interval[1] < high:
            high = f.interval[1]
    return low <= high
