"""Figures: the text of a quantity turned into an interval in a canonical unit."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum

from kb import numbers
from kb.numbers import (
    Num, fraction_precision, integer_precision, pow10, read_date, read_fraction, read_number,
    year_span,
)

APPROX_TOLERANCE = 0.02  # what "about" adds beyond the stated digits, relative to the value


class Bound(str, Enum):
    """How the text bounds a figure's value."""

    EXACT = "exact"
    APPROX = "approx"
    LOWER = "lower"
    UPPER = "upper"
    RANGE = "range"


@dataclass(frozen=True)
class Figure:
    """A quantity as an interval in a canonical unit, with the bound and precision its text implied."""

    low: float | None
    high: float | None
    unit: str
    bound: Bound
    precision: float
    text: str
    label: str = ""

    def interval(self) -> tuple[float, float]:
        """The values the text allows: [low, high] widened by precision, and by 2% when approximate."""
        low = -math.inf if self.low is None else self.low - self.precision
        high = math.inf if self.high is None else self.high + self.precision
        if self.bound is Bound.UPPER and self.low == 0.0:
            low = 0.0  # an implied floor, not a stated digit: nothing to widen
        # Relative tolerance means nothing on a day-number scale.
        if self.bound is Bound.APPROX and self.unit != "date":
            low -= APPROX_TOLERANCE * abs(self.low or 0.0)
            high += APPROX_TOLERANCE * abs(self.high or 0.0)
        return low, high

    def to_json(self) -> dict:
        """The figure as JSON: low, high, unit, bound, text and precision, with label when set."""
        data = {
            "low": self.low, "high": self.high, "unit": self.unit, "bound": self.bound.value,
            "text": self.text, "precision": self.precision,
        }
        if self.label:
            data["label"] = self.label
        return data


@dataclass(frozen=True)
class Unparsed:
    """Text that was not read as a figure, and why."""

    text: str
    reason: str


@dataclass
class _Raw:
    """A quantity found in text, before the attribute's unit hint settles what bare numbers mean."""

    start: int
    end: int
    low: float | None
    high: float | None
    precision: float
    unit: str | None  # None: a bare number, whose unit the hint decides
    bound: Bound
    label: str = ""
    kind: str = ""  # date, year, fraction, b_suffix (glued "B"), times ("85 million times")
    bare: bool = False  # digits or number words alone: no prefix, currency, unit or range
    word: str = ""


# One sign rule: a minus before or after the currency symbol means the same ("-$5M", "$-5M").
_SIGN_AFTER_SYMBOL = re.compile(r"^(\s*)(US\$|\$|¥|€)\s?([-−])(?=\d)")
# A literal in scientific notation, which is where a float can silently become 0.
_E_NOTATION = re.compile(r"\d+(?:\.\d*)?[eE][-+]?\d+")


def _underflows(text: str) -> bool:
    """Whether a number written in `text` is too small for a float and would be stored as 0."""
    return any(float(m.group()) == 0 and Decimal(m.group()) != 0 for m in _E_NOTATION.finditer(text))


def parse_figure(text: str, unit_hint: str | None = None) -> Figure | Unparsed:
    """Read one quantity; unit_hint (the attribute's canonical unit) settles bare numbers."""
    if isinstance(text, str) and _underflows(text):
        return Unparsed(text, "a number too small to hold (it would become 0)")
    signed = _SIGN_AFTER_SYMBOL.sub(r"\1\3\2", text) if isinstance(text, str) else text
    found = parse_figures(signed, unit_hint)
    if isinstance(found, Unparsed):
        return found
    if len(found) > 1:
        count = {2: "two", 3: "three"}.get(len(found), str(len(found)))
        return Unparsed(text, f"{count} quantities in one figure")
    return replace(found[0], text=text.strip())


