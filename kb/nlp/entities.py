"""Finding the knowledge base's entities in text: every alias, near misses, topics and nations."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from kb.models import Alias, Entity
from kb.names import normalize_name
from kb.nlp.attributes import stem
from kb.nlp.pipeline import Tokens
from kb.nlp.places import CITIES, NOUNS, SECTOR_WORDS, nation_of

JOINERS = {"-", "–", "/", "_", "."}
POSSESSIVES = ("'s", "’s")  # glue inside names: "DeepSeek-V2", "unitree_ros"
_GLUE = JOINERS.union(POSSESSIVES)
FUZZY_CUTOFF = 90
MAX_ALIAS_TOKENS = 8
TOPIC_SLACK = 5  # extra tokens a loosely named topic may spread over ("AI compute in China")
STOPWORDS = {
    "a", "an", "the", "of", "and", "or", "to", "in", "on", "for", "per", "by", "with", "at", "from",
    "its", "their", "as", "is", "are", "was", "be",
}
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class EntityInfo:
    id: int
    kind: str
    slug: str
    name: str
    parent_id: int | None = None

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.slug}"


class Mention(NamedTuple):
    """A stretch of text naming an entity (or a nation, whose sector topic may stand for it).
    A tuple: thousands are made per article, several times faster than a frozen dataclass."""

    start: int
    end: int
    tok_start: int
    tok_end: int  # exclusive
    entity_id: int | None
    how: str  # alias, fuzzy, topic, nation
    nation: str = ""


_QUALIFIED = re.compile(r"^(.+?)\s*\([^()]+\)$")


def _namelike(text: str) -> bool:
    """"ESM3", "PaLM", "GPT-2" read as names; "Dropout" or "Transformer" are words first."""
    return bool(_norm(text)) and (any(c.isdigit() for c in text) or sum(c.isupper() for c in text) >= 2)


@lru_cache(maxsize=100_000)
def _norm(text: str) -> str:
    return normalize_name(text)


@lru_cache(maxsize=100_000)
def content_word(word: str) -> str:
    """A word folded for topic matching: nation words to one key, others to their stem."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w, word = w[:-2], word[:-2]
    nation = nation_of(word) or (CITIES.get(w) if word[:1].isupper() else None)
    if nation:
        return "@" + nation
    return stem(w)


@lru_cache(maxsize=100_000)
def _topic_word(word: str) -> str:
    return content_word(word) if word[:1].isalnum() else ""


