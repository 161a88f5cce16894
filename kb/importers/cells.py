"""Reading one dataset cell: numbers as written (1.2e+24, 671000000000.0) and ISO dates."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation

# Computed estimates are written with float noise ("29827341.919963885"); digits past the sixth
# significant one say nothing about how well the value is known.
MAX_SIGNIFICANT = 6

# ASCII digits only, as the claim form reads them: "７０００" is refused in both places.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


class CellError(ValueError):
    """A cell that should hold a number or a date does not."""


def number(text: str) -> tuple[float, float]:
    """(value, precision): precision is half a unit of the last significant digit written."""
    raw = text.strip().replace(",", "") if re.fullmatch(r"[\d,]+(\.\d+)?", text.strip(), re.ASCII) else text.strip()
    if not _NUMBER.fullmatch(raw):
        raise CellError(f"{text!r} is not a number")
    try:
        dec = Decimal(raw)
    except InvalidOperation:
        raise CellError(f"{text!r} is not a number") from None
    value = float(dec)
    if not math.isfinite(value):
        raise CellError(f"{text!r} is not a finite number")
    if value == 0 and dec != 0:
        raise CellError(f"{text!r} is too small to store (it would become 0)")
    if value == 0:
        return 0.0, 0.0
    digits = dec.normalize().as_tuple()
    last = digits.exponent
    first = len(digits.digits) + last - 1          # power of ten of the leading digit
    last = max(last, first - MAX_SIGNIFICANT + 1)
    return value, float(Decimal(5).scaleb(last - 1))


def iso_date(text: str) -> date:
    """A YYYY-MM-DD date (a time after it, as in "2025-11-12 10:27:59+00:00", is ignored)."""
    head = text.strip()[:10]
    try:
        return date.fromisoformat(head)
    except ValueError:
        raise CellError(f"{text!r} is not a date (YYYY-MM-DD)") from None