def parse_figures(text: str, unit_hint: str | None = None) -> list[Figure] | Unparsed:
    """Read every quantity in a short text such as "236B total, 21B active"."""
    if not isinstance(text, str) or not text.strip():
        return Unparsed(str(text or ""), "empty text")
    if m := numbers.OTHER_CURRENCY_RE.search(text):
        return Unparsed(text, f"currency {m.group()!r} has no canonical unit")
    scanned = _scan(text)
    if stray := _stray_number(text, scanned):
        return Unparsed(text, f"cannot read {stray!r} as a quantity")
    found = [r for r in scanned if _drop_reason(text, r) in _KEPT_IN_SHORT_TEXT]
    dated = [r for r in found if r.kind in ("date", "year")]
    undated = [r for r in found if r.kind not in ("date", "year")]
    # A year beside an amount is the period it is for ("$12 billion in 2024"), not a second figure.
    found = (dated or undated) if unit_hint == "date" else (undated or dated)
    if not found:
        return Unparsed(text, _why_not(text))
    for before, after in zip(found, found[1:]):
        if numbers.OR_GAP_RE.fullmatch(text, before.end, after.start):
            return Unparsed(text, "alternative quantities joined by 'or'")
    figures = []
    for raw in found:
        figure = _to_figure(raw, text, unit_hint)
        if isinstance(figure, Unparsed):
            return figure
        figures.append(figure)
    return figures


def find_quantities(sentence: str, *, include_dates: bool = False) -> list[tuple[int, int, Figure]]:
    """Every quantity in running text, with its span; years, dates and name digits are left out."""
    found = []
    for raw in _scan(sentence):
        reason = _drop_reason(sentence, raw)
        if reason and not (include_dates and reason == "date"):
            continue
        figure = _to_figure(raw, sentence, None)
        if isinstance(figure, Figure):
            found.append((raw.start, raw.end, figure))
    return found


def scale_value(f: Figure, factor: float) -> Figure:
    """The same figure multiplied by a positive factor, for derived arithmetic."""
    if not (factor > 0 and math.isfinite(factor)):
        raise ValueError(f"scale factor must be positive and finite, not {factor!r}")
    return replace(
        f,
        low=None if f.low is None else f.low * factor,
        high=None if f.high is None else f.high * factor,
        precision=f.precision * factor,
    )


# --- scanning -------------------------------------------------------------------------------

_KEPT_IN_SHORT_TEXT = ("", "date", "year", "the word one", "heading number")
# A capitalised word before a bare number names a model ("Gemma 4", "Opus 4.6", "Ascend 910B"),
# unless it is one of these sentence openers ("The 14 labs", "Only 5 teams").
_PLAIN_CAPITALS = {
    "A", "About", "Across", "After", "All", "Almost", "Also", "An", "And", "Another", "Around",
    "As", "At", "Before", "But", "By", "Each", "Every", "Few", "For", "From", "If", "In", "Into",
    "Its", "Just", "Many", "Most", "Nearly", "Of", "On", "Only", "Or", "Our", "Over", "Roughly",
    "Since", "So", "Some", "Than", "That", "The", "Their", "These", "This", "Those", "To", "Top",
    "Under", "Until", "We", "With", "Within",
}


def _scan(text: str) -> list[_Raw]:
    found, end = [], 0
    for pos in numbers.quantity_starts(text):
        if pos < end or not _can_start(text, pos):
            continue
        if (raw := _read(text, pos)) is not None:
            found.append(raw)
            end = max(raw.end, pos + 1)
    return found


def _can_start(text: str, pos: int) -> bool:
    char = text[pos]
    if not ((char.isascii() and char.isalnum()) or char in "$¥€~≈−-+"):
        return False
    if pos == 0:
        return True
    before = text[pos - 1]
    # Digits glued to a word are names, versions or footnotes: "GPT-4", "K2.6", "models1", "a/1M".
    if before.isalnum() or before in "_/#^'’" or before in numbers.OTHER_CURRENCY_SYMBOLS:
        return False
    return not (before in "-.," and pos >= 2 and text[pos - 2].isalnum())


def _drop_reason(text: str, raw: _Raw) -> str:
    """Why running text should not report this quantity, or "" when it should."""
    if raw.kind in ("date", "year"):
        return raw.kind
    if numbers.PER_BEFORE_RE.search(text, max(0, raw.start - 12), raw.start):
        return "unit denominator"  # "cost per 1M tokens"
    if not raw.bare:
        return ""
    if raw.word == "one":
        return "the word one"  # "one lab", "one of them"
    if text[raw.end:raw.end + 1] == ":":
        return "heading number"  # "Prediction 1:"
    if _after_name(text, raw.start):
        return "model name or version"  # "Gemma 4", "Opus 4.6", "Ascend 910B"
    return ""


