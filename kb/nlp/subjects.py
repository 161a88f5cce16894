"""Whom a figure is about: the names in its sentence, scored, with the discourse as fallback."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.nlp import roles
from kb.nlp.entities import EntityIndex, Mention

MIN_SCORE = 0.0  # below this no name in the sentence is a believable subject
CONTEXT_REACH = 3  # sentences back that a pronoun may reach for its antecedent
RECENT_CHILD_REACH = 6  # sentences back that "DeepSeek" may still mean the model just named
SPECIALIZING_KINDS = ("model", "product")
RECENT_CHILD_UNITS = ("x", "USD/Mtok", "CNY/Mtok")  # prices and ratios are a model's, not a lab's
_FOR_AFTER = re.compile(r"^\s*(?:[\w-]+\s+)?(?:for|in)\s+(?:the\s+)?$", re.I)  # "$5.5 million for V3"
_SPENT_ON = re.compile(r"^\s*on\s+(?:the\s+)?$", re.I)  # "spent over $100 million on GPT-4"
_CHANGE_IN = re.compile(  # "a billion-fold increase in inference demand"
    r"^\s*(?:increase|growth|rise|jump|drop|decline|fall|reduction|cut|expansion)\s+(?:in|of)\s+"
    r"(?:the\s+)?$", re.I)
NATION_AFTER = re.compile(r"^\s*(?:in|for|across|among|from)\s+(?:the\s+)?(?:[a-z]+\s+)?$", re.I)
_NATION_LEAD = re.compile(r"^\s*(?:in|across)\s+(?:the\s+)?$", re.I)
_PAREN_BEFORE = re.compile(r"^\s*\(\s*$")
_COMPOUND_AFTER = re.compile(r"^-(?:level|class|like|style|sized|grade|scale|based|era)\b", re.I)
_EXAMPLE_BEFORE = re.compile(r"\b(?:like|such\s+as|e\.g\.,?)\s+$", re.I)
_MORE_NAMES = re.compile(r"^\s*(?:and|or|,)\s+[A-Z]")
_LESS = {"cheaper", "lower", "less", "smaller", "fewer", "slower", "less costly", "less expensive"}
_THAN_AFTER = re.compile(r"^\s*(?:[a-z]+\s+){0,2}?than\s+(?:the\s+)?$", re.I)


@dataclass
class Discourse:
    """What the text has been talking about: the section's subjects and named children."""

    index: EntityIndex
    sentence_no: int = 0
    subjects: list[tuple[int, int]] = field(default_factory=list)  # (sentence_no, entity_id)
    last_seen: dict[int, int] = field(default_factory=dict)  # entity_id -> sentence_no

    def new_section(self) -> None:
        """A heading: pronouns after it do not reach back past it."""
        self.subjects.clear()

    def observe(self, mentions: list[Mention], main: int | None) -> None:
        for m in mentions:
            if m.entity_id is not None:
                self.last_seen[m.entity_id] = self.sentence_no
        if main is not None:
            self.subjects.append((self.sentence_no, main))
        self.sentence_no += 1

    def context_subject(self, kinds: set[str] | None = None) -> int | None:
        """The last sentence's subject, or the last one of a wanted kind, within reach."""
        for sentence_no, entity_id in reversed(self.subjects):
            if self.sentence_no - sentence_no > CONTEXT_REACH:
                break
            if not kinds or self.index.entities[entity_id].kind in kinds:
                return entity_id
        if kinds:
            return self.context_subject()
        return None

    def fallback_subject(self) -> int | None:
        """For a [VERIFY] item that names nobody: the section's last subject, else the most named."""
        if self.subjects:
            return self.subjects[-1][1]
        if self.last_seen:
            return max(self.last_seen, key=self.last_seen.get)
        return None

    def recent_child(self, parent_id: int, *, reach: int | None) -> int | None:
        """The last-named model or product of a lab (within `reach` sentences, or anywhere)."""
        best = None
        for child in self.index.children.get(parent_id, ()):
            if self.index.entities[child].kind not in SPECIALIZING_KINDS:
                continue
            seen = self.last_seen.get(child)
            if seen is None or (reach is not None and self.sentence_no - seen > reach):
                continue
            if best is None or seen > best[1]:
                best = (child, seen)
        return best[0] if best else None

    def nation_topic(self, m: Mention) -> int | None:
        if m.entity_id is not None:
            return m.entity_id
        return self.index.sector_topic.get(m.nation)


