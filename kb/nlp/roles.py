"""What part a name plays next to a figure: subject, oblique, reference point or asserter."""

from __future__ import annotations

import re

# A name right after these is seldom what the figure is about ("hosted on GitHub").
_OBLIQUE = re.compile(
    r"\b(?:in|on|at|from|with|by|into|across|through|including|via|among|under|to|of|for|inside|"
    r"within|behind|unlike|beyond|between|toward|towards|onto|after|before|since|during|as|"
    r"former)\s+(?:(?:the|a|an|its|their|his|her|our)\s+)?$"
    r"|\b(?:despite|notwithstanding)\s+(?:(?:the|a|an|its|their)\s+)?(?:[\w-]+\s+){0,2}$",
    re.I,
)
# A name after these is the yardstick of a comparison ("cheaper than Claude", "1/35th of GPT-4o").
_REFERENCE = re.compile(
    r"\b(?:than|vs\.?|versus|compared\s+(?:to|with)|comparable\s+to|similar\s+to|relative\s+to|"
    r"against|over|behind|equivalent|par\s+with|match(?:es|ing)?|of|instead\s+of|rather\s+than)"
    r"\s+(?:(?:the|a|an)\s+)?$",
    re.I,
)
_ACCORDING = re.compile(r"\baccording\s+to\s+(?:the\s+)?$", re.I)
_SAYS_AFTER = re.compile(
    r"^(?:['’]s\s+(?:[A-Z]{2,5}|[a-z]+)(?:\s+[A-Z][\w-]*){0,3})?\s*(?:,[^,]{0,40},\s*)?"
    r"(?:claimed|claims|said|says|estimated|estimates|reported|reports|told|tells|argued|argues|"
    r"believes|reckons|stated|states|announced|revealed|reveals|predicts|predicted|projects|"
    r"forecasts|expects|noted|notes|wrote|writes|insists|insisted|disclosed)\b"
)
_POSSESSIVE = re.compile(r"^['’]s\s+")
_CLAUSE_BREAK = re.compile(r"[;:—–]|\s-\s|,\s+(?:while|whereas|but|although|though|compared)\b"
                           r"|\bcompared\s+(?:to|with)\b", re.I)
# Words that point back to an earlier subject ("it takes six months" points nowhere).
ANAPHORS = re.compile(
    r"\b(?:it(?!\s+(?:takes|took|will\s+take|would\s+take)\b)|its|they|their|them|"
    r"the\s+(?:company|firm|lab|platform|model|startup|group|project|chip|system|robot|repository|"
    r"technique|method))\b|^(?:This|These|That)\b", re.I)


def is_oblique(before: str) -> bool:
    return _OBLIQUE.search(before[-40:]) is not None


def is_reference(before: str) -> bool:
    return _REFERENCE.search(before[-40:]) is not None


def is_asserter(before: str, after: str) -> bool:
    return _ACCORDING.search(before[-30:]) is not None or _SAYS_AFTER.match(after[:80]) is not None


def possessive_of(after: str, figure_offset: int) -> bool:
    """"Claude Opus 4.6's 11x": the name owns the figure a couple of words on."""
    m = _POSSESSIVE.match(after)
    if not m:
        return False
    gap = after[m.end():figure_offset]
    return len(gap.split()) <= 3 and not _CLAUSE_BREAK.search(gap)


def clause_breaks(between: str) -> int:
    return len(_CLAUSE_BREAK.findall(between))
