"""What part a name plays next to a figure: subject, oblique, reference point or asserter."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

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
# A name in a list of examples ("14 labs, including DeepSeek, MiniMax and Z.ai") is a member of
# what the figure counts, not its subject.
_EXAMPLES = re.compile(r"\b(?:including|such\s+as|like|e\.g\.,?)\s+(?:[^\s,;:()]+(?:\s+[^\s,;:()]+){0,3}"
                       r"(?:,\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+))*$", re.I)
_ACCORDING = re.compile(r"\baccording\s+to\s+(?:the\s+)?$", re.I)
_SAYS_AFTER = re.compile(
    r"^(?:['’]s\s+(?:[A-Z]{2,5}|[a-z]+)(?:\s+[A-Z][\w-]*){0,3})?\s*(?:,[^,]{0,40},\s*)?"
    r"(?:claimed|claims|said|says|estimated|estimates|reported|reports|told|tells|argued|argues|"
    r"believes|reckons|stated|states|announced|revealed|reveals|predicts|predicted|projects|"
    r"forecasts|expects|noted|notes|wrote|writes|insists|insisted|disclosed)\b"
)
_COMPOUND_AFTER = re.compile(r"^-(?:level|class|like|style|sized|grade|scale|based|era)\b", re.I)
_POSSESSIVE = re.compile(r"['’]s\s+")  # matched where a name ends
_CLAUSE_BREAK = re.compile(r"[;:—–]|\s-\s|,\s+(?:while|whereas|but|although|though|compared)\b"
                           r"|\bcompared\s+(?:to|with)\b", re.I)
_KIND_NOUNS = (r"the\s+(?:company|firm|lab|platform|model|startup|group|project|chip|system|robot|"
               r"repository|technique|method)\b")
# Words that point back to an earlier subject ("it takes six months" points nowhere).
ANAPHORS = re.compile(
    r"\b(?:it(?!\s+(?:takes|took|will\s+take|would\s+take)\b)|its|they|their|them)\b|\b"
    + _KIND_NOUNS + r"|^(?:This|These|That)\b", re.I)
# "introduced it in V2", "download it, run it": "it" as an object, after a verb and before no verb.
_OBJECT_IT = re.compile(
    r"\b(?!(?:and|but|or|that|because|if|when|so|as|while|since|though|although|where|which|"
    r"whether|then|yet)\b)[a-z]+\s+it\b(?!['’]|\s+(?:is|was|has|had|will|would|can|could|may|might|"
    r"does|did|takes|took|seems|remains|became|becomes)\b)")
# "the model", "the company": a definite description points back more surely than a pronoun.
DEFINITE = re.compile(r"\b" + _KIND_NOUNS, re.I)


class Role(NamedTuple):
    """What the words around a name make of it; a name is weighed once per figure near it, and
    these are the same each time."""

    oblique: bool  # "hosted on GitHub"
    reference: bool  # "cheaper than Claude"
    example: bool  # "labs such as DeepSeek"
    asserter: bool  # "according to Reuters", "DeepSeek said"
    compound: bool  # "GPT-4-level": the name describes something else


@lru_cache(maxsize=4096)
def role_at(sentence: str, start: int, end: int) -> Role:
    """The role of the name at sentence[start:end]."""
    before, after = sentence[:start], sentence[end:]
    return Role(is_oblique(before), is_reference(before), is_example(before),
                is_asserter(before, after), _COMPOUND_AFTER.match(after) is not None)


def has_object_it(sentence: str) -> bool:
    return " it" in sentence and _OBJECT_IT.search(sentence) is not None


def is_oblique(before: str) -> bool:
    return _OBLIQUE.search(before[-40:]) is not None


def is_reference(before: str) -> bool:
    return _REFERENCE.search(before[-40:]) is not None


def is_example(before: str) -> bool:
    return _EXAMPLES.search(before[-160:]) is not None


def is_asserter(before: str, after: str) -> bool:
    return _ACCORDING.search(before[-30:]) is not None or _SAYS_AFTER.match(after[:80]) is not None


def possessive_of(sentence: str, name_end: int, figure_start: int) -> bool:
    """"Claude Opus 4.6's 11x": the name ending at name_end owns the figure a couple of words on."""
    m = _POSSESSIVE.match(sentence, name_end)
    if not m:
        return False
    gap = sentence[m.end():figure_start]
    return len(gap.split()) <= 3 and not _CLAUSE_BREAK.search(gap)


def clause_breaks(between: str) -> int:
    return len(_CLAUSE_BREAK.findall(between))
