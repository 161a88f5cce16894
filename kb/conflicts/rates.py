"""Comparing figures across currencies: only through a conversion rate recorded for their date.

A figure with a stated period ("¥2 per million tokens in 2025") converts at a rate dated in that
year, the one nearest mid-year; a rate from another year does not apply to it. A figure with no
period converts at the latest rate, as articles state prices as of their writing. A converted
interval is widened by RATE_TOLERANCE for the rate's movement around its date.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from kb.conflicts.facts import Fact
from kb.conflicts.intervals import currency_of

BASE = "USD"
RATE_TOLERANCE = 0.02
_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")


@dataclass(frozen=True)
class Rate:
    currency: str
    dated: date
    rate: float   # units of `currency` per USD


class Rates:
    """The recorded rates by currency, oldest first."""

    def __init__(self, rates: Iterable[Rate] = ()):
        self._by_currency: dict[str, list[Rate]] = {}
        for r in sorted(rates, key=lambda r: (r.currency, r.dated)):
            self._by_currency.setdefault(r.currency, []).append(r)

    def __bool__(self) -> bool:
        return bool(self._by_currency)

    def for_period(self, currency: str, period: str) -> Rate | None:
        rates = self._by_currency.get(currency)
        if not rates:
            return None
        years = {int(y) for y in _YEAR.findall(period or "")}
        if not years:
            return rates[-1]
        if len(years) > 1:
            return None   # "2024-2025": no one date to convert at
        year = years.pop()
        mid = date(year, 7, 1)
        i = bisect_left([r.dated for r in rates], mid)
        near = [r for r in rates[max(0, i - 1):i + 1] if r.dated.year == year]
        return min(near, key=lambda r: abs((r.dated - mid).days), default=None)

    def in_base(self, fact: Fact) -> Fact:
        """The fact in US dollars when a rate applies to it, else the fact itself."""
        currency = currency_of(fact.unit)
        if currency is None or currency == BASE or fact.interval is None:
            return fact
        rate = self.for_period(currency, fact.period)
        if rate is None:
            return fact
        low, high = fact.interval
        low, high = low / rate.rate * (1 - RATE_TOLERANCE), high / rate.rate * (1 + RATE_TOLERANCE)
        unit = BASE + fact.unit[len(currency):]
        text = fact.figure_text or str(fact.interval[0])
        return replace(fact, unit=unit, interval=(low, high),
                       figure_text=f"{text} {fact.unit}, ≈ {_num(low)}–{_num(high)} {unit} "
                                   f"at {rate.rate:g} {currency} per {BASE} on {rate.dated.isoformat()}")


def in_one_currency(facts: list[Fact], rates: Rates) -> list[Fact]:
    """Facts of several currencies converted to US dollars where a dated rate allows it."""
    if not rates or len({currency_of(f.unit) for f in facts} - {None}) < 2:
        return facts
    return [rates.in_base(f) for f in facts]


def _num(x: float) -> str:
    return f"{x:.3g}"
