"""Qualifiers read from the words around a figure: period, who asserts it, and scope."""

from __future__ import annotations

import re
from functools import lru_cache

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_MONTH_RE = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_PERIOD = re.compile(
    r"(?:\b(?:in|during|for|by|through|throughout|since|as\s+of|of|until|from)\s+"
    r"(?:(?:the\s+)?(?:end|start|beginning|middle|first\s+half|second\s+half)\s+of\s+)?"
    r"|\()"
    r"(?:(?P<month>" + _MONTH_RE + r")\s+)?(?P<q>Q[1-4]\s+)?(?P<year>(?:19|20)[0-9]{2})\b(?![-/.,]?[0-9])",
    re.I,
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_QUARTER = re.compile(r"\b(?:in|during|for|by|of)\s+the\s+(?P<n>first|second|third|fourth)\s+quarter\s+of\s+"
                      r"(?P<year>(?:19|20)[0-9]{2})\b", re.I)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
# "last year", "this quarter": read against the year the source was published in.
_RELATIVE = re.compile(r"\b(?P<which>last|this|next|past)\s+year\b", re.I)
_OFFSET = {"last": -1, "past": -1, "this": 0, "next": 1}
_ACCORDING = re.compile(
    r"\baccording\s+to\s+(?:the\s+)?(?P<who>[^,;.()—–]{2,80}?)(?=\s*(?:[,;.()—–]|\band\b|$))", re.I)
_SAYER = re.compile(
    r"(?P<who>(?:[A-Z][\w.&'’-]*\s+){0,3}[A-Z][\w.&'’-]*)\s+(?:has\s+|have\s+)?"
    r"(?:claimed|claims|said|says|estimated|estimates|reported|reports|told|tells|argued|argues|"
    r"believes|reckons|stated|states|announced|revealed|reveals|predicts|predicted|projects|"
    r"forecasts|wrote|writes|insists|insisted|disclosed)\b")
# Stems of _SAYER's verbs (and "according"), for a quick test before the long patterns run.
_SAYING = re.compile("accord|claim|said|says|estimat|report|told|tell|argu|believ|reckon|state|"
                     "announc|reveal|predict|project|forecast|wrote|write|insist|disclos")
_PRONOUNS = {"we", "i", "they", "it", "he", "she", "you", "this", "that", "some", "many", "others"}
_TABLE_NOTES = {"est": "estimate", "est.": "estimate", "estimated": "estimate", "target": "target",
                "projected": "projection", "forecast": "projection", "expected": "projection",
                "planned": "planned", "rumored": "rumoured", "rumoured": "rumoured"}
_PAREN_NOTE = re.compile(r"\((?P<note>[A-Za-z][A-Za-z .]{0,20})\)")


def period_near(sentence: str, start: int, end: int, year: int | None = None) -> str:
    """The year (or quarter, or month) the figure is for: the nearest dated phrase, preferring one
    after it; "last year" and "this year" count from `year`, the source's, when it is known."""
    for m in _QUARTER.finditer(sentence):
        if m.start() >= end and not re.search(r"[;—–]", sentence[end:m.start()]) and m.start() - end < 120:
            return f"{m.group('year')}-Q{_ORDINALS[m.group('n').lower()]}"
    best = _dated(sentence, start, end)
    if best or year is None:
        return best
    for m in _RELATIVE.finditer(sentence):
        if abs(m.start() - end) < 120 and not re.search(r"[;—–]", sentence[min(end, m.start()):max(end, m.start())]):
            return str(year + _OFFSET[m.group("which").lower()])
    return ""


def _dated(sentence: str, start: int, end: int) -> str:
    best, best_distance = "", None
    if not _YEAR.search(sentence):
        return best  # no year, no period: the long pattern need not run
    for m in _PERIOD.finditer(sentence):
        if m.start() < end and start < m.end():
            continue
        if m.start() >= end:
            gap = sentence[end:m.start()]
            distance = len(gap)
        else:
            gap = sentence[m.end():start]
            distance = len(gap) + 10  # a date after the figure binds tighter than one before
        if re.search(r"[;—–]", gap) or distance > 120:
            continue
        if best_distance is None or distance < best_distance:
            best, best_distance = _format_period(m), distance
    return best


def _format_period(m: re.Match) -> str:
    year = m.group("year")
    if m.group("q"):
        return f"{year}-{m.group('q').strip().upper()}"
    if m.group("month"):
        prefix = m.group("month").lower()[:3]
        for i, name in enumerate(_MONTHS, 1):
            if name.startswith(prefix):
                return f"{year}-{i:02d}"
    return year


def asserted_by(sentence: str, start: int, end: int) -> str:
    """Who the sentence says asserts the figure: "according to X" or "X claimed ..."."""
    best, best_distance = "", None
    if not _may_say(sentence):
        return best  # neither pattern can match: spare them the scan
    for m in _ACCORDING.finditer(sentence):
        gap = sentence[end:m.start()] if m.start() >= end else sentence[m.end():start]
        if re.search(r"[;—–]", gap) or len(gap) > 100:
            continue
        distance = len(gap) if m.start() >= end else len(gap) + 20
        if best_distance is None or distance < best_distance:
            best, best_distance = m.group("who").strip(), distance
    if best:
        return best
    for m in _SAYER.finditer(sentence[:start]):
        who = m.group("who").strip()
        words = who.split()
        while words and words[0].lower() in _PRONOUNS:
            words.pop(0)
        if words and not re.search(r"[;—–]", sentence[m.end():start]):
            best = " ".join(words)
    return best


@lru_cache(maxsize=1024)  # asked once per figure, and a sentence may hold several
def _may_say(sentence: str) -> bool:
    return _SAYING.search(sentence.lower()) is not None


def table_note(cell: str) -> str:
    """A note in a table cell or header ("$200,000+ (est.)", "(target)") as a scope."""
    notes = []
    for m in _PAREN_NOTE.finditer(cell):
        note = m.group("note").strip().lower()
        notes.append(_TABLE_NOTES.get(note, _TABLE_NOTES.get(note.rstrip("."), "")))
    return ", ".join(n for n in notes if n)