@dataclass
class EntityIndex:
    """Aliases of every entity, ready for matching; built once per ingest run."""

    entities: dict[int, EntityInfo]
    by_norm: dict[str, list[int]] = field(default_factory=dict)
    needs_capital: dict[str, bool] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)
    children: dict[int, list[int]] = field(default_factory=dict)
    topic_phrases: list[tuple[tuple[str, ...], int]] = field(default_factory=list)
    topics_by_word: dict[str, list[int]] = field(default_factory=dict)
    topics_by_rarest: dict[str, list[int]] = field(default_factory=dict)  # a phrase under one word
    sector_topic: dict[str, int] = field(default_factory=dict)
    nation_topics: dict[tuple[str, tuple[str, ...]], int] = field(default_factory=dict)
    topic_words: dict[int, tuple[str, ...]] = field(default_factory=dict)  # of each topic's name
    fuzzy_choices: list[str] = field(default_factory=list)
    near_misses: dict[str, int | None] = field(default_factory=dict)  # cache: names recur

    @classmethod
    def build(cls, entities: Iterable[EntityInfo], aliases: Iterable[tuple[int, str]]) -> EntityIndex:
        index = cls(entities={e.id: e for e in entities})
        names = [(e.id, e.name) for e in index.entities.values()]
        for entity_id, name in [*names, *aliases]:
            if entity_id in index.entities:
                index._add_alias(entity_id, name)
        # "ESM3 (98B)", "CTM (CIFAR-10)": a dataset's name qualified in brackets is also meant by
        # its bare name, where no other entity has that name.
        for entity_id, name in names:
            bare = _QUALIFIED.match(name)
            if bare and _namelike(bare.group(1)) and _norm(bare.group(1)) not in index.by_norm:
                index._add_alias(entity_id, bare.group(1))
        for e in index.entities.values():
            if e.kind == "topic":
                index.topic_words[e.id] = _content_words(e.name)
            if e.parent_id is not None:
                index.children.setdefault(e.parent_id, []).append(e.id)
        # A phrase matches only where its rarest word is; looking it up under that word alone
        # spares testing every phrase with "AI" in it wherever "AI" is.
        for p, (words, _) in enumerate(index.topic_phrases):
            rarest = min(set(words), key=lambda w: (len(index.topics_by_word[w]), w))
            index.topics_by_rarest.setdefault(rarest, []).append(p)
        index.fuzzy_choices = sorted(n for n in index.by_norm if len(n) >= 5)
        return index

    @classmethod
    def from_session(cls, session: Session) -> EntityIndex:
        rows = session.exec(select(Entity.id, Entity.kind, Entity.slug, Entity.name, Entity.parent_id)
                            .where(Entity.merged_into_id.is_(None))).all()
        aliases = session.exec(select(Alias.entity_id, Alias.name)).all()
        return cls.build([EntityInfo(*row) for row in rows], [tuple(a) for a in aliases])

    def _add_alias(self, entity_id: int, name: str) -> None:
        norm = _norm(name)
        if not norm:
            return
        ids = self.by_norm.setdefault(norm, [])
        if entity_id not in ids:
            ids.append(entity_id)
        entity = self.entities[entity_id]
        # A name spelled with capitals ("Meta", "Cursor") must not match the plain word; techniques
        # and topics are common nouns ("quantization", "export controls") and match in any case.
        capital = any(c.isupper() for c in name) and entity.kind not in ("technique", "topic")
        self.needs_capital[norm] = self.needs_capital.get(norm, True) and capital
        for i in range(1, len(norm) + 1):
            self.prefixes.add(norm[:i])
        words = _content_words(name)
        if entity.kind == "topic" and len(words) >= 2:
            phrase = (words, entity_id)
            if phrase not in self.topic_phrases:
                self.topic_phrases.append(phrase)
                for w in set(words):
                    self.topics_by_word.setdefault(w, []).append(len(self.topic_phrases) - 1)
            rest = tuple(w for w in words if not w.startswith("@"))
            for nation in {w[1:] for w in words if w.startswith("@")}:
                self.nation_topics.setdefault((nation, rest), entity_id)
                if set(rest) - {"ai"} <= SECTOR_WORDS and set(rest) & SECTOR_WORDS:
                    self.sector_topic.setdefault(nation, entity_id)

    def counterpart(self, topic_id: int, nation: str) -> int | None:
        """The same topic for another nation: "Chinese AI startups" -> "US AI startups"."""
        for (_nation, rest), entity_id in self.nation_topics.items():
            if entity_id == topic_id and (nation, rest) in self.nation_topics:
                return self.nation_topics[(nation, rest)]
        return None

    # --- matching ------------------------------------------------------------------------

    def mentions(self, tokens: Tokens) -> list[Mention]:
        """Every alias match in the text, longest first, plus nation names."""
        texts = tokens.texts
        norm_of = {t: _norm(t) for t in tokens.distinct}
        out: list[Mention] = []
        resume = 0
        for i in self._openings(texts, norm_of):
            if i < resume:
                continue
            found = self._match_at(i, texts, norm_of) if norm_of[texts[i]] in self.prefixes else None
            if found is not None:
                end_tok, ids = found
                start, entity_id = i, ids[0]
                if entity_id in self.topic_words:  # a topic: the words before may make it a nation's
                    national = self._national(entity_id, texts[i - 1]) if i else None
                    if national is not None:
                        if out and out[-1].tok_end == i and out[-1].how == "nation":
                            out.pop()
                        start, entity_id = i - 1, national
                    elif i >= 2 and texts[i - 1].lower() in ("from", "by", "of") and \
                            (made := self._made_in(entity_id, texts[i - 2])) is not None:
                        start, entity_id = i - 2, made
                out.append(Mention(tokens.starts[start], tokens.end(end_tok - 1), start, end_tok,
                                   entity_id, "alias"))
                resume = end_tok
            elif texts[i][:1].isupper() and (nation := self._nation_at(i, texts)):
                out.append(Mention(tokens.starts[i], tokens.end(i), i, i + 1, None, "nation", nation))
        return out

    def _national(self, entity_id: int, word: str) -> int | None:
        """"Chinese AI API pricing": a nation word before a topic that names none is that nation's
        topic, or failing one, the nation's sector."""
        nation = nation_of(word) if word[:1].isupper() else None
        rest = self.topic_words.get(entity_id)
        if nation is None or rest is None or any(w.startswith("@") for w in rest):
            return None
        return self.nation_topics.get((nation, rest)) or self.sector_topic.get(nation)

    def _made_in(self, entity_id: int, noun: str) -> int | None:
        """"Models from Chinese labs" are Chinese models, when that is a topic of its own."""
        words = self.topic_words.get(entity_id, ())
        nations = [w[1:] for w in words if w.startswith("@")]
        if len(nations) != 1:
            return None
        head = content_word(noun)
        return self.nation_topics.get((nations[0], (head,))) or \
            self.nation_topics.get((nations[0], ("ai", head)))

    def _openings(self, texts: list[str], norm_of: dict[str, str]) -> list[int]:
        """Where a mention may start: a word that is an alias or a nation's name, or one that
        begins an alias the next word (or glue) carries on. Most words that begin some alias
        ("a", "to") are ruled out here, in one comprehension over the text."""
        prefixes = self.prefixes
        whole = {t for t, norm in norm_of.items() if norm in self.by_norm}
        whole.update(t for t in norm_of if t[:1].isupper() and t.lower() in NOUNS)
        begins = {t: norm for t, norm in norm_of.items() if norm in prefixes and t not in whole}
        last = len(texts) - 1
        return [i for i, t in enumerate(texts) if t in whole or t in begins and i < last and (
            texts[i + 1] in _GLUE or (after := norm_of[texts[i + 1]]) and begins[t] + after in prefixes)]

    def _match_at(self, i: int, texts: list[str],
                  norm_of: dict[str, str]) -> tuple[int, list[int]] | None:
        acc = norm_of[texts[i]]
        if not acc or acc not in self.prefixes or texts[i] in POSSESSIVES:
            return None
        best: tuple[int, str] | None = None
        j, n, used = i, len(texts), 1
        while True:
            if acc in self.by_norm:
                best = (j + 1, acc)
            if used >= MAX_ALIAS_TOKENS:
                break
            k = j + 1
            while k < n and not norm_of[texts[k]] and texts[k] in JOINERS:
                k += 1  # glue inside a name: "DeepSeek-V2", "unitree_ros" (a line break is no glue)
            if k < n and texts[k] in POSSESSIVES and (acc + norm_of[texts[k]] not in self.prefixes) and \
                    k + 1 < n and norm_of[texts[k + 1]] and acc + norm_of[texts[k + 1]] in self.prefixes:
                k += 1  # a possessive inside a name: "DeepSeek R1’s 7B", "Claude’s Opus 4.6"
            if k >= n or not norm_of[texts[k]] or acc + norm_of[texts[k]] not in self.prefixes:
                break
            acc, j, used = acc + norm_of[texts[k]], k, used + 1
        if best is None:
            return None
        end_tok, norm = best
        if self.needs_capital.get(norm) and not any(
                c.isupper() for t in texts[i:end_tok] for c in t):
            return None
        return end_tok, self.by_norm[norm]

    @staticmethod
    def _nation_at(i: int, texts: list[str]) -> str | None:
        word = texts[i]
        if word.lower() in NOUNS:  # the caller checked the capital: nation names have one
            return nation_of(word)
        return None

    def near_miss(self, text: str) -> int | None:
        """An entity whose alias is within a typo of text ("Deepseek V2", "Anthropics")."""
        norm = _norm(text)
        if len(norm) < 5 or not self.fuzzy_choices:
            return None
        if norm not in self.near_misses:
            if len(self.near_misses) > 50_000:
                self.near_misses.clear()
            self.near_misses[norm] = _fuzzy_lookup(self, norm)
        return self.near_misses[norm]

    def topic_mentions(self, tokens: Tokens, first: int, last: int,
                       named: list[Mention]) -> list[Mention]:
        """Topics named loosely: all their words within a short window ("AI compute in China"),
        none of them inside another name (a nation's aside)."""
        window = tokens.texts[first:last]
        if tokens.words_where(self._is_rarest_word).isdisjoint(window):
            return []  # no topic's rarest word: no topic (the usual case, found at C speed)
        taken = {t for m in named if m.how != "nation" for t in range(m.tok_start, m.tok_end)}
        positions: dict[str, list[int]] = {}
        by_word = self.topics_by_word
        # Only the words of some topic's name are looked up below.
        for i, folded in enumerate(map(_topic_word, window), first):
            if folded in by_word and i not in taken:
                positions.setdefault(folded, []).append(i)
        candidates = {p for w in positions for p in self.topics_by_rarest.get(w, ())}
        out = []
        for p in sorted(candidates):
            words, entity_id = self.topic_phrases[p]
            if not all(w in positions for w in words):
                continue
            span = _tightest(words, positions)
            if span and span[1] - span[0] <= len(words) + TOPIC_SLACK:
                a, b = span
                out.append((self._specificity(words), Mention(
                    tokens.starts[a], tokens.end(b), a, b + 1, entity_id, "topic")))
        # Of two topics read from the same words, the one naming rarer words is meant: "visiting
        # AI labs in China" is the visit, not the labs ("AI" is in most topics' names).
        return [m for score, m in out if not any(
            other > score and o.tok_start < m.tok_end and m.tok_start < o.tok_end for other, o in out)]

    def _is_rarest_word(self, word: str) -> bool:
        return _topic_word(word) in self.topics_by_rarest

    def _specificity(self, words: tuple[str, ...]) -> float:
        total = len(self.topic_phrases)
        return sum(math.log(total / len(self.topics_by_word[w])) for w in set(words))


def _content_words(name: str) -> tuple[str, ...]:
    return tuple(content_word(w) for w in re.findall(r"[\w.'’]+", name) if w.lower() not in STOPWORDS)


def _tightest(words: tuple[str, ...], positions: dict[str, list[int]]) -> tuple[int, int] | None:
    """The smallest token window holding every word (tried from each place the first word is)."""
    best = None
    for anchor in positions[words[0]]:
        lo = hi = anchor
        for w in words[1:]:
            nearest = min(positions[w], key=lambda p: abs(p - anchor))
            lo, hi = min(lo, nearest), max(hi, nearest)
        if best is None or hi - lo < best[1] - best[0]:
            best = (lo, hi)
    return best


def _fuzzy_lookup(index: EntityIndex, norm: str) -> int | None:
    match = process.extractOne(norm, index.fuzzy_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if match is None:
        return None
    choice = match[0]
    # "Kimi K2.6" is not a typo of "Kimi K2.5": version digits must agree exactly.
    if _DIGITS.findall(choice) != _DIGITS.findall(norm):
        return None
    return index.by_norm[choice][0]
