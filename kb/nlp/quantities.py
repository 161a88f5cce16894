"""Quantities in a sentence, as claims see them: the figure parser plus the words around it."""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from dataclasses import replace
from datetime import date
from functools import lru_cache

from kb.figures import Bound, Figure, find_quantities
from kb.nlp.pipeline import Sentence, Tokens
from kb.nlp.wordy import EVENT_VERBS, Quantity, wordy_quantities

__all__ = ["Quantity", "counting_sentences", "sentence_quantities"]

# Digits and number words (matched in lower case: a case-blind pattern is several times slower).
# Only at a word's start: digits glued to a word are a name or version, which _may_open refuses.
_NUMBERISH = re.compile(
    r"\b(?:[0-9]+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|trillion|quadrillion|dozens?|tens|hundreds|"
    r"thousands|millions|billions|half|third|quarter|tenth|double|triple|twice|\w+fold|"
    r"orders?\s+of\s+magnitude)")
# The same without "\w+fold", which tries every word: for the sentences that hold no "fold".
_NUMBERISH_UNFOLDED = re.compile(_NUMBERISH.pattern.replace(r"\w+fold|", ""))
# A year after a preposition or month ("in 2025", "may 2024", "(2024)") dates a figure: no parse
# is needed for it unless an event verb makes the date a fact ("founded in 2023").
_DATING_YEAR = re.compile(
    r"(?:\b(?:in|by|since|from|until|through|during|of|early|mid|late|end|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|"
    r"aug|sep|sept|oct|nov|dec)\.?\s+|\()(?P<year>(?:19|20)[0-9]{2})\b(?![-,.]?[0-9%$])")
_DIGIT = re.compile(r"[0-9]")
_BARE_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
# A year the parser reads as part of a date: after a month, or with a quarter or month number.
_DATED_YEAR = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(?:[0-9]{1,2}"
                         r"(?:st|nd|rd|th)?,?\s+)?(?:19|20)[0-9]{2}|(?:19|20)[0-9]{2}(?:\s+q[1-4]|-[0-9])"
                         r"|q[1-4]\s+(?:19|20)[0-9]{2}|[$¥€](?:19|20)[0-9]{2}")
_EVENT_ANYWHERE = re.compile(r"\b(?:" + EVENT_VERBS + r")\b")
_DATE_VERB = re.compile(r"\b(" + EVENT_VERBS + r")\b[^.;]{0,30}$", re.I)
# "In 2019 the company released ...": the event verb follows its date, in the same clause.
_VERB_AFTER = re.compile(r"^[^.;,]{0,30}?\b(" + EVENT_VERBS + r")\b", re.I)
# A duration that dates the figure next to it ("over the past six months", "five years ago")
# is a period, not a claim of its own.
_PERIOD_BEFORE = re.compile(r"(?:\b(?:over|in|during|for)\s+the\s+(?:past|last|previous|next)"
                            r"|\bin\s+(?:the\s+)?(?:past|last))\s*$", re.I)
_AGO_AFTER = re.compile(r"^\s*(?:ago|back|from now)\b", re.I)
_WITHIN_BEFORE = re.compile(r"\b(?:within|in\s+under|in\s+less\s+than|inside)\s*$", re.I)
_PART_OF_MONTH = re.compile(r"\b(early|mid|late)[-\s]+$", re.I)
_TOP_BEFORE = re.compile(r"\btop[-\s]+$", re.I)
_COUNTERFACTUAL = re.compile(r"\b(?:instead\s+of|rather\s+than|as\s+opposed\s+to)\s+"
                             r"(?:the\s+)?(?:usual\s+|typical\s+|normal\s+)?(?:[0-9]+\s+or\s+)?$", re.I)
_SPAN_GAP = re.compile(r"^\s*(?:in|over|within|during)\s+(?:the\s+)?(?:past\s+|last\s+|next\s+)?$",
                       re.I)
_COMPARE_GAP = re.compile(r"^\s*[,–—-]?\s*(?:compared\s+(?:to|with)|vs\.?|versus|against|"
                          r"and|to|than)\s+$", re.I)
_LIST_GAP = re.compile(r"^\s+[a-z-]+(?:\s+[a-z-]+)?\s+and\s+$")
_PREFIXED = re.compile(r"\b(?:over|under|more\s+than|less\s+than|at\s+least|up\s+to|about|"
                       r"around|nearly|almost|exceeding)\s+$", re.I)
# Characters around a number the parser sees: room for "more than", "between", "a couple of"
# before it and "per million input tokens a month" after it.
WINDOW_BEFORE, WINDOW_AFTER = 24, 48
LOOK_BEFORE = 80  # characters before a figure that its qualifying words can sit in

# Plural units ("within weeks") are left out: with no number before them they state nothing, and
# with one the number counts already; a singular one can ("a week", "week-long").
NUMBER_WORDS = frozenset("""
    two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty
    seventy eighty ninety hundred thousand million billion trillion quadrillion dozen dozens tens
    hundreds thousands millions billions half third thirds quarter quarters tenth double triple
    twice orders order day week month year decade second fourth fifth top
""".split())

