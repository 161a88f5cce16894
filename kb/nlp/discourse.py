"""What a text has been talking about: each sentence's subject, and the names seen so far."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.nlp import roles
from kb.nlp.entities import EntityIndex, Mention

CONTEXT_REACH = 3  # sentences back that a pronoun may reach for its antecedent
RECENT_CHILD_REACH = 6  # sentences back that "DeepSeek" may still mean the model just named
SPECIALIZING_KINDS = ("model", "product")
THE_MODEL = re.compile(r"\bthe\s+model\b", re.I)


@dataclass
class Discourse:
    """What the text has been talking about: the section's subjects and named children."""

    index: EntityIndex
    sentence_no: int = 0
    subjects: list[tuple[int, int]] = field(default_factory=list)  # (sentence_no, entity_id)
    last_seen: dict[int, int] = field(default_factory=dict)  # entity_id -> sentence_no
    last_naming: int = -1  # the last sentence that named anything

    def new_section(self) -> None:
        """A heading: pronouns after it do not reach back past it."""
        self.subjects.clear()

    def observe(self, mentions: list[Mention], main: int | None, sentence: str = "") -> None:
        """Note what a sentence named and what it was about; "DeepSeek introduced it in V2" is
        about DeepSeek but keeps "it", the subject before, as what the text goes on about."""
        if mentions:
            self.last_naming = self.sentence_no
        for m in mentions:
            if m.entity_id is not None:
                self.last_seen[m.entity_id] = self.sentence_no
        kept = self.context_subject()  # before this sentence's own subject joins the list
        if main is not None:
            self.subjects.append((self.sentence_no, main))
        if kept is not None and kept != main and roles.has_object_it(sentence):
            self.subjects.append((self.sentence_no, kept))
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

    def previous_subject(self) -> int | None:
        """The last sentence's subject, reaching back over sentences that named nobody."""
        if not self.subjects:
            return None
        sentence_no, entity_id = self.subjects[-1]
        if sentence_no < self.last_naming or self.sentence_no - sentence_no > CONTEXT_REACH:
            return None
        return entity_id

    def referent(self, sentence: str) -> int | None:
        """What a sentence naming nobody points back to ("Within weeks, the model was running"):
        the last subject, or the lab's latest model when it says "the model"."""
        entity_id = self.context_subject()
        if entity_id is None or not roles.DEFINITE.search(sentence):
            return None
        if self.index.entities[entity_id].kind == "lab" and THE_MODEL.search(sentence):
            return self.recent_child(entity_id, reach=RECENT_CHILD_REACH) or entity_id
        return entity_id

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
