"""Intervals a figure allows: its stated value widened by precision and bound."""

from __future__ import annotations

import math

INF = math.inf

# "around $5.5 million" is looser than "$5.5 million": an approximate figure also allows 2% either way.
APPROX_RELATIVE = 0.02

CURRENCIES = frozenset({"USD", "CNY", "EUR", "GBP", "JPY", "KRW", "INR", "HKD", "TWD"})


def widen(low: float | None, high: float | None, bound: str | None, precision: float | None,
          unit: str | None = None) -> tuple[float, float] | None:
    """The closed interval a figure allows, or None when it has no number.

    The same reading as kb.figures.Figure.interval: [low - p, high + p], a missing end unbounded
    ("more than 93%" is [92.5, inf)), an upper bound's implied floor of 0 kept as is, and an
    approximate figure widened by a further 2% of its value (not on the day-number scale of dates).
    """
    if low is None and high is None:
        return None
    p = abs(precision or 0.0)
    if bound == "lower":
        low, high = (low if low is not None else high), None
    elif bound == "upper":
        low, high = (low if low == 0.0 else None), (high if high is not None else low)
    lo = -INF if low is None else low - p
    hi = INF if high is None else high + p
    if bound == "upper" and low == 0.0:
        lo = 0.0
    if bound == "approx" and unit != "date":
        lo -= APPROX_RELATIVE * abs(low or 0.0)
        hi += APPROX_RELATIVE * abs(high or 0.0)
    return (lo, hi)


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def relative_gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far apart two disjoint intervals are, relative to the larger facing end (0 when they touch)."""
    if a[1] < b[0]:
        near, far = a[1], b[0]
    elif b[1] < a[0]:
        near, far = b[1], a[0]
    else:
        return 0.0
    scale = max(abs(near), abs(far))
    return (far - near) / scale if scale else 0.0


def common_point(intervals: list[tuple[float, float]]) -> bool:
    """True when one value lies in every interval (in one dimension, pairwise overlap suffices)."""
    return max(i[0] for i in intervals) <= min(i[1] for i in intervals)


def divide(n: tuple[float, float], d: tuple[float, float]) -> tuple[float, float] | None:
    """Interval quotient n / d; None when d straddles zero (the ratio is then unbounded)."""
    if d[0] <= 0.0 <= d[1]:
        return None
    quotients = []
    for x in n:
        for y in d:
            if math.isinf(x) and math.isinf(y):
                continue
            quotients.append(x / y)
    if not quotients:
        return None
    return (min(quotients), max(quotients))


def currency_of(unit: str | None) -> str | None:
    """The currency a unit is counted in ("USD/Mtok" -> "USD"), or None."""
    if not unit:
        return None
    head = unit.split("/", 1)[0]
    return head if head in CURRENCIES else None


def currency_mismatch(a: str | None, b: str | None) -> bool:
    """Both units are money (or money per the same thing) but in different currencies."""
    ca, cb = currency_of(a), currency_of(b)
    if not ca or not cb or ca == cb:
        return False
    return a.partition("/")[2] == b.partition("/")[2]