def _after_name(text: str, start: int) -> bool:
    m = numbers.NAME_BEFORE_RE.search(text, max(0, start - 40), start)
    return bool(m) and m.group(1) not in _PLAIN_CAPITALS


def _stray_number(text: str, scanned: list[_Raw]) -> str:
    """A currency sign or standalone digit outside every quantity read: "$half a million", "24/7"."""
    pos = 0
    for raw in [*scanned, None]:
        end = len(text) if raw is None else raw.start
        if m := numbers.STRAY_RE.search(text, pos, end):
            word = re.match(r"\S*", text[m.start():end]).group()
            return word
        pos = end if raw is None else raw.end
    return ""


def _why_not(text: str) -> str:
    if m := numbers.VAGUE_WORD_RE.search(text):
        return f"vague quantity ({m.group().lower()!r}): no number stated"
    if re.search(r"[0-9]", text):
        return "no quantity recognised (only names, versions or unreadable numbers)"
    return "no number found"


# --- reading one quantity -------------------------------------------------------------------


def _read(text: str, pos: int) -> _Raw | None:
    p, prefix, between = pos, None, False
    for _ in range(3):
        m = numbers.PREFIX_RE.match(text, p)
        if not m:
            break
        word = " ".join((m.group("w") or "~").lower().split())
        if word == "past" and numbers.THE_BEFORE_RE.search(text, max(0, p - 5), p):
            break  # "the past six months" is a period, not a bound
        if word == "between":
            between = True
        elif prefix in (None, Bound.APPROX):
            prefix = Bound(numbers.PREFIX_BOUNDS.get(word) or "approx")
        p = m.end()
    raw = _read_special(text, p, pos, prefix) or _read_amount(text, p, pos, prefix, between)
    if raw is None or not _ends_cleanly(text, raw.end):
        return None
    return raw


def _ends_cleanly(text: str, end: int) -> bool:
    after = text[end:end + 1]
    if after.isalnum() or after == "_":
        return False  # "950PR", "1am", "800lb"
    # "01.AI", "8-bit", "4.6.1", "3/1/2024" continue a name, a version or a date.
    return not (after in ".-,/" and text[end + 1:end + 2].isalnum())


def _read_special(text: str, p: int, start: int, prefix: Bound | None) -> _Raw | None:
    """Dates, multiplier words, fractions and orders of magnitude."""
    if span := read_date(text, p):
        low, high, end = span
        return _Raw(start, end, low, high, 0.0, "date", Bound.EXACT if low == high else Bound.RANGE,
                    kind="date")
    value = None
    if m := numbers.ORDER_RE.match(text, p):
        value, precision, end, prefix = 10.0, 5.0, m.end(), prefix or Bound.APPROX
    elif (m := numbers.MULTIPLIER_RE.match(text, p)) and not (
        m.group("w").lower() == "half" and numbers.HALF_BEFORE_RE.search(text, max(0, p - 8), p)
    ):
        value = numbers.MULTIPLIERS[m.group("w").lower()]
        precision = fraction_precision(1, 2) if value == 0.5 else 0.5
        end = m.end()
    elif m := numbers.FOLD_WORD_RE.match(text, p):
        value = float(numbers.FOLD_VALUES[m.group("w").lower()])
        precision, end = integer_precision(value), m.end()
    elif fraction := read_fraction(text, p):
        value, precision, end = fraction
    if value is None:
        return None
    kind = "fraction" if value < 1 else ""
    raw = _Raw(start, end, value, value, precision, "x", Bound.EXACT, kind=kind)
    _read_tails(text, raw, prefix, plus=False, ranged=False)
    return raw


