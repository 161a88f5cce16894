"""Capitalised names the matcher did not know: near misses of aliases, and candidate new entities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.nlp.entities import EntityIndex, Mention
from kb.nlp.pipeline import Tokens
from kb.nlp.places import NATION_WORDS

# Capitalised words that open sentences or name things that are not entities.
PLAIN = {
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "they", "their", "we", "our",
    "i", "you", "he", "she", "in", "on", "at", "by", "for", "from", "with", "and", "but", "or",
    "if", "while", "when", "as", "so", "yet", "despite", "unlike", "like", "even", "also", "only",
    "some", "many", "most", "every", "each", "all", "both", "one", "two", "three", "first",
    "second", "third", "fourth", "finally", "today", "however", "meanwhile", "data", "key",
    "takeaway", "prediction", "summary", "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "ai", "ceo", "cto", "cfo", "api",
    "gpu", "gpus", "cpu", "llm", "llms", "q1", "q2", "q3", "q4", "fy", "no", "yes", "what", "why",
    "how", "who", "where", "there", "here", "then", "than", "not", "more", "less", "big", "new",
}
_MIXED = re.compile(r"(?=.*[A-Za-z])(?=.*[0-9])")
_QUANTITY = re.compile(r"^[~$¥€]?[0-9][0-9.,/]*(?:x|st|nd|rd|th|k|m|b|bn|gb|tb|mb|%)?$", re.I)
ORG_WORDS = {"ai", "labs", "lab", "inc", "technologies", "technology", "robotics", "cloud", "group",
             "research", "systems", "dynamics", "computing", "intelligence", "semiconductor",
             "corp", "corporation", "ltd", "holdings", "ventures", "capital", "foundation"}
_CAMEL = re.compile(r"^[A-Z]?[a-z]+[A-Z][A-Za-z]*$")
JOINERS = {"-", ".", "/"}


@dataclass(frozen=True)
class NewName:
    """A name the knowledge base lacks, seen near a figure, with a guess at its kind."""

    text: str
    start: int
    end: int
    kind: str


@lru_cache(maxsize=100_000)
def _name_like(text: str) -> bool:
    if not text or not (text[0].isupper() or _MIXED.match(text)):
        return False
    return text.lower() not in PLAIN


def name_runs(tokens: Tokens, first: int, last: int) -> list[tuple[int, int]]:
    """Token ranges of consecutive name-like words (joined by hyphens or dots) in [first, last)."""
    texts, starts = tokens.texts, tokens.starts
    names = tokens.words_where(_name_like)
    if names.isdisjoint(texts[first:last]):
        return []
    runs, i = [], first
    while i < last:
        if texts[i] not in names:
            i += 1
            continue
        j = i + 1
        while j < last:
            t = texts[j]
            if t in JOINERS and j + 1 < last and starts[j] == starts[j - 1] + len(texts[j - 1]) \
                    and texts[j + 1] in names:  # a joiner glued to the word before it
                j += 2
            elif t in names:
                j += 1
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def scan_names(tokens: Tokens, first: int, last: int, index: EntityIndex,
               taken: list[Mention]) -> tuple[list[Mention], list[NewName]]:
    """Near-miss mentions of known entities, and conservative proposals for unknown ones."""
    covered = {t for m in taken for t in range(m.tok_start, m.tok_end)}
    near, new = [], []
    for a, b in name_runs(tokens, first, last):
        if any(t in covered for t in range(a, b)):
            continue
        start, end = tokens.starts[a], tokens.end(b - 1)
        text = tokens.text[start:end].rstrip(".")
        end = start + len(text)
        entity_id = index.near_miss(text)
        if entity_id is not None:
            near.append(Mention(start, end, a, b, entity_id, "fuzzy"))
            continue
        kind = _guess_kind(text, b - a, sentence_initial=a == first)
        if kind:
            new.append(NewName(text, start, end, kind))
    return near, new


@lru_cache(maxsize=20_000)  # names recur through an article
def _guess_kind(text: str, tokens: int, *, sentence_initial: bool) -> str:
    """model for names with version digits, lab for CamelCase or multi-word names; else nothing."""
    words = text.split()
    if any(w.lower() in NATION_WORDS for w in words) or any(_QUANTITY.match(w) for w in words):
        return ""
    if _MIXED.match(text) and (not text.isupper() or "-" in text) and not text.replace("-", "").isdigit():
        return "model"
    if any(_CAMEL.match(w) for w in words):
        return "lab"
    # Two capitalised words are more often a person than a lab: ask for an organisation word.
    if tokens >= 2 and not sentence_initial and words[-1].lower() in ORG_WORDS:
        return "lab"
    return ""
