"""Whom a figure is about: the names in its sentence, scored, with the discourse as fallback."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kb.nlp import roles
from kb.nlp.discourse import Discourse
from kb.nlp.entities import EntityIndex, Mention, content_word

MIN_SCORE = 0.0  # below this no name in the sentence is a believable subject
_FOR_AFTER = re.compile(r"^\s*(?:[\w-]+\s+)?(?:for|in)\s+(?:the\s+)?$", re.I)  # "$5.5 million for V3"
_SPENT_ON = re.compile(r"^\s*on\s+(?:the\s+)?$", re.I)  # "spent over $100 million on GPT-4"
_CHANGE_IN = re.compile(  # "a billion-fold increase in inference demand"
    r"^\s*(?:increase|growth|rise|jump|drop|decline|fall|reduction|cut|expansion)\s+(?:in|of)\s+"
    r"(?:the\s+)?$", re.I)
NATION_AFTER = re.compile(r"^\s*(?:in|for|across|among|from)\s+(?:the\s+)?(?:[a-z]+\s+)?$", re.I)
_NATION_LEAD = re.compile(r"^\s*(?:in|across)\s+(?:the\s+)?$", re.I)
_PAREN_BEFORE = re.compile(r"^\s*\(\s*$")
_AS_AS = re.compile(r"\bas\s+(?:\w+\s+)?as\s+$")  # "as capable as GPT-4"
# A duration said as an adjective modifies the name right after it: "a three-year compute
# handicap", "a week-long visit", "a 2-3 year gap".
_MODIFIER = re.compile(r"^(?!(?:an?|one)\s)\S.*[-\s](?:year|month|week|day|hour|long)$", re.I)


@dataclass(slots=True)
class Choice:
    entity_id: int
    score: float
    how: str
    references: list[Mention] = field(default_factory=list)
    relative_to: int | None = None


@dataclass(slots=True)
class Placed:
    """The figure being placed: its span in the sentence and what kind of quantity it is."""

    start: int
    end: int
    unit: str
    label: str
    kinds: set[str]
    others: list[tuple[int, int]]
    platform_words: set[str]
    event: str = ""
    text: str = ""
    ranked_kind: str = ""  # "the second-most-downloaded model" ranks a model


def sentence_subject(sentence: str, offset: int, mentions: list[Mention],
                     index: EntityIndex) -> Mention | None:
    """The sentence's main subject: its first name that is no oblique, asserter or example."""
    for m in mentions:
        if m.how in ("nation", "topic") or m.entity_id is None:
            continue  # a topic read from scattered words is too loose to hold the sentence
        role = roles.role_at(sentence, m.start - offset, m.end - offset)
        if role.oblique or role.asserter or role.compound or role.example:
            continue
        possessed = _possessed(sentence, offset, m, mentions, index)
        return possessed or m
    return None


def _possessed(sentence: str, offset: int, m: Mention, mentions: list[Mention],
               index: EntityIndex) -> Mention | None:
    """"Xiaomi’s MiMo V2-Pro model": the sentence is about the model the lab owns."""
    after = sentence[m.end - offset:]
    if not after.startswith(("'s ", "’s ")):
        return None
    for other in mentions:
        if other.start - m.end == 3 and other.entity_id is not None and \
                index.entities[other.entity_id].parent_id == m.entity_id:
            return other
    return None


def _nation_usable(sentence: str, s: int, e: int) -> bool:
    """A nation stands for its sector as "In the US, ..." or "China's ..." (not "a US president")."""
    before, after = sentence[:s], sentence[e:]
    if _NATION_LEAD.match(before) and after.lstrip().startswith(","):
        return True
    return after.startswith(("'s", "’s"))


def choose_subject(sentence: str, offset: int, fig: Placed, *, mentions: list[Mention],
                   main: Mention | None, discourse: Discourse) -> Choice | None:
    """Score each name in the sentence as the figure's subject (`main`, the sentence's own
    subject, a little higher); fall back on the discourse."""
    best: Choice | None = None
    references = []
    plain: set[int] = set()  # topics that may be the subject however far from the figure
    for m in mentions:
        s, e = m.start - offset, m.end - offset
        if s < fig.end and fig.start < e and not _encloses(sentence, m, s, e, fig):
            continue
        if m.how == "nation" and not (e > fig.end or _nation_usable(sentence, s, e)):
            continue
        entity_id = discourse.nation_topic(m)
        role = roles.role_at(sentence, s, e)
        if entity_id is None or role.asserter or role.compound:
            continue
        entity = discourse.index.entities[entity_id]
        if fig.event and e > fig.start:
            continue  # "Founded in 2023 by ... Microsoft researchers": the founder is no subject
        if s < fig.start and fig.end < e:
            score, how = 8.0, "within"  # "a visit to 14 labs in China": the count is the visit's
        elif e <= fig.start:
            score, how = _score_before(sentence, s, e, fig, role)
        else:
            score, how = _score_after(sentence, m, s, e, fig, role)
        if how == "reference":
            references.append(m)
        if m.how == "nation":
            score -= 3
        elif m.how == "topic":
            score -= 0.5
        if main is not None and m is main:
            score += 1.5
        if fig.kinds and entity.kind in fig.kinds:
            score += 2
        if fig.ranked_kind:
            score += 2 if entity.kind == fig.ranked_kind else -6
        if entity.kind != "topic" and not fig.platform_words.isdisjoint(_name_words(entity.name)):
            score -= 8  # "GitHub" in "over 15,000 GitHub stars" measures, it is not measured
        if how in ("before", "after") and entity.kind == "topic" and m.how != "nation" and \
                not role.example and \
                not roles.clause_breaks(sentence[min(e, fig.end):max(s, fig.start)]):
            plain.add(entity_id)
        if best is None or score > best.score:
            best = Choice(entity_id, score, how)
    best = _maybe_context(sentence, fig, best, discourse)
    if (best is None or best.score < MIN_SCORE) and len(plain) == 1:
        # "We spent a week in China, visiting AI labs": the one topic named is what it is about
        return Choice(plain.pop(), MIN_SCORE, "only name")
    if best is None or best.score < MIN_SCORE:
        opener = _opening_subject(sentence, offset, fig, mentions, discourse)
        if opener is not None:
            return Choice(opener, MIN_SCORE, "opener")
    if best is not None and best.score < MIN_SCORE:
        return None
    if best is not None:
        best.references = [m for m in references if discourse.nation_topic(m) != best.entity_id]
    return best


