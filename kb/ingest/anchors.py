"""Re-finding a quote in a changed text: exactly, then by its prefix and suffix, then fuzzily."""

from __future__ import annotations

from dataclasses import dataclass

import re

from rapidfuzz import fuzz, process

from kb.services.citations import CONTEXT, find_quote

FUZZY_MIN = 90.0  # a quote reworded beyond this no longer says what was cited
_SENTENCE = re.compile(r"[^\s][^\n]*?(?:[.!?](?=\s|$)|(?=\n)|$)")
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
MIN_CONTEXT = 8  # shorter prefixes and suffixes match too much to place a quote


@dataclass(frozen=True)
class Placement:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    method: str  # exact, context, fuzzy


def placement(text: str, start: int, end: int, method: str) -> Placement:
    return Placement(start, end, text[start:end], text[max(0, start - CONTEXT):start],
                     text[end:end + CONTEXT], method)


def relocate(text: str, quote: str, *, prefix: str = "", suffix: str = "",
             near: int | None = None) -> Placement | None:
    """Where `quote` now sits in `text`, or None when it no longer anchors.

    A passage found by context or fuzzily must state the same numbers: "$5.8 million" edited
    to "$6.1 million" is new evidence, not the old quote moved."""
    found = find_quote(text, quote, prefix=prefix, near=near)
    if found is not None:
        return placement(text, found.start, found.end, "exact")
    for candidate in (_between_context(text, quote, prefix, suffix), _fuzzy(text, quote)):
        if candidate is not None and _NUMBER.findall(candidate.quote) == _NUMBER.findall(quote):
            return candidate
    return None


def _between_context(text: str, quote: str, prefix: str, suffix: str) -> Placement | None:
    """The old prefix and suffix still frame a passage of about the quote's length: an edit inside."""
    if len(prefix) < MIN_CONTEXT or len(suffix) < MIN_CONTEXT:
        return None
    at = text.find(prefix)
    while at >= 0:
        start = at + len(prefix)
        end = text.find(suffix, start)
        if end >= 0 and 0.5 * len(quote) <= end - start <= 1.5 * len(quote) + 20:
            if fuzz.ratio(quote, text[start:end]) >= FUZZY_MIN - 20:
                return placement(text, start, end, "context")
        at = text.find(prefix, at + 1)
    return None


def _fuzzy(text: str, quote: str) -> Placement | None:
    """The sentence (or line) most like the quote; failing that, the closest stretch of text."""
    if not quote.strip() or not text:
        return None
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
    best = process.extractOne(quote, [text[a:b] for a, b in spans], scorer=fuzz.ratio,
                              score_cutoff=FUZZY_MIN)
    if best is not None:
        start, end = spans[best[2]]
        return placement(text, start, end, "fuzzy")
    found = fuzz.partial_ratio_alignment(quote, text, score_cutoff=FUZZY_MIN)
    if found is None:
        return None
    start, end = found.dest_start, found.dest_end
    # Widen to whole words so the stored quote reads as the text does.
    while start > 0 and not text[start - 1].isspace() and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return placement(text, start, end, "fuzzy")
