"""Quantities said in words the figure parser leaves alone: "a week", "third-largest", "founded in
2023" (a year governed by an event verb)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import NamedTuple

from kb.figures import Bound, Figure, parse_figure

EVENT_VERBS = (r"founded|established|incorporated|launched|released|unveiled|introduced|debuted|"
               r"landed|announced|published|shipped|opened|started|began|initiated|imposed|enacted|"
               r"signed|acquired|listed")
_EVENT_YEAR = re.compile(
    r"\b(?P<verb>" + EVENT_VERBS + r")"
    r"\s+in\s+(?P<year>(?:19|20)[0-9]{2})\b(?![-/.,]?[0-9])", re.I)
# "In 2019 the company released its first robot": the year opens the clause its verb is in.
_YEAR_EVENT = re.compile(
    r"(?:^|[.;]\s+)In\s+(?P<year>(?:19|20)[0-9]{2}),?\s+[^.;,]{0,40}?\b(?P<verb>" + EVENT_VERBS + r")\b")
_ORDINAL = re.compile(
    r"\b(?P<n>second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|[1-9][0-9]?(?:nd|rd|th))"
    r"[-\s](?:most[-\s])?(?:[a-z]+est|largest|biggest|most[-\s][a-z]+ed)\b", re.I)
_ORDINAL_WORDS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                  "eighth": 8, "ninth": 9, "tenth": 10}
# "a week", "nearly a decade", "within a month", "week-long": one unit said without a digit.
_ONE_UNIT = re.compile(
    r"\b(?:(?P<lead>within|nearly|almost|about|around|roughly|over|under|for|spent|in|took|takes|"
    r"lasted|than)\s+(?:an?|one)\s+(?P<unit>day|week|month|quarter|year|decade)(?P<so>\s+or\s+so)?"
    r"|(?P<unit2>day|week|month|year|decade)-long)\b",
    re.I,
)
# What every match of the pattern above holds; a quicker scan, so most sentences skip it.
_ONE_UNIT_HINT = re.compile(r"(?:an?|one)\s+(?:day|week|month|quarter|year|decade)|-long")
_APPROX_LEADS = {"nearly", "almost", "about", "around", "roughly"}


class Quantity(NamedTuple):
    """A figure found in a sentence, with offsets relative to the sentence."""

    start: int
    end: int
    figure: Figure
    event: str = ""  # for dates: the verb that makes the date a fact ("founded", "landed")


def wordy_quantities(sentence: str, lower: str, found: list[Quantity], *,
                     event_years: bool) -> list[Quantity]:
    """The quantities above that do not overlap what the parser `found` (years only when the
    sentence holds a digit and an event verb)."""
    extra: list[Quantity] = []
    if event_years:
        extra.extend(_event_years(sentence, found))
    if "est" in lower or "most" in lower:
        extra.extend(_ordinals(sentence, found))
    if _ONE_UNIT_HINT.search(lower):
        extra.extend(_single_units(sentence, found))
    return extra


def _event_years(sentence: str, found: list[Quantity]) -> list[Quantity]:
    """"Founded in 2023": a bare year is a fact when an event verb governs it."""
    extra = []
    for m in [*_EVENT_YEAR.finditer(sentence), *_YEAR_EVENT.finditer(sentence)]:
        start, end = m.start("year"), m.end("year")
        if any(q.start < end and start < q.end for q in found):
            continue
        figure = parse_figure(m.group("year"), unit_hint="date")
        if isinstance(figure, Figure):
            extra.append(Quantity(start, end, figure, m.group("verb").lower()))
    return sorted(extra, key=lambda q: q.start)


def _ordinals(sentence: str, found: list[Quantity]) -> list[Quantity]:
    """"third-largest", "second-most-downloaded": a rank."""
    extra = []
    for m in _ORDINAL.finditer(sentence):
        if any(q.start < m.end() and m.start() < q.end for q in found):
            continue
        word = m.group("n").lower()
        rank = _ORDINAL_WORDS.get(word) or int(re.sub(r"[a-z]", "", word))
        figure = parse_figure(str(rank), unit_hint="count")
        if isinstance(figure, Figure):
            extra.append(Quantity(m.start(), m.end(), replace(figure, text=m.group())))
    return extra


def _single_units(sentence: str, found: list[Quantity]) -> list[Quantity]:
    """"We spent a week", "within a month": one unit without a digit."""
    extra = []
    for m in _ONE_UNIT.finditer(sentence):
        lead = (m.group("lead") or "").lower()
        unit = m.group("unit") or m.group("unit2")
        start = m.start()
        if m.group("so") or lead and lead != "within" and lead not in _APPROX_LEADS:
            start = m.end("lead") + 1  # "spent a week": the figure is "a week"
        end = m.end()
        if any(q.start < end and start < q.end for q in found):
            continue
        base = parse_figure(f"1 {unit.lower()}")
        if not isinstance(base, Figure):
            continue
        if lead == "within" and not m.group("so"):
            figure = replace(base, low=0.0, bound=Bound.UPPER)
        elif lead in _APPROX_LEADS or m.group("so"):
            figure = replace(base, bound=Bound.APPROX)
        else:
            figure = base
        extra.append(Quantity(start, end, replace(figure, text=sentence[start:end])))
    return extra
