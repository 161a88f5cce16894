"""The words of quantities as prose writes them: numbers, scales, dates, units and qualifiers."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

UNIT_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}
TEEN_WORDS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALE_WORDS = {
    "thousand": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9,
    "trillion": 1e12, "tn": 1e12, "quadrillion": 1e15,
}
# Glued suffixes: "$5.8M", "236B", "16K". Lower-case m and b only after a currency ("$5m").
GLUED_SCALES = {"K": 1e3, "k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
MONEY_GLUED_SCALES = {"m": 1e6, "b": 1e9}

_DIGITS_RE = re.compile(
    r"(?P<digits>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
    r"(?:[eE](?P<exp>[+-]?[0-9]{1,3})(?![0-9])|\s?[×x]\s?10\^(?P<exp2>[+-]?[0-9]{1,3})(?![0-9]))?"
)
_GLUED_SCALE_RE = re.compile(r"(bn|Bn|mn|mln|tn|[KkMBTmb])(?![A-Za-z0-9])")
_SCALE_WORD_RE = re.compile(r"\s+(quadrillion|thousand|million|billion|trillion|mln|mn|bn|tn)\b", re.I)
_WORD_RE = re.compile(r"(?P<sep>\s+and\s+|[ \t]+|-)?(?P<w>[A-Za-z]+)")
_HALF_SCALES = {"dozen": 12.0, "hundred": 100.0, **SCALE_WORDS}
_HALF_RE = re.compile(r"half\s+an?\s+(dozen|hundred|thousand|million|billion|trillion)\b", re.I)
_COUPLE_RE = re.compile(r"a\s+couple\s+of\b", re.I)
# Plural scale words name a decade of values: "tens of thousands" is 10,000 to 99,999.
_VAGUE_RE = re.compile(
    r"(?P<base>tens|dozens|hundreds|thousands|millions|billions|trillions)"
    r"(?:\s+of\s+(?P<inner>thousands|millions|billions|trillions))?\b",
    re.I,
)
_VAGUE_BASES = {
    "tens": 10, "dozens": 24, "hundreds": 100, "thousands": 1e3, "millions": 1e6,
    "billions": 1e9, "trillions": 1e12,
}

FRACTION_DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "twelfth": 12, "twentieth": 20,
    "hundredth": 100, "thousandth": 1000,
}
_FRACTION_FOLLOWERS = r"(?=\s+(?:of|the|its|their|that|what|as|less|more|fewer)\b|\s*[.,;:)|]|\s*$)"
_DIGIT_FRACTION_RE = re.compile(r"(?P<n>[0-9]{1,4})/(?P<d>[0-9]{1,6})(?:st|nd|rd|th)?")
_WORD_FRACTION_RE = re.compile(
    r"(?P<n>an?|one|two|three|four|five|six|seven|eight|nine)[\s-]+"
    r"(?P<d>halves|half|(?:third|quarter|fourth|fifth|sixth|seventh|eighth|ninth|tenth|twelfth"
    r"|twentieth|hundredth|thousandth)s?)\b" + _FRACTION_FOLLOWERS,
    re.I,
)

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?P<year>[12][0-9]{3})(?![0-9])"
_DATE_RES = [
    re.compile(r"(?P<year>[0-9]{4})-(?P<mon>[0-9]{2})-(?P<day>[0-9]{2})(?![0-9])"),
    re.compile(r"(?P<year>[0-9]{4})-(?P<mon>[0-9]{2})(?![0-9-])"),
    re.compile(_MONTH + r"(?:\s+(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?,?)?\s+" + _YEAR, re.I),
    re.compile(r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+" + _YEAR, re.I),
    re.compile(r"Q(?P<quarter>[1-4])\s+" + _YEAR),
    re.compile(_YEAR + r"\s+Q(?P<quarter>[1-4])(?![0-9])"),
]


@dataclass(frozen=True)
class Num:
    """A number read from text, before any unit is attached."""

    low: float
    high: float  # differs from low only for plurals such as "tens of thousands"
    precision: float
    end: int
    scale: float = 1.0  # the scale word or suffix applied ("million" -> 1e6)
    b_suffix: bool = False  # a glued "B": billions, unless the attribute counts bytes
    year_like: bool = False  # four bare digits that read as a calendar year
    word: str = ""  # the number words as read, lower-cased ("one", "a hundred")


def pow10(exponent: int) -> float:
    """10 ** exponent as a float, inf or 0.0 when out of range instead of raising."""
    return float(f"1e{exponent}")


def digit_precision(digits: str) -> float:
    """Half the unit of the last significant digit: "5.5" -> 0.05, "16,000" -> 500, "8" -> 0.5."""
    return float(f"5e{_last_digit_exponent(digits.replace(',', '')) - 1}")


def _last_digit_exponent(digits: str) -> int:
    """The power of ten of the last significant digit: "5.5" -> -1, "16000" -> 3, "8" -> 0."""
    if "." in digits:
        return -len(digits.split(".", 1)[1])
    significant = digits.rstrip("0")
    # Trailing zeros of an integer are placeholders, not stated digits; "0" itself is a digit.
    return len(digits) - len(significant) if significant.strip("0") else 0


def integer_precision(value: float) -> float:
    """Precision of a whole number written in words, judged as if written in digits."""
    return digit_precision(f"{value:.0f}")


def fraction_precision(numerator: float, denominator: float) -> float:
    """Half-width of n/d when the denominator is known to half a unit, as "35" in "1/35th" is."""
    return numerator * (1 / (denominator - 0.5) - 1 / (denominator + 0.5)) / 2


def read_number(text: str, pos: int, *, money: bool = False) -> Num | None:
    """Read digits or number words at pos, with any scale word or suffix that follows."""
    return (
        _read_digits(text, pos, money) or _read_vague(text, pos) or _read_half(text, pos)
        or _read_words(text, pos)
    )


def _read_half(text: str, pos: int) -> Num | None:
    """ "half a million" reads as "0.5 million" would."""
    if not (m := _HALF_RE.match(text, pos)):
        return None
    scale = _HALF_SCALES[m.group(1).lower()]
    return Num(0.5 * scale, 0.5 * scale, 0.05 * scale, m.end(), scale)


def _read_digits(text: str, pos: int, money: bool) -> Num | None:
    m = _DIGITS_RE.match(text, pos)
    if not m:
        return None
    written = m.group("digits")
    digits = written.replace(",", "")
    exp_text = m.group("exp") or m.group("exp2")
    exponent, end, scale, b_suffix = int(exp_text or 0), m.end(), 1.0, False
    glued = None if exp_text else _GLUED_SCALE_RE.match(text, end)
    worded = None if exp_text else _SCALE_WORD_RE.match(text, end)
    if glued and (glued.group(1) in GLUED_SCALES or money or glued.group(1).lower() in SCALE_WORDS):
        suffix = glued.group(1)
        scale = GLUED_SCALES.get(suffix) or MONEY_GLUED_SCALES.get(suffix) or SCALE_WORDS[suffix.lower()]
        b_suffix, end = suffix == "B", glued.end()
    elif worded:
        scale, end = SCALE_WORDS[worded.group(1).lower()], worded.end()
    # Scale by shifting the decimal exponent, so "$12.4 billion" is exactly 12400000000.0.
    shift = exponent + round(math.log10(scale))
    value = float(f"{digits}e{shift}")
    precision = float(f"5e{_last_digit_exponent(digits) - 1 + shift}")
    year_like = shift == 0 and written.isdigit() and len(written) == 4 and 1800 <= value <= 2199
    return Num(value, value, precision, end, scale, b_suffix, year_like)


def _read_vague(text: str, pos: int) -> Num | None:
    m = _VAGUE_RE.match(text, pos)
    if not m:
        return None
    base = _VAGUE_BASES[m.group("base").lower()]
    inner = _VAGUE_BASES[m.group("inner").lower()] if m.group("inner") else 1.0
    # "dozens" runs from two dozen up to where "hundreds" takes over; the rest span one decade.
    top = 100 if base == 24 else base * 10
    step = 12 if base == 24 else base
    return Num(base * inner, top * inner - 1, step * inner / 2, m.end(), inner)


def _read_words(text: str, pos: int) -> Num | None:
    """Number words: "eight", "twenty-five", "a hundred thousand", "two dozen"."""
    if m := _COUPLE_RE.match(text, pos):
        return Num(2.0, 2.0, 0.5, m.end(), word="a couple of")
    total = group = 0.0
    last, last_scale, end, words, p = "start", math.inf, None, [], pos
    while m := _WORD_RE.match(text, p):
        sep, word = m.group("sep"), m.group("w").lower()
        kind = _word_kind(word)
        if bool(sep) != bool(words) or kind is None or not _follows(last, kind, sep):
            break
        if kind == "scale" and SCALE_WORDS[word] >= last_scale:
            break  # "a million thousand" is two numbers, not one
        if kind == "article":
            group = 1.0
        elif kind in ("unit", "teen", "tens"):
            group += UNIT_WORDS.get(word) or TEEN_WORDS.get(word) or TENS_WORDS.get(word) or 0
        elif kind in ("hundred", "dozen"):
            group = (group or 1.0) * (100 if kind == "hundred" else 12)
        else:
            last_scale = SCALE_WORDS[word]
            total, group = total + (group or 1.0) * last_scale, 0.0
        last, p = kind, m.end()
        words.append(word)
        if kind != "article":
            end = p  # a lone "a" is not a number
    if end is None:
        return None
    value = total + group
    return Num(value, value, integer_precision(value), end, word=" ".join(words))


def _word_kind(word: str) -> str | None:
    if word in ("a", "an"):
        return "article"
    if word in UNIT_WORDS:
        return "unit"
    if word in TEEN_WORDS:
        return "teen"
    if word in TENS_WORDS:
        return "tens"
    if word in ("hundred", "dozen"):
        return word
    if word in SCALE_WORDS and len(word) > 3:
        return "scale"
    return None


def _follows(last: str, kind: str, sep: str | None) -> bool:
    """Whether a number word of this kind may follow the previous one ("twenty-five", "a hundred")."""
    if sep == "-" and not (last == "tens" and kind == "unit"):
        return False
    if sep and sep.strip().lower() == "and" and last not in ("hundred", "scale"):
        return False  # "two hundred and fifty", but "six and eight" are two numbers
    allowed = {
        "start": {"article", "unit", "teen", "tens"},
        "article": {"hundred", "scale", "dozen"},
        "unit": {"hundred", "scale", "dozen"},
        "teen": {"hundred", "scale"},
        "tens": {"unit", "scale"},
        "hundred": {"unit", "teen", "tens", "scale"},
        "scale": {"unit", "teen", "tens"},
        "dozen": set(),
    }
    return kind in allowed[last]


def read_fraction(text: str, pos: int) -> tuple[float, float, int] | None:
    """Read "1/35th", "a tenth" or "two thirds" at pos as (value, precision, end)."""
    if m := _DIGIT_FRACTION_RE.match(text, pos):
        numerator, denominator = int(m.group("n")), int(m.group("d"))
        # "24/7" and "3/1/2024" are not fractions of a whole.
        if not 0 < numerator < denominator or text[m.end():m.end() + 1] == "/":
            return None
        return numerator / denominator, fraction_precision(numerator, denominator), m.end()
    if m := _WORD_FRACTION_RE.match(text, pos):
        n_word = m.group("n").lower()
        numerator = 1 if n_word in ("a", "an") else UNIT_WORDS[n_word]
        d_word = m.group("d").lower()
        denominator = FRACTION_DENOMINATORS.get(d_word) or FRACTION_DENOMINATORS[d_word[:-1]]
        value = numerator / denominator
        return value, fraction_precision(numerator, denominator), m.end()
    return None


def read_date(text: str, pos: int) -> tuple[float, float, int] | None:
    """Read a calendar date or period at pos as (first day, last day, end), days as date.toordinal()."""
    for pattern in _DATE_RES:
        m = pattern.match(text, pos)
        if m and (span := _date_span(m.groupdict())):
            return span[0], span[1], m.end()
    return None


def year_span(year: int) -> tuple[float, float]:
    """First and last day of a calendar year, as ordinals."""
    return float(date(year, 1, 1).toordinal()), float(date(year, 12, 31).toordinal())


def _date_span(parts: dict) -> tuple[float, float] | None:
    year = int(parts["year"])
    if not 1000 <= year <= 2999:
        return None
    if parts.get("quarter"):
        first_month = 3 * int(parts["quarter"]) - 2
        return _month_span(year, first_month)[0], _month_span(year, first_month + 2)[1]
    month_text = parts.get("mon") or parts.get("month")
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text[:3].lower()]
    if not 1 <= month <= 12:
        return None
    if parts.get("day"):
        day = int(parts["day"])
        if not 1 <= day <= _month_span(year, month)[1] - _month_span(year, month)[0] + 1:
            return None
        ordinal = float(date(year, month, day).toordinal())
        return ordinal, ordinal
    return _month_span(year, month)


def _month_span(year: int, month: int) -> tuple[float, float]:
    first = date(year, month, 1).toordinal()
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return float(first), float(following.toordinal() - 1)


# --- units, currencies and the words around a number ---------------------------------------

DAYS_PER_MONTH = 30.436875  # a Gregorian year of 365.2425 days over 12
HOURS_PER_MONTH = 730.485
CURRENCIES = ("USD", "CNY", "EUR")
CURRENCY_CODES = {
    "US$": "USD", "$": "USD", "USD": "USD", "dollar": "USD", "dollars": "USD",
    "¥": "CNY", "RMB": "CNY", "CNY": "CNY", "yuan": "CNY", "renminbi": "CNY",
    "€": "EUR", "EUR": "EUR", "euro": "EUR", "euros": "EUR",
}
OTHER_CURRENCY_SYMBOLS = "£₹₩₽₺₴₦₱฿₫₪"
OTHER_CURRENCY_RE = re.compile(
    rf"[{OTHER_CURRENCY_SYMBOLS}]|\b(?:GBP|JPY|INR|KRW|CHF|CAD|AUD|HKD|SGD|TWD|rupees?|yen)\b"
)
CURRENCY_RE = re.compile(r"(?P<c>US\$|\$|¥|€|RMB|CNY|USD|EUR)\s?(?=[0-9])")
_CURRENCY_WORD_RE = re.compile(
    r"\s+(?:US\s+)?(?P<c>dollars?|USD|yuan|RMB|CNY|renminbi|euros?|EUR)\b", re.I
)
_PER_TOKENS_RE = re.compile(
    r"(?:\s+per\s+|\s*/\s*)(?:(?:1|one)\s*)?(?P<scale>million|thousand|mn|M|K)?\s*"
    r"(?:(?P<io>input|output)\s+)?(?:tokens?|tok)\b"
    r"|(?:\s+per\s+|\s*/\s*)(?P<mtok>M\s?tok(?:ens)?)\b",
    re.I,
)
_PER_TOKEN_FACTORS = {"": 1e6, "million": 1.0, "mn": 1.0, "m": 1.0, "thousand": 1e3, "k": 1e3}

_BOUND_WORDS = {
    "lower": ["more than", "greater than", "in excess of", "upwards of", "north of",
              "no less than", "not less than", "at least", "over", "above", "exceeding", "past"],
    "upper": ["less than", "fewer than", "no more than", "not more than", "at most", "up to",
              "under", "below"],
    "approx": ["approximately", "approx.", "about", "around", "roughly", "nearly", "almost",
               "some", "circa", "close to", "closer to", "an estimated", "estimated", "est."],
    "": ["between"],
}
PREFIX_BOUNDS = {word: bound for bound, words in _BOUND_WORDS.items() for word in words}
LOWER_WORDS = set(_BOUND_WORDS["lower"])
_PREFIX_WORDS = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted(PREFIX_BOUNDS, key=len, reverse=True)
)
PREFIX_RE = re.compile(rf"(?P<w>{_PREFIX_WORDS})\s+|[~≈]\s?", re.I)
RANGE_PREFIX_RE = re.compile(
    r"(?P<w>over|more\s+than|above|nearly|about|around|roughly|almost)\s+|[~≈]\s?", re.I
)
SIGN_RE = re.compile(r"[-−+](?=[0-9$¥€])")
PLUS_RE = re.compile(r"\+(?![0-9])")
RANGE_SEP_RE = re.compile(r"\s?[-–]\s?|\s+(?:to|through)\s+", re.I)
AND_RE = re.compile(r"\s+and\s+", re.I)
OF_RE = re.compile(r"\s+of(?=\s)", re.I)
OR_GAP_RE = re.compile(r"\s*,?\s*or\s*", re.I)

_FOLLOWED_BY_OBJECT = r"(?=\s+(?:the|that|its|their|his|her|our|what|of|as)\b|\s*[.,;:)|]|\s*$)"
MULTIPLIERS = {"double": 2.0, "twice": 2.0, "triple": 3.0, "thrice": 3.0, "quadruple": 4.0,
               "half": 0.5}
# "triple the amount" and "half of the compute" are ratios; "double duty" is not.
MULTIPLIER_RE = re.compile(rf"(?P<w>{'|'.join(MULTIPLIERS)})\b{_FOLLOWED_BY_OBJECT}", re.I)
HALF_BEFORE_RE = re.compile(r"\b(?:first|second|the|other|latter|last|a)\s+$", re.I)
FOLD_VALUES = {**UNIT_WORDS, **TEEN_WORDS, **TENS_WORDS, "hundred": 100, "thousand": 1e3,
               "million": 1e6, "billion": 1e9, "trillion": 1e12}
FOLD_WORD_RE = re.compile(
    rf"(?:an?\s+)?(?P<w>{'|'.join(sorted(FOLD_VALUES, key=len, reverse=True))})-?fold\b", re.I
)
ORDER_RE = re.compile(r"(?:an?|one)\s+order\s+of\s+magnitude\b", re.I)

_PERCENT_RE = re.compile(r"\s?%|\s+(?:percent|per\s+cent|percentage\s+points?)\b", re.I)
_TIMES_RE = re.compile(r"\s?×(?![A-Za-z0-9])|x(?![A-Za-z0-9])|(?P<times>\s+times)\b|[\s-]?fold\b", re.I)
_ORDERS_RE = re.compile(r"\s+orders?\s+of\s+magnitude\b", re.I)
_TIME_RE = re.compile(
    r"(?:\s+|-)(?P<u>decades?|years?|yrs?|months?|mos?|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?)\b",
    re.I,
)
_MONTHS_PER = {
    "decade": 120.0, "year": 12.0, "yr": 12.0, "month": 1.0, "mo": 1.0,
    "week": 7 / DAYS_PER_MONTH, "wk": 7 / DAYS_PER_MONTH, "day": 1 / DAYS_PER_MONTH,
    "hour": 1 / HOURS_PER_MONTH, "hr": 1 / HOURS_PER_MONTH,
    "minute": 1 / (60 * HOURS_PER_MONTH), "min": 1 / (60 * HOURS_PER_MONTH),
}
_SI = {"k": 1e3, "K": 1e3, "kilo": 1e3, "M": 1e6, "mega": 1e6, "G": 1e9, "giga": 1e9,
       "T": 1e12, "tera": 1e12, "P": 1e15, "peta": 1e15, "E": 1e18, "exa": 1e18,
       "Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40, "Pi": 2.0**50}
_POWER_WORD_RE = re.compile(r"\s+(?P<p>tera|giga|mega|kilo)?watts?\b", re.I)
_POWER_SYMBOL_RE = re.compile(r"\s?(?P<p>[TGMkK])?W(?![A-Za-z0-9])")
_FLOP_RE = re.compile(
    r"\s?(?P<p>kilo|mega|giga|tera|peta|exa|[kMGTPE])?"
    r"(?P<u>FLOP/s|FLOPS|flop/s|flops|FLOPs|FLOP|flop)(?![A-Za-z])"
)
_BYTES_RE = re.compile(r"\s?(?P<p>Ki|Mi|Gi|Ti|Pi|[kKMGTP])B(?P<rate>/s)?(?![A-Za-z0-9])")
_BYTES_WORD_RE = re.compile(
    r"\s+(?P<p>kilo|mega|giga|tera|peta)?bytes?(?P<rate>\s*(?:/|per\s+)(?:s|sec|second)\b)?", re.I
)
_TOKENS_RE = re.compile(r"\s+(?:tokens?|tok)\b", re.I)
_PER_TIME_RE = re.compile(
    r"\s+(?:a|per|each|every)\s+(?P<u>day|week|month|year)\b"
    r"|\s*/\s*(?P<u2>day|week|month|year)\b|\s+(?P<adv>daily|weekly|monthly|yearly|annually)\b",
    re.I,
)
_PER_TIME_MONTHS = {"day": DAYS_PER_MONTH, "week": DAYS_PER_MONTH / 7, "month": 1.0,
                    "year": 1 / 12}
_ADVERB_PERIODS = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year",
                   "annually": "year"}
_PARAMS_RE = re.compile(r"\s+(?:parameters|params)\b", re.I)

LABEL_RE = re.compile(
    r"\s+(?P<l>total|active|input|output)\b(?:\s+(?:parameters|params|tokens?)\b)?", re.I
)
PAREN_RE = re.compile(r"\s*\((?P<l>est\.?|estimated|target|projected|expected|reported)\)", re.I)
COMPARATIVE_RE = re.compile(
    r"\s+(?P<l>more\s+costly|more\s+expensive|less\s+expensive|cheaper|costlier|faster|slower"
    r"|more|less|fewer|higher|lower|larger|smaller|bigger|greater|better|worse|longer|shorter)\b",
    re.I,
)
OR_MORE_RE = re.compile(
    r"\s+or\s+(?:(?P<more>more|greater|higher|above|better|over)|(?P<less>less|fewer|lower|below|under))\b",
    re.I,
)

# Context around a number that says it is not a quantity of its own.
PER_BEFORE_RE = re.compile(r"(?:\bper\s+|/\s*)$", re.I)
NAME_BEFORE_RE = re.compile(r"(?<![\w’'])([A-Z][A-Za-z]*) $")
THE_BEFORE_RE = re.compile(r"\bthe\s+$", re.I)
STRAY_RE = re.compile(r"[$¥€]|(?<![\w.,/-])[0-9]")
VAGUE_WORD_RE = re.compile(
    r"\b(?:a\s+fraction|fraction|several|many|a\s+few|few|numerous|countless|multiple"
    r"|dramatically|significantly|significant|substantially|substantial|considerably|a\s+lot"
    r"|lots|handful|majority|minority|most|bunch|various|some)\b",
    re.I,
)


@dataclass(frozen=True)
class UnitWord:
    """A unit read after a number, with the factor that converts to its canonical unit."""

    unit: str | None
    factor: float
    end: int
    kind: str = ""  # "times" ("85 million times"), "orders" ("orders of magnitude")
    label: str = ""  # "input" or "output" in "per million input tokens"


def read_rate(text: str, pos: int, currency: str) -> UnitWord:
    """A currency amount's unit at pos: the currency, or a price per million tokens."""
    m = _PER_TOKENS_RE.match(text, pos)
    if not m:
        return UnitWord(currency, 1.0, pos)
    if m.group("mtok"):
        return UnitWord(f"{currency}/Mtok", 1.0, m.end())
    factor = _PER_TOKEN_FACTORS[(m.group("scale") or "").lower()]
    return UnitWord(f"{currency}/Mtok", factor, m.end(), label=(m.group("io") or "").lower())


