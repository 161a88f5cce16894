"""What a table's header (or, in a transposed table, its row label) says of the figures under it:
the unit, the scale and the words that name the measure.

"Parameters (B)" over "410" means 410 billion parameters; "Price, $ per 1M input tokens" over
"0.35" means $0.35 per million input tokens; "MMLU (%)" over "86.1" means 86.1%. A cell that
states its own unit ("$5.8M", "88.5%") keeps it. Footnote marks ("0.50*", "83.0[2]", "12†") are
no part of a figure."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCALES = {"k": "thousand", "thousand": "thousand", "thousands": "thousand", "m": "million",
           "mn": "million", "mil": "million", "million": "million", "millions": "million",
           "b": "billion", "bn": "billion", "billion": "billion", "billions": "billion",
           "t": "trillion", "tn": "trillion", "trillion": "trillion", "trillions": "trillion"}
_CURRENCIES = {"$": "$", "usd": "$", "us$": "$", "dollars": "$", "¥": "¥", "cny": "¥", "rmb": "¥",
               "yuan": "¥", "€": "€", "eur": "€", "euros": "€"}
# Unit words a header may carry after its scale: kept as they are, for the figure parser to read.
_UNITS = ("tokens", "parameters", "params", "hours", "days", "weeks", "months", "years", "gb", "tb",
          "mb", "flop", "flops", "w", "kw", "mw", "gw", "gpus", "chips", "stars")
_RATE = re.compile(r"(?:per|/)\s*(?:1\s*m\b|1m\b|one\s+million|million|m\b)\s*(?P<side>input\s+|output\s+)?"
                   r"tok(?:en)?s?\b", re.I)
_TOKEN = re.compile(r"[$¥€]|[A-Za-z][A-Za-z$]*|%")
_FOOTNOTE = re.compile(r"(?:\s*(?:\[\w{1,3}\]|[*†‡§¶]+|\^\w{1,3}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+))+\s*$")
_BRACKETED = re.compile(r"\(([^()]*)\)|,\s*([^,]*)$")


@dataclass(frozen=True)
class Measure:
    """A header read as a measure: its naming words, and how to write a bare number under it."""

    words: str  # "Parameters", "Price input tokens", "Context window"
    prefix: str = ""  # "$"
    suffix: str = ""  # " billion parameters", " per million input tokens", "%"

    @property
    def says_unit(self) -> bool:
        return bool(self.prefix or self.suffix)

    def write(self, number: str) -> str:
        """The figure text a bare number stands for under this header."""
        return f"{self.prefix}{number}{self.suffix}"


def strip_footnotes(cell: str) -> str:
    return _FOOTNOTE.sub("", cell)


def read_header(header: str) -> Measure:
    """The measure a header names, with the unit and scale it gives its cells."""
    text = strip_footnotes(header).strip()
    prefix, scale, units, percent = "", "", [], False
    rate = _RATE.search(text)
    stated = _unit_part(text)
    for token in _TOKEN.findall(stated or text):
        low = token.lower()
        if low in _CURRENCIES:
            prefix = _CURRENCIES[low]
        elif low == "%" or low in ("percent", "pct"):
            percent = True
        elif not stated:
            continue  # a header without a bracketed unit names scales and units by chance
        elif low in _SCALES and (len(low) > 1 or token.isupper()):
            scale = _SCALES[low]
        elif low in _UNITS and not rate:
            units.append(low)
    if scale and not units:  # "Parameters (B)": the measure's own noun is the unit
        units = [w.lower() for w in _TOKEN.findall(text) if w.lower() in _UNITS][:1]
    if rate:
        side = (rate.group("side") or "").strip()
        suffix = f" per million {side + ' ' if side else ''}tokens"
        prefix = prefix or "$"
    elif percent:
        suffix = "%"
    else:
        suffix = "".join(f" {w}" for w in [scale, *units] if w)
    words = _BRACKETED.sub(" ", text) if stated else text
    if rate:
        words = f"{_RATE.sub(' ', words)} {(rate.group('side') or '').strip()}"
    words = re.sub(r"[$¥€%]", " ", words)
    return Measure(" ".join(words.split()), prefix, suffix)


def _unit_part(text: str) -> str:
    """Where a header states units: its bracketed parts and what follows its last comma
    ("Price, $ per 1M input tokens", "Parameters (B)"), else the whole header."""
    parts = [a or b for a, b in _BRACKETED.findall(text)]
    return " ".join(parts)
