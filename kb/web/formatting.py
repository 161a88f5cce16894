"""How figures, numbers and dates read on the page; pure functions, also used as Jinja filters."""

from __future__ import annotations

import math
from datetime import date, datetime

_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"))
_CURRENCY = {"USD": "$", "EUR": "€", "CNY": "¥"}
# Units written after the number: (singular, plural); counts are bare numbers.
_NOUNS = {
    "month": (" month", " months"), "year": (" year", " years"), "tokens": (" token", " tokens"),
    "tokens/month": (" token/month", " tokens/month"), "parameters": (" parameter", " parameters"),
    "count": ("", ""), "%": ("%", "%"), "x": ("x", "x"), "W": (" W", " W"), "FLOP": (" FLOP", " FLOP"),
    "FLOP/s": (" FLOP/s", " FLOP/s"), "B": (" byte", " bytes"), "B/s": (" byte/s", " bytes/s"),
}
BOUND_WORDS = {
    "exact": "exact: as stated", "approx": "about: an approximate figure",
    "lower": "at least: a lower bound", "upper": "at most: an upper bound",
    "range": "a range between two figures",
}
# Computed figures carry float noise; past four significant digits a scaled figure stops reading
# as a figure ("$29.83M", not "$29.827342M"). The stored text keeps every digit.
_MAX_SIGNIFICANT = 4


def compact_number(value: float) -> str:
    """3 significant digits with a scale letter: 5500000 -> "5.5M", 2048 -> "2,048" (chart ticks)."""
    return stated_number(value, None)


def _decimals(step: float) -> int:
    """Decimal places that show a digit of size `step` (0.01 -> 2, 1 -> 0, 100 -> 0)."""
    return max(0, -math.floor(math.log10(step) + 1e-9))


def stated_number(value: float | None, precision: float | None) -> str:
    """A number with the digits its precision implies: 2048 ±0.5 -> "2,048", 1.1 ±0.005 -> "1.10",
    5.5e6 ±5e4 -> "5.5M", 3.8e24 -> "3.8e24". Without a precision, up to 3 significant digits."""
    if value is None or math.isnan(value):
        return ""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    magnitude = abs(value)
    if 0 < magnitude < 1e-4:  # below what six decimals show: the digits would read as zero
        return f"{value:.3g}"
    if magnitude >= 1e15:
        scale = 10.0 ** math.floor(math.log10(magnitude))
        suffix = f"e{int(round(math.log10(scale)))}"
    else:
        scale, suffix = next(((s, letter) for s, letter in _SCALES if magnitude >= s), (1.0, ""))
    scaled = value / scale
    if precision:
        decimals = _decimals(2 * precision / scale)
    else:
        decimals = 0 if scaled == 0 else max(0, 3 - math.floor(math.log10(abs(scaled))) - 1)
    if scaled:
        cap = _MAX_SIGNIFICANT - math.floor(math.log10(abs(scaled))) - 1
        decimals = min(decimals, max(0, cap)) if suffix else min(decimals, 6)
    text = f"{scaled:,.{decimals}f}"
    if not precision and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + suffix


def _noun(unit: str, value: float | None) -> str:
    singular, plural = _NOUNS.get(unit, (f" {unit}", f" {unit}"))
    return singular if value is not None and abs(value) == 1 else plural


def format_value(value: float | None, unit: str | None, precision: float | None = None) -> str:
    """One number in its unit, e.g. "$5.5M", "$1.10/Mtok", "88.5%", "1 month", "2024-12-21"."""
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
        return f"{sign}{_CURRENCY[currency]}{stated_number(abs(value), precision)}/{per}"
    if unit in _CURRENCY:
        return f"{sign}{_CURRENCY[unit]}{stated_number(abs(value), precision)}"
    if unit == "month" and value >= 24 and value % 12 == 0:   # "two to three years" was stated in years
        years = value / 12
        return f"{stated_number(years, None)}{_noun('year', years)}"
    return f"{stated_number(value, precision)}{_noun(unit or '', value)}"


def format_range(low: float, high: float, unit: str | None, precision: float | None = None) -> str:
    """Two ends in one unit, the unit written once when it follows the number: "6–8 months",
    "4–7x", "$5M–$6M"."""
    first, last = format_value(low, unit, precision), format_value(high, unit, precision)
    if unit and "/" in unit and unit.split("/")[0] in _CURRENCY:
        return f"{first.rsplit('/', 1)[0]} – {last}"       # "¥0.5 – ¥2.0/Mtok"
    trailing = _noun(unit or "", low)
    if unit not in _CURRENCY and unit != "date" and trailing and first.endswith(trailing) \
            and last.endswith(_noun(unit or "", high)):
        first = first[: len(first) - len(trailing)]
        return f"{first}–{last}"
    if unit == "month" and first.endswith(" years") and last.endswith(" years"):
        return f"{first.removesuffix(' years')}–{last}"     # "2–3 years"
    # Dates and prefixed figures read as two items: a spaced dash keeps them apart.
    return f"{first} – {last}"


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


def format_figure(low: float | None, high: float | None, unit: str | None, bound: str | None,
                  precision: float | None = None) -> str:
    """A figure as its source stated it: "~$5.5M", "at least $100M", "at most 1 month",
    "6–8 months", "2,048", "$1.10/Mtok", "2023"."""
    if unit is None or (low is None and high is None):
        return ""
    if unit == "date" and low is not None and high is not None:
        span = _calendar_span(low, high)
        if span:
            return span
    if bound == "lower" or high is None:
        return f"at least {format_value(low, unit, precision)}"
    if bound == "upper" or low is None:
        return f"at most {format_value(high, unit, precision)}"
    if low != high:
        return format_range(low, high, unit, precision)
    prefix = "~" if bound == "approx" else ""
    return prefix + format_value(low, unit, precision)


def format_interval(low: float | None, high: float | None, unit: str | None, bound: str | None,
                    precision: float | None = None) -> str:
    """The values a figure allows, in words: "5.45M to 5.55M (about $5.5M)", "at least $100M"."""
    if unit is None or (low is None and high is None):
        return ""
    if bound == "lower" or high is None:
        return f"at least {format_value(low, unit, precision)}, no upper limit stated"
    if bound == "upper" or low is None:
        return f"at most {format_value(high, unit, precision)}, no lower limit stated"
    widen = precision or 0.0
    if low == high and not widen:
        return f"exactly {format_value(low, unit, precision)}"
    if not widen:
        return format_range(low, high, unit, precision)
    return f"{format_range(low - widen, high + widen, unit, widen / 10)}, allowing for rounding"


def format_precision(precision: float | None, unit: str | None) -> str:
    """The half-digit precision a stated figure implies, e.g. "± $50,000"."""
    if not precision or unit is None or unit == "date":
        return ""
    return f"± {format_value(precision, unit, precision / 10)}"


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
    "interval": format_interval, "bound_words": lambda bound: BOUND_WORDS.get(bound or "", bound or ""),
    "kbdate": format_date, "confidence": format_confidence, "label": label,
    "compact": compact_number,
}