def read_unit(text: str, pos: int) -> UnitWord | None:
    """The unit word after a number, or None when none follows."""
    if m := _PERCENT_RE.match(text, pos):
        return UnitWord("%", 1.0, m.end())
    if m := _CURRENCY_WORD_RE.match(text, pos):
        code = m.group("c")
        return read_rate(text, m.end(), CURRENCY_CODES.get(code) or CURRENCY_CODES[code.lower()])
    if m := _TIMES_RE.match(text, pos):
        return UnitWord("x", 1.0, m.end(), kind="times" if m.group("times") else "")
    if m := _ORDERS_RE.match(text, pos):
        return UnitWord("x", 1.0, m.end(), kind="orders")
    if m := _TIME_RE.match(text, pos):
        word = m.group("u").lower()
        return UnitWord("month", _MONTHS_PER.get(word) or _MONTHS_PER[word[:-1]], m.end())
    if m := _POWER_WORD_RE.match(text, pos) or _POWER_SYMBOL_RE.match(text, pos):
        return UnitWord("W", _si_factor(m.group("p")), m.end())
    if m := _FLOP_RE.match(text, pos):
        unit = "FLOP/s" if m.group("u") in ("FLOP/s", "FLOPS", "flop/s", "flops") else "FLOP"
        return UnitWord(unit, _si_factor(m.group("p")), m.end())
    if m := _BYTES_RE.match(text, pos) or _BYTES_WORD_RE.match(text, pos):
        return UnitWord("B/s" if m.group("rate") else "B", _si_factor(m.group("p")), m.end())
    if m := _TOKENS_RE.match(text, pos):
        if rate := _PER_TIME_RE.match(text, m.end()):
            period = rate.group("u") or rate.group("u2") or _ADVERB_PERIODS[rate.group("adv").lower()]
            return UnitWord("tokens/month", _PER_TIME_MONTHS[period.lower()], rate.end())
        return UnitWord("tokens", 1.0, m.end())
    if m := _PARAMS_RE.match(text, pos):
        return UnitWord("parameters", 1.0, m.end())
    return None


