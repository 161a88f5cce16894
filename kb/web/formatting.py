"""How figures, numbers and dates read on the page; pure functions, also used as Jinja filters."""

from __future__ import annotations

import math
from datetime import date, datetime

_SCALES = ((1e15, "Q"), (1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_CURRENCY = {"USD": "$", "EUR": "€", "CNY": "¥"}
_SUFFIXES = {
    "%": "%", "x": "x", "month": " months", "tokens": " tokens", "tokens/month": " tokens/month",
    "parameters": " parameters", "count": "", "W": " W", "FLOP": " FLOP", "FLOP/s": " FLOP/s",
    "B": " bytes", "B/s": " bytes/s",
}
BOUND_WORDS = {
    "exact": "exact", "approx": "approximate", "lower": "at least (lower bound)",
    "upper": "at most (upper bound)", "range": "range",
}


def compact_number(value: float) -> str:
    """3 significant digits with a scale letter: 5500000 -> "5.5M", 0.14 -> "0.14"; extremes as 1.2e+308."""
    if value is None or math.isnan(value):
        return ""
    magnitude = abs(value)
    if math.isinf(value) or magnitude >= 1e18 or 0 < magnitude < 1e-4:
        # Past the scale letters (or below what six decimals show), digits would fill the page.
        return f"{value:.3g}"
    for scale, letter in _SCALES:
        if magnitude >= scale:
            return _trim(value / scale) + letter
    return _trim(value)


def _trim(value: float) -> str:
    if value == 0:
        return "0"
    digits = max(0, 3 - int(math.floor(math.log10(abs(value)))) - 1)
    text = f"{value:.{min(digits, 6)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: float | None, unit: str | None) -> str:
    """One number in its unit, e.g. "$5.5M", "$0.14/Mtok", "88.5%", "2024-12-21"."""
    if value is None:
        return ""
    if unit == "date":
        try:
            return date.fromordinal(int(value)).isoformat()
        except (ValueError, OverflowError):
            return str(value)
    sign = "-" if value < 0 else ""   # "-$5M": the sign before the currency symbol, as it is written
    if unit and "/" in unit and unit.split("/")[0] in _CURRENCY:
        currency, per = unit.split("/", 1)
        return f"{sign}{_CURRENCY[currency]}{compact_number(abs(value))}/{per}"
    if unit in _CURRENCY:
        return f"{sign}{_CURRENCY[unit]}{compact_number(abs(value))}"
    if unit == "month" and value >= 24 and value % 12 == 0:
        return f"{_trim(value / 12)} years"
    suffix = _SUFFIXES.get(unit or "", f" {unit}" if unit else "")
    return f"{compact_number(value)}{suffix}"


def _calendar_span(low: float, high: float) -> str | None:
    """A date interval that is exactly one year or one month, as "2023" or "2023-05"."""
    try:
        first, last = date.fromordinal(int(low)), date.fromordinal(int(high))
    except (ValueError, OverflowError):
        return None
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return str(first.year)
    following = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    if first.day == 1 and (first.year, first.month) == (last.year, last.month) and \
            (following - last).days == 1:
        return f"{first.year}-{first.month:02d}"
    return None


def format_figure(low: float | None, high: float | None, unit: str | None, bound: str | None) -> str:
    """A figure as a reader expects it: "~$5.5M", "≥ $100M", "≤ 1%", "6–8 months", "2023"."""
    if unit is None or (low is None and high is None):
        return ""
    if unit == "date" and low is not None and high is not None:
        span = _calendar_span(low, high)
        if span:
            return span
    if bound == "lower" or high is None:
        return f"≥ {format_value(low, unit)}"
    if bound == "upper" or low is None:
        return f"≤ {format_value(high, unit)}"
    if low != high:
        return f"{format_value(low, unit)} – {format_value(high, unit)}"
    prefix = "~" if bound == "approx" else ""
    return prefix + format_value(low, unit)


def format_precision(precision: float | None, unit: str | None) -> str:
    """The half-digit precision a stated figure implies, e.g. "± $50K"."""
    if not precision or unit is None or unit == "date":
        return ""
    return f"± {format_value(precision, unit)}"


def format_date(value: date | datetime | None, precision: str = "day") -> str:
    """A date at the precision it is known to: "2024", "Oct 2024", "2024-10-01", "c. 2024-10"."""
    if value is None:
        return "undated"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if precision == "year":
        return f"{value.year}"
    if precision == "month":
        return value.strftime("%b %Y")
    if precision == "estimated":
        return f"c. {value.strftime('%b %Y')}"
    return value.isoformat()


def format_confidence(confidence: float | None) -> str:
    if confidence is None:
        return "not computed"
    return f"{round(confidence * 100)}%"


def label(value: str | None) -> str:
    """A vocabulary word for display: "needs_verification" -> "needs verification"."""
    return (value or "").replace("_", " ")


def web_url(value: str | None) -> str:
    """`value` if it is an http(s) address, else "": stored URLs never become script links."""
    if value and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return ""


FILTERS = {
    "web_url": web_url,
    "figure_value": format_value, "figure": format_figure, "precision": format_precision,
    "kbdate": format_date, "confidence": format_confidence, "label": label,
    "compact": compact_number,
}