@dataclass
class Choice:
    entity_id: int
    score: float
    how: str
    references: list[Mention] = field(default_factory=list)
    relative_to: int | None = None


@dataclass
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


def sentence_subject(sentence: str, offset: int, mentions: list[Mention],
                     index: EntityIndex) -> Mention | None:
    """The sentence's main subject: its first name that is no oblique, yardstick or asserter."""
    for m in mentions:
        if m.how == "nation" or m.entity_id is None:
            continue
        before, after = sentence[:m.start - offset], sentence[m.end - offset:]
        if roles.is_oblique(before) or roles.is_asserter(before, after) or _COMPOUND_AFTER.match(after):
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
                   discourse: Discourse) -> Choice | None:
    """Score each name in the sentence as the figure's subject; fall back on the discourse."""
    best: Choice | None = None
    references = []
    first_free = sentence_subject(sentence, offset, mentions, discourse.index)
    for m in mentions:
        s, e = m.start - offset, m.end - offset
        if s < fig.end and fig.start < e:
            continue
        before, after = sentence[:s], sentence[e:]
        if m.how == "nation" and not (e > fig.end or _nation_usable(sentence, s, e)):
            continue
        entity_id = discourse.nation_topic(m)
        if entity_id is None or roles.is_asserter(before, after) or _COMPOUND_AFTER.match(after):
            continue
        entity = discourse.index.entities[entity_id]
        if fig.event and e > fig.start:
            continue  # "Founded in 2023 by ... Microsoft researchers": the founder is no subject
        if e <= fig.start:
            score, how = _score_before(sentence, m, s, e, fig, before, after)
        else:
            score, how = _score_after(sentence, m, s, e, fig, before)
        if how == "reference":
            references.append(m)
        if m.how == "nation":
            score -= 3
        elif m.how == "topic":
            score -= 0.5
        if first_free is not None and m is first_free:
            score += 1.5
        if fig.kinds and entity.kind in fig.kinds:
            score += 2
        if entity.kind != "topic" and fig.platform_words & set(entity.name.lower().split()):
            score -= 8  # "GitHub" in "over 15,000 GitHub stars" measures, it is not measured
        if best is None or score > best.score:
            best = Choice(entity_id, score, how)
    best = _maybe_context(sentence, fig, best, discourse)
    if best is not None and best.score < MIN_SCORE:
        return None
    if best is not None:
        best.references = [m for m in references if discourse.nation_topic(m) != best.entity_id]
    return best


def _score_before(sentence, m, s, e, fig: Placed, before, after) -> tuple[float, str]:
    between = sentence[e:fig.start]
    words = len(between.split())
    if roles.possessive_of(after, fig.start - e):
        return 20.0, "possessor"
    if _PAREN_BEFORE.match(between):
        return 18.0, "parenthesis"
    if fig.event and fig.event in between.lower().replace(",", " ").split()[:3]:
        return 17.0, "event"  # "DeepSeek-V3 landed in late December 2024"
    score, how = 10.0 - 0.35 * words, "before"
    if roles.is_reference(before):
        score, how = score - 8, "reference"
    elif roles.is_oblique(before):
        score -= 4 if words > 2 else 1.5  # "with DeepSeek charging $0.43"
    score -= 4 * roles.clause_breaks(between)
    score -= 1.5 * sum(1 for a, b in fig.others if a >= e and b <= fig.start)
    return score, how


