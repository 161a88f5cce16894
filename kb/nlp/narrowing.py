"""Narrowing a chosen subject: a lab to the model it stands for, a sector to what the figure
measures, and a comparison to its dearer side."""

from __future__ import annotations

import re

from kb.nlp.discourse import RECENT_CHILD_REACH, SPECIALIZING_KINDS, THE_MODEL, Discourse
from kb.nlp.entities import EntityIndex, Mention, content_word
from kb.nlp.places import SECTOR_WORDS
from kb.nlp.subjects import Choice, Placed

MEASURE = "+measure"  # how a nation's topic narrowed to what the figure measures is marked
RECENT_CHILD_UNITS = ("x", "USD/Mtok", "CNY/Mtok")  # prices and ratios are a model's, not a lab's
_MORE_NAMES = re.compile(r"^\s*(?:and|or|,)\s+[A-Z]")
_LESS = {"cheaper", "lower", "less", "smaller", "fewer", "slower", "less costly", "less expensive"}
_DATED_CHILD = re.compile(r"^\s*(?:in|on)\s+$", re.I)  # "launched V3 in December 2024"
_CLAUSE_END = re.compile(r"[,;:.()–—]|\s-\s")
_WORDS = re.compile(r"[\w'’]+")
_MEASURE_WORDS = {"amount", "number", "share", "scale", "volume", "stock", "quantity", "supply"}
_PHRASE_ENDS = {"of", "per", "in", "on", "at", "by", "for", "from", "to", "with", "as", "than",
                "that", "which", "who", "and", "or", "but", "more", "less", "much", "many"}
_COUNTED_AS = {"gpu": "comput", "chip": "comput", "accelerator": "comput"}  # chips are compute
_THAN_AFTER = re.compile(r"^\s*(?:[a-z]+\s+){0,2}?than\s+(?:the\s+)?$", re.I)


def specialize(choice: Choice, sentence: str, offset: int, mentions: list[Mention],
               discourse: Discourse, fig: Placed) -> Choice:
    """A lab that stands for its model ("DeepSeek charges $0.43" after "DeepSeek V4 Pro"), and a
    nation's topic that stands for what the figure measures."""
    index = discourse.index
    entity = index.entities[choice.entity_id]
    if entity.kind == "topic":
        return _national_measure(choice, sentence, index, fig)
    if entity.kind == "lab" and fig.event:
        return _dated_child(choice, sentence, offset, mentions, index, fig)
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
    whole_text = THE_MODEL.search(sentence) is not None
    if not whole_text and fig.unit not in RECENT_CHILD_UNITS:
        return choice
    child = discourse.recent_child(entity.id, reach=None if whole_text else RECENT_CHILD_REACH)
    if child is not None:
        return Choice(child, choice.score, choice.how + "+recent model", choice.references)
    return choice


def _national_measure(choice: Choice, sentence: str, index: EntityIndex, fig: Placed) -> Choice:
    """"The US AI sector had triple the amount of deployable compute", "Chinese companies
    stockpiled 100,000 GPUs": the figure measures something of the nation's (its compute) that
    is a topic of its own, when the knowledge base holds one."""
    nation = _nation_of(index, choice.entity_id)
    head = _measured_noun(sentence[fig.end:fig.end + 60])
    if nation is None or head is None or head in index.topic_words.get(choice.entity_id, ()):
        return choice  # "a visit to 14 labs": the topic's own noun, counted
    for (topic_nation, rest), topic in index.nation_topics.items():
        own = set(rest) - {"ai"} - SECTOR_WORDS
        if topic_nation == nation and own == {head} and topic != choice.entity_id:
            return Choice(topic, choice.score, choice.how + MEASURE, choice.references)
    return choice


def _nation_of(index: EntityIndex, topic_id: int) -> str | None:
    """The nation a topic is about: the one whose sector it is, or the one its name says."""
    for nation, sector in index.sector_topic.items():
        if sector == topic_id:
            return nation
    nations = [w[1:] for w in index.topic_words.get(topic_id, ()) if w.startswith("@")]
    return nations[0] if len(nations) == 1 else None


def _measured_noun(after: str) -> str | None:
    """The noun a figure counts or measures: the last of the few words after it, before a
    preposition ("five frontier labs dominate ..." -> lab; "4x as much intelligence" -> none),
    read past "the amount of"; chips count as compute."""
    words = _WORDS.findall(_CLAUSE_END.split(after, 1)[0])
    taken: list[str] = []
    for word in words:
        lower = word.lower()
        if lower == "of" and taken and taken[-1] in _MEASURE_WORDS:
            taken = []
            continue
        if lower in _PHRASE_ENDS or len(taken) == 3:
            break
        if lower not in ("the", "a", "an"):
            taken.append(lower)
    if not taken or taken[-1] in _MEASURE_WORDS:
        return None
    head = content_word(taken[-1])
    return _COUNTED_AS.get(head, head)


def _dated_child(choice: Choice, sentence: str, offset: int, mentions: list[Mention],
                 index: EntityIndex, fig: Placed) -> Choice:
    """"DeepSeek launched V3 in December 2024": the date is the release of the model named."""
    children = set(index.children.get(choice.entity_id, ()))
    for m in mentions:
        if m.entity_id in children and m.end - offset <= fig.start and \
                _DATED_CHILD.match(sentence[m.end - offset:fig.start]):
            return Choice(m.entity_id, choice.score, choice.how + "+model", choice.references)
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