_LONG = re.compile(r"-long\b")  # "hour-long": the tokenizer splits the hyphen off
_COUNTING = re.compile(r"[0-9]|\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
                       + r")\b|fold\b")


def counting_sentences(tokens: Tokens, sentences: list[Sentence]) -> set[int]:
    """Indexes of the sentences that hold a digit or number word: each distinct word is tested
    once, and the sentences holding a tested word found by set intersection."""
    counting = tokens.words_where(_counts)
    found = {n for n, s in enumerate(sentences)
             if not counting.isdisjoint(tokens.texts[s.first_token:s.last_token])}
    if "-long" in tokens.text.lower():
        starts = [s.start for s in sentences]
        for m in _LONG.finditer(tokens.text.lower()):
            found.add(bisect_right(starts, m.start()) - 1)
        found.discard(-1)
    return found


@lru_cache(maxsize=100_000)
def _counts(word: str) -> bool:
    return _COUNTING.search(word.lower()) is not None


def sentence_quantities(sentence: str) -> list[Quantity]:
    """Every quantity worth a claim: periods and bare calendar references are left out."""
    lower = sentence.lower()
    numberish = _NUMBERISH if "fold" in lower else _NUMBERISH_UNFOLDED
    numbers = [(m.start(), m.end()) for m in numberish.finditer(lower) if _may_open(lower, m)]
    digits = _DIGIT.search(lower) is not None
    events = digits and _EVENT_ANYWHERE.search(lower) is not None
    if digits and not events and ("19" in lower or "20" in lower):  # a year may date a figure
        dating = {m.start("year") for m in _DATING_YEAR.finditer(lower)}
        numbers = [(a, b) for a, b in numbers if a not in dating]
    out: list[Quantity] = []
    for start, end, figure in _find(sentence, numbers) if numbers else []:
        q = _qualified(sentence, start, end, figure)
        if q is not None:
            out.append(q)
    out.extend(wordy_quantities(sentence, lower, out, event_years=events))
    out.sort(key=lambda q: q.start)
    return _in_context(sentence, out) if out else out


def _may_open(lower: str, m: re.Match) -> bool:
    """Whether the parser could read a quantity here: digits glued to a word are a name or a
    version ("Everpeak-8", "GPT-4o", "Cost/1M"), and a bare year is a date, not an amount."""
    a, number = m.start(), m.group()
    if a and number[0].isdigit():
        before = lower[a - 1]
        if before.isalnum() or before in "_/#^'’" or (before in "-.," and a >= 2 and lower[a - 2].isalnum()):
            return False
    if len(number) == 4 and _BARE_YEAR.fullmatch(number) and \
            not _DATED_YEAR.search(lower, max(0, a - 12), m.end() + 4):
        return False
    return True


def _qualified(sentence: str, start: int, end: int, figure: Figure) -> Quantity | None:
    """The figure read with the words just before and after it, or None when it is no claim."""
    offset = max(0, start - LOOK_BEFORE)
    before, after = sentence[offset:start], sentence[end:end + 40]
    if figure.unit == "date":
        verb = _DATE_VERB.search(before[-60:]) or _VERB_AFTER.match(after)
        if verb is None:
            return None  # "in January 2025" says when, not what
        part = _PART_OF_MONTH.search(before)
        if part is not None:
            start = offset + part.start(1)
            figure = replace(_part_of_month(figure, part.group(1).lower()), text=sentence[start:end])
        return Quantity(start, end, figure, verb.group(1).lower())
    if figure.unit == "month" and (_PERIOD_BEFORE.search(before) or _AGO_AFTER.match(after)):
        return None
    if figure.unit == "count" and figure.low == figure.high and (top := _TOP_BEFORE.search(before)):
        start = offset + top.start()
        figure = replace(figure, low=1.0, bound=Bound.RANGE, text=sentence[start:end])
    if figure.unit == "month" and (within := _WITHIN_BEFORE.search(before)):
        start = offset + within.start()
        figure = replace(figure, low=0.0, bound=Bound.UPPER, text=sentence[start:end])
    return Quantity(start, end, figure)


def _find(sentence: str, numbers: list[tuple[int, int]]) -> list[tuple[int, int, Figure]]:
    """The figure parser over the stretches of a sentence that hold numbers (it reads character
    by character, so the words far from any number only cost time)."""
    windows: list[list[int]] = []
    for m_start, m_end in numbers:
        a, b = max(0, m_start - WINDOW_BEFORE), min(len(sentence), m_end + WINDOW_AFTER)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = b
        else:
            windows.append([a, b])
    found: list[tuple[int, int, Figure]] = []
    for a, b in windows:
        a = sentence.rfind(" ", 0, a) + 1 if a else 0  # whole words only
        space = sentence.find(" ", b)
        b = len(sentence) if space < 0 else space
        for start, end, figure in find_quantities(sentence[a:b], include_dates=True):
            if not found or a + start >= found[-1][1]:
                found.append((a + start, a + end, figure))
    return found