def _read_amount(text: str, p: int, start: int, prefix: Bound | None, between: bool) -> _Raw | None:
    """Digits or number words with their currency, scale, range, unit and qualifiers."""
    sign, after_prefix = 1.0, p
    if m := numbers.SIGN_RE.match(text, p):
        sign, p = (-1.0 if m.group() in "-−" else 1.0), m.end()
    currency = None
    if m := numbers.CURRENCY_RE.match(text, p):
        currency, p = numbers.CURRENCY_CODES[m.group("c")], m.end()
    first = read_number(text, p, money=currency is not None)
    if first is None:
        return None
    end, plus = first.end, False
    if m := numbers.PLUS_RE.match(text, end):
        plus, end = True, m.end()
    can_range, second, open_high = not plus and sign > 0, None, False
    # "6 to 8 months", "$5-6 million": one unit after both ends.
    if can_range and (found := _range_end(text, end, currency, between)):
        if shared := _share_scale(first, found[0]):
            first, (second, open_high, end) = shared, found
    unit = unit2 = _read_unit(text, end, first, currency)
    end = unit.end
    # "80%-90%", "six months to two years": a unit after each end.
    if can_range and not second and unit.unit and (found := _range_end(text, end, currency, between)):
        after = _read_unit(text, found[0].end, found[0], currency)
        if after.unit == unit.unit and first.low * unit.factor <= found[0].high * after.factor:
            second, open_high, unit2, end = found[0], found[1], after, after.end
    low = first.low * unit.factor * sign
    high = None if open_high else (second or first).high * unit2.factor * sign
    precision = first.precision * unit.factor
    if second:
        precision = min(precision, second.precision * unit2.factor)
    kind = unit.kind
    if kind == "orders":
        # "a couple of orders of magnitude": the number is a power of ten.
        if second or not (0 < first.low <= 30 and first.low == int(first.low)):
            return None
        low = high = pow10(int(first.low))
        precision, kind, prefix = low / 2, "", prefix or Bound.APPROX
    elif unit.unit is None and (first.b_suffix or (second and second.b_suffix)):
        kind = "b_suffix"
    elif unit.unit is None and p == after_prefix and first.year_like:
        kind = "year" if not second or second.year_like else ""
    bound = Bound.RANGE if second or first.low != first.high else Bound.EXACT
    raw = _Raw(start, end, low, high, precision, unit.unit, bound, unit.label, kind,
               word=first.word)
    _read_tails(text, raw, prefix, plus=plus, ranged=second is not None)
    raw.bare = start == p and raw.unit is None and raw.bound is Bound.EXACT and not raw.label
    if raw.kind == "b_suffix" and raw.label in ("total", "active"):
        raw.unit, raw.kind = "parameters", ""  # "236B total, 21B active"
    if raw.kind == "year" and (raw.bound in (Bound.LOWER, Bound.UPPER) or raw.high is None):
        raw.kind = ""  # "under 2000" is an amount; a year stands bare
    if raw.kind == "times" and (raw.label or first.scale == 1.0):
        raw.kind = ""  # "11 times more costly" is a ratio; "85 million times" counts events
    return raw


def _range_end(
    text: str, pos: int, currency: str | None, between: bool
) -> tuple[Num, bool, int] | None:
    """The far end of "X to Y", "X-Y" or "between X and Y", whether it is open ("to over Y"), its end."""
    sep = (numbers.AND_RE if between else numbers.RANGE_SEP_RE).match(text, pos)
    if not sep:
        return None
    p, open_high = sep.end(), False
    if m := numbers.RANGE_PREFIX_RE.match(text, p):
        word = " ".join((m.group("w") or "~").lower().split())
        open_high, p = word in numbers.LOWER_WORDS, m.end()
    if currency and (m := numbers.CURRENCY_RE.match(text, p)):
        if numbers.CURRENCY_CODES[m.group("c")] != currency:
            return None
        p = m.end()
    num = read_number(text, p, money=currency is not None)
    if num is None or num.word == "one":
        return None
    return num, open_high, num.end


def _share_scale(first: Num, second: Num) -> Num | None:
    """The first end of a range, taking the second's scale when it has none: "5 to 6 million"."""
    if first.scale == 1.0 and second.scale != 1.0 and first.low * second.scale <= second.high:
        first = replace(first, low=first.low * second.scale, high=first.high * second.scale,
                        precision=first.precision * second.scale, scale=second.scale,
                        b_suffix=second.b_suffix)
    return first if first.low <= second.high else None