def _opening_subject(sentence: str, offset: int, fig: Placed, mentions: list[Mention],
                     discourse: Discourse) -> int | None:
    """"By contrast, China's compute stack ... was serving hundreds of millions of consumers":
    the name the sentence opens on holds it, however far the figure is."""
    if not mentions:
        return None
    m = mentions[0]
    s, e = m.start - offset, m.end - offset
    if e > fig.start:
        return None
    role = roles.role_at(sentence, s, e)
    if role.oblique or role.reference or role.asserter or role.example or role.compound:
        return None
    if m.how == "nation" and not _nation_usable(sentence, s, e):
        return None
    return discourse.nation_topic(m)


@lru_cache(maxsize=10_000)
def _name_words(name: str) -> frozenset[str]:
    return frozenset(name.lower().split())


def _encloses(sentence: str, m: Mention, s: int, e: int, fig: Placed) -> bool:
    """A topic read loosely around the figure, headed by a word of its own ("a visit to 14 labs
    in Beijing"); one that opens on a place ("Shanghai, to meet 14 labs") only says where."""
    if m.how != "topic" or not (s < fig.start and fig.end < e):
        return False
    return not content_word(sentence[s:e].split(None, 1)[0].rstrip(",")).startswith("@")


def _score_before(sentence, s, e, fig: Placed, role: roles.Role) -> tuple[float, str]:
    between = sentence[e:fig.start]
    words = len(between.split())
    if roles.possessive_of(sentence, e, fig.start):
        return 20.0, "possessor"
    if _PAREN_BEFORE.match(between):
        return 18.0, "parenthesis"
    if fig.event and fig.event in between.lower().replace(",", " ").split()[:3]:
        return 17.0, "event"  # "DeepSeek-V3 landed in late December 2024"
    score, how = 10.0 - 0.35 * words, "before"
    if role.reference:
        score, how = score - 8, "reference"
    elif role.example:
        score -= 4
    elif role.oblique:
        score -= 4 if words > 2 else 1.5  # "with DeepSeek charging $0.43"
    score -= 4 * roles.clause_breaks(between)
    score -= 1.5 * sum(1 for a, b in fig.others if a >= e and b <= fig.start)
    return score, how


def _score_after(sentence, m, s, e, fig: Placed, role: roles.Role) -> tuple[float, str]:
    between = sentence[fig.end:s]
    words = len(between.split())
    if not between.strip() and _MODIFIER.match(fig.text):
        return 16.0, "modifier"
    if m.how == "nation":
        if NATION_AFTER.match(between):
            return 7.0, "nation after"
        return -10.0, "after"
    if _CHANGE_IN.match(between) or (_FOR_AFTER.match(between) and fig.unit != "x") or (
            _SPENT_ON.match(between) and fig.unit in ("USD", "CNY", "EUR")):
        return 16.0, "for"
    score, how = 5.0 - 0.6 * words, "after"
    if role.reference or _AS_AS.search(sentence[max(0, s - 30):s]):
        score, how = score - 8, "reference"
    elif role.example:
        score -= 8  # "techniques like distillation", "14 labs, including DeepSeek": examples
    elif role.oblique:
        score -= 3
    score -= 4 * roles.clause_breaks(between)
    # A name followed by a figure of its own belongs to that one ("..., and MiniMax ... 70%").
    if any(a >= e and not roles.clause_breaks(sentence[e:a]) for a, _ in fig.others):
        score -= 4
    return score, how


def _maybe_context(sentence: str, fig: Placed, best: Choice | None, discourse: Discourse) -> Choice | None:
    """A pronoun ("it", "the company") with no strong name nearby points back a sentence or two."""
    context = discourse.context_subject(fig.kinds)
    if context is None:
        return best
    if best is not None and best.score >= 4.0:
        context_kind = discourse.index.entities[context].kind
        best_kind = discourse.index.entities[best.entity_id].kind
        if not (fig.kinds and context_kind in fig.kinds and best_kind not in fig.kinds and best.score < 8):
            return best  # a name near the figure holds, pronoun or not
    return Choice(context, 3.0, "context") if roles.ANAPHORS.search(sentence) else best