# Arithmetic: an operand of "6 * 37B * 14.8T = 3.3e24" is no claim, the result after "=" may be.
_OPERATOR_AFTER = re.compile(r"^\s*(?:[*×/+÷]|x\s*\d)")
_OPERATOR_BEFORE = re.compile(r"[*×/+÷]\s*$")
_RESULT_BEFORE = re.compile(r"(?:=|≈|~=)\s*~?\s*$")
_ENUMERATOR = re.compile(r"^\)\s")  # "1) exceptional ..., 2) outstanding ...": list numbering


_REFERENCE_BEFORE = re.compile(r"\b(?:Table|Tables|Figure|Figures|Fig|Section|Sections|Sec|Eq|Equation|"
                               r"Chapter|Appendix|Page|pp?|No|Step|Version|v)\.?\s*$", re.I)


_PRICE_YEAR = re.compile(r"^(?:19|20)\d\d\s+(?:USD|US\$|dollars|EUR|CNY|RMB)$")  # "2023 USD": a price level


def _operand(sentence: str, q: Quantity) -> bool:
    """An operand of arithmetic, list numbering, a reference ("Table 2") or the year a currency
    is counted in ("$5.39M 2023 USD"): no claim."""
    if _REFERENCE_BEFORE.search(sentence[max(0, q.start - 12):q.start]) or \
            _PRICE_YEAR.match(q.figure.text.strip()):
        return True
    before = sentence[max(0, q.start - 3):q.start]
    after = sentence[q.end:q.end + 4]
    if _RESULT_BEFORE.search(sentence[max(0, q.start - 4):q.start]):
        return False
    if _OPERATOR_AFTER.match(after) or _OPERATOR_BEFORE.search(before):
        return True
    return q.figure.unit == "count" and q.figure.low is not None and q.figure.low < 20 and \
        _ENUMERATOR.match(after) is not None


_NAMED_AFTER = re.compile(r"^\s+[A-Z0-9][\w-]*")  # "8× A100s", "4x V100 GPUs": so many of a thing


def _in_context(sentence: str, found: list[Quantity]) -> list[Quantity]:
    """Read each quantity against its neighbours: spans, alternatives, shared bounds and units."""
    out: list[Quantity] = []
    for q in found:
        if _operand(sentence, q):
            continue
        if q.figure.unit == "x" and q.figure.text.rstrip()[-1:] in "x×" and \
                _NAMED_AFTER.match(sentence[q.end:q.end + 30]):
            q = q._replace(figure=replace(q.figure, unit="count"))  # a count, not a multiple
        if _COUNTERFACTUAL.search(sentence[max(0, q.start - 40):q.start]):
            continue  # "4 bits instead of the usual 16 or 32"
        previous = out[-1] if out else None
        gap = sentence[previous.end:q.start] if previous else ""
        if previous and q.figure.unit == "month" and _SPAN_GAP.match(gap):
            continue  # "grown a million-fold in two years": the span of the figure before
        if previous and q.figure.unit == "count" and previous.figure.unit not in ("count", "date") \
                and _COMPARE_GAP.match(gap) and _same_scale(previous.figure, q.figure):
            # "~9 quadrillion tokens a month – compared to ~4 quadrillion": the same unit
            q = q._replace(figure=replace(q.figure, unit=previous.figure.unit))
        if previous and q.figure.bound is Bound.EXACT and previous.figure.bound in (
                Bound.LOWER, Bound.UPPER) and _LIST_GAP.match(gap) and \
                previous.figure.unit == q.figure.unit and \
                not _PREFIXED.search(sentence[max(0, q.start - 12):q.start]):
            # "over 10,000 models and 2,000 datasets": the bound covers both
            low, high = (q.figure.low, None) if previous.figure.bound is Bound.LOWER \
                else (0.0, q.figure.high)
            q = q._replace(figure=replace(q.figure, low=low, high=high, bound=previous.figure.bound))
        out.append(q)
    return out


def _same_scale(a: Figure, b: Figure) -> bool:
    if not a.low or not b.low:
        return False
    ratio = a.low / b.low
    return 0.01 <= ratio <= 100


def _part_of_month(figure: Figure, part: str) -> Figure:
    """"late December 2024": the last third of the month, as day numbers."""
    first = date.fromordinal(int(figure.low))
    last_day = calendar.monthrange(first.year, first.month)[1]
    days = {"early": (1, 10), "mid": (11, 20), "late": (21, last_day)}[part]
    low = date(first.year, first.month, days[0]).toordinal()
    high = date(first.year, first.month, days[1]).toordinal()
    return replace(figure, low=float(low), high=float(high), bound=Bound.RANGE)