def _read_unit(text: str, pos: int, num: Num, currency: str | None) -> numbers.UnitWord:
    if currency:
        return numbers.read_rate(text, pos, currency)
    found = numbers.read_unit(text, pos)
    if found is None and num.low != num.high and (m := numbers.OF_RE.match(text, pos)):
        found = numbers.read_unit(text, m.end())  # "dozens of hours"
    return found or numbers.UnitWord(None, 1.0, pos)


def _read_tails(text: str, raw: _Raw, prefix: Bound | None, *, plus: bool, ranged: bool) -> None:
    """Qualifiers after the unit: "+", "total", "input", "(est.)", "cheaper", "or more"."""
    end, estimated = raw.end, False
    if not plus and not ranged and (m := numbers.PLUS_RE.match(text, end)):
        plus, end = True, m.end()
    if not raw.label and (m := numbers.LABEL_RE.match(text, end)):
        raw.label, end = m.group("l").lower(), m.end()
    if m := numbers.PAREN_RE.match(text, end):
        word = m.group("l").lower().rstrip(".")
        estimated = word in ("est", "estimated")
        raw.label, end = raw.label or ("" if estimated else word), m.end()
    if (raw.unit in ("x", "%")) and not raw.label and (m := numbers.COMPARATIVE_RE.match(text, end)):
        raw.label, end = " ".join(m.group("l").lower().split()), m.end()
    or_more = or_less = False
    if not ranged and (m := numbers.OR_MORE_RE.match(text, end)):
        or_more, or_less, end = bool(m.group("more")), bool(m.group("less")), m.end()
    raw.end = end
    if raw.bound is Bound.RANGE:
        if not ranged and prefix is Bound.LOWER:
            raw.bound, raw.high = Bound.LOWER, None  # "over tens of thousands"
        return
    if plus or or_more or prefix is Bound.LOWER:
        raw.bound, raw.high = Bound.LOWER, None
    elif or_less or prefix is Bound.UPPER:
        raw.bound = Bound.UPPER
        raw.low = 0.0 if raw.high is not None and raw.high >= 0 else None
    elif prefix is Bound.APPROX or estimated:
        raw.bound = Bound.APPROX


# --- settling the unit ----------------------------------------------------------------------


def _to_figure(raw: _Raw, text: str, hint: str | None) -> Figure | Unparsed:
    """Settle a found quantity's unit with the attribute's hint and check it is a finite figure."""
    low, high, precision, unit, bound = raw.low, raw.high, raw.precision, raw.unit, raw.bound
    if raw.kind == "year" and hint in (None, "date"):
        low, high = year_span(int(low))[0], year_span(int(high))[1]
        unit, precision, bound = "date", 0.0, Bound.RANGE
    elif unit is None and hint == "date":
        return Unparsed(text, "a bare number is not a date")
    elif raw.kind == "b_suffix" and hint == "B":
        # The "B" is bytes, not billions. Dividing is exact where multiplying by 1e-9 is not.
        low, high, precision = _scaled(low, divisor=1e9), _scaled(high, divisor=1e9), precision / 1e9
        unit = "B"
    elif raw.kind == "b_suffix":
        unit = hint or "parameters"  # "7B", "~200B": parameter counts, unless the attribute says
    elif unit is None:
        unit = hint or "count"
    elif raw.kind == "times" and hint != "x":
        unit = "count"
    elif raw.kind == "fraction" and hint == "%":
        low, high, precision, unit = _scaled(low, 100), _scaled(high, 100), precision * 100, "%"
    elif unit in numbers.CURRENCIES and hint == f"{unit}/Mtok":
        unit = hint
    values = [v for v in (low, high, precision) if v is not None]
    if not all(math.isfinite(v) for v in values):
        return Unparsed(text, "number too large to hold")
    return Figure(low, high, unit, bound, precision, text[raw.start:raw.end], raw.label)


def _scaled(value: float | None, factor: float = 1.0, divisor: float = 1.0) -> float | None:
    return None if value is None else value * factor / divisor