def _si_factor(prefix: str | None) -> float:
    if not prefix:
        return 1.0
    return _SI.get(prefix) or _SI[prefix.lower()]


def _starting_words() -> list[str]:
    """The first words of everything the figure parser reads: bounds, number words, multipliers."""
    words = {w.split()[0].rstrip(".") for w in PREFIX_BOUNDS}
    words |= {"a", "an", "half", *UNIT_WORDS, *TEEN_WORDS, *TENS_WORDS, *_VAGUE_BASES, *MULTIPLIERS}
    return sorted(words, key=len, reverse=True)


# Where a quantity may begin: a sign or currency, a digit, a starting word, a "-fold" word, a
# month or a quarter. Scanning jumps between these instead of trying every character; the pattern
# runs on lower-cased text because a case-blind one is several times slower.
_STARTS = (
    r"[$¥€~≈−+-]|\b(?:[0-9]"
    rf"|(?:{'|'.join(_starting_words())})\b"
    rf"|(?:{'|'.join(sorted(FOLD_VALUES, key=len, reverse=True))})-?fold\b"
    rf"|(?:{'|'.join(_MONTHS)})|q[1-4]|us\$|rmb|cny|usd|eur)"
)
_START_RE = re.compile(_STARTS)
_START_ANY_CASE_RE = re.compile(_STARTS, re.I)


def quantity_starts(text: str):
    """Offsets in text where a quantity may begin (a superset: the parser decides)."""
    lower = text.lower()
    if len(lower) == len(text):
        return (m.start() for m in _START_RE.finditer(lower))
    return (m.start() for m in _START_ANY_CASE_RE.finditer(text))  # lower() changed some offsets