def _score_after(sentence, m, s, e, fig: Placed, before) -> tuple[float, str]:
    between = sentence[fig.end:s]
    words = len(between.split())
    if m.how == "nation":
        if NATION_AFTER.match(between):
            return 7.0, "nation after"
        return -10.0, "after"
    if _CHANGE_IN.match(between) or (_FOR_AFTER.match(between) and fig.unit != "x") or (
            _SPENT_ON.match(between) and fig.unit in ("USD", "CNY", "EUR")):
        return 16.0, "for"
    score, how = 5.0 - 0.6 * words, "after"
    if roles.is_reference(before) or re.search(r"\bas\s+(?:\w+\s+)?as\s+$", before[-30:]):
        score, how = score - 8, "reference"
    elif roles.is_oblique(before) or _EXAMPLE_BEFORE.search(before[-20:]):
        score -= 3 if roles.is_oblique(before) else 4  # "techniques like distillation": an example
    score -= 4 * roles.clause_breaks(between)
    # A name followed by a figure of its own belongs to that one ("..., and MiniMax ... 70%").
    if any(a >= e and not roles.clause_breaks(sentence[e:a]) for a, _ in fig.others):
        score -= 4
    return score, how


def _maybe_context(sentence: str, fig: Placed, best: Choice | None, discourse: Discourse) -> Choice | None:
    """A pronoun ("it", "the company") with no strong name nearby points back a sentence or two."""
    context = discourse.context_subject(fig.kinds)
    if context is None or not roles.ANAPHORS.search(sentence):
        return best
    if best is None or best.score < 4.0:
        return Choice(context, 3.0, "context")
    context_kind = discourse.index.entities[context].kind
    best_kind = discourse.index.entities[best.entity_id].kind
    if fig.kinds and context_kind in fig.kinds and best_kind not in fig.kinds and best.score < 8:
        return Choice(context, 3.0, "context")
    return best


def specialize(choice: Choice, sentence: str, offset: int, mentions: list[Mention],
               discourse: Discourse, fig: Placed) -> Choice:
    """A lab that stands for its model: "DeepSeek charges $0.43" after "DeepSeek V4 Pro"."""
    index = discourse.index
    entity = index.entities[choice.entity_id]
    if entity.kind != "lab" or fig.unit in ("date", "USD", "CNY", "EUR", "W"):
        return choice  # a lab raises, spends and is founded: sums and dates stay its own
    children = set(index.children.get(entity.id, ()))
    if fig.unit == "count":
        counted = [m for m in mentions if m.entity_id in children and 0 <= m.start - offset - fig.end <= 2]
        if len(counted) == 1 and not _MORE_NAMES.match(sentence[counted[0].end - offset:]):
            # "Huawei plans to ship 750,000 Ascend 950PR chips": the count is of the chip
            return Choice(counted[0].entity_id, choice.score, choice.how + "+counted", choice.references)
    if fig.unit == "count":
        return choice  # a lab ships and employs: other counts stay its own
    same_sentence = [m for m in mentions if m.entity_id in children
                     and index.entities[m.entity_id].kind in SPECIALIZING_KINDS]
    if same_sentence:
        nearest = min(same_sentence, key=lambda m: abs(m.start - offset - fig.start))
        return Choice(nearest.entity_id, choice.score, choice.how + "+model", choice.references)
    whole_text = re.search(r"\bthe\s+model\b", sentence, re.I) is not None
    if not whole_text and fig.unit not in RECENT_CHILD_UNITS:
        return choice
    child = discourse.recent_child(entity.id, reach=None if whole_text else RECENT_CHILD_REACH)
    if child is not None:
        return Choice(child, choice.score, choice.how + "+recent model", choice.references)
    return choice


def flip_comparison(choice: Choice, sentence: str, fig: Placed, mentions: list[Mention],
                    offset: int, discourse: Discourse) -> Choice:
    """"A is 3x cheaper than B" is stated as B at 3x A: the dearer side carries the ratio."""
    if fig.unit != "x" or fig.label not in _LESS:
        return choice
    for m in mentions:
        s = m.start - offset
        if s >= fig.end and m.entity_id is not None and _THAN_AFTER.match(sentence[fig.end:s]):
            return Choice(m.entity_id, choice.score, "flipped", [], relative_to=choice.entity_id)
    return choice
