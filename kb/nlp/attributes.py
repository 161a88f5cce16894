"""Which attribute a figure measures: the words around it against the attribute vocabulary."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlmodel import Session, select

from kb.models import Attribute

# A figure's unit -> the attribute units it can fill.
UNIT_FITS = {
    "USD": ("USD",), "CNY": ("CNY", "USD"), "EUR": ("EUR", "USD"),
    "USD/Mtok": ("USD/Mtok",), "CNY/Mtok": ("CNY/Mtok", "USD/Mtok"),
    "%": ("%",), "x": ("x",), "count": ("count", "parameters", "tokens", "FLOP"), "month": ("month",), "date": ("date",),
    "parameters": ("parameters",), "tokens": ("tokens", "count"), "tokens/month": ("tokens/month",),
    "W": ("W",), "B": ("B",), "B/s": ("B/s",), "FLOP": ("FLOP",), "FLOP/s": ("FLOP/s",),
}
# Words that say the same as an attribute's own words in this domain.
SYNONYMS = {
    "cheap": ("price", "cost"), "cheaper": ("price", "cost"), "expensive": ("price", "cost"),
    "costly": ("price", "cost"), "charg": ("price",), "pric": ("price",), "cost": ("cost", "price"),
    "rais": ("fund",), "capital": ("fund",), "invest": ("investment", "fund"),
    "behind": ("lag",), "lag": ("lag",), "gap": ("gap", "lag"), "handicap": ("lag",),
    "engineer": ("headcount", "staff"), "employe": ("headcount", "staff"),
    "staff": ("headcount", "staff"), "researcher": ("headcount",),
    "ship": ("shipment",), "shipp": ("shipment",), "pull": ("download",), "download": ("download",),
    "star": ("star",), "gigawatt": ("capacity", "power"), "megawatt": ("capacity", "power"),
    "faster": ("speed",), "margin": ("margin",), "revenue": ("revenue",), "user": ("user",),
    "develop": ("developer",), "experiment": ("experiment",), "model": ("model",),
    "dataset": ("dataset",), "devic": ("devic",), "rank": ("rank",), "top": ("rank",),
    "score": ("score",), "accuracy": ("accuracy",), "compress": ("reduction",),
    "reduc": ("reduction",), "cut": ("cut", "reduction"), "drop": ("cut",), "lower": ("cut",),
    "grown": ("growth",), "grow": ("growth",), "growth": ("growth",), "expansion": ("growth",),
    "increas": ("growth",), "spend": ("cost",), "spent": ("cost",), "built": ("cost",),
    "train": ("train",), "inference": ("inference",), "token": ("token",), "memory": ("memory",),
    "context": ("context",), "battery": ("battery",), "hour": ("battery",),
    "release": ("release",), "launch": ("release",), "land": ("release",), "unveil": ("release",),
    "introduc": ("release",), "debut": ("release",),
    "found": ("found",), "establish": ("found",), "publish": ("publication",),
    "initiat": ("start",), "began": ("start",), "impos": ("start",), "enact": ("start",),
    "took effect": ("start",),
}
STOP = {
    "a", "an", "the", "of", "and", "or", "to", "in", "on", "for", "per", "by", "with", "at", "from",
    "its", "their", "as", "is", "are", "was", "be", "one", "how", "much", "many", "what", "which",
    "that", "this", "it", "e", "g", "eg", "says", "say", "scope", "when", "than", "other", "another",
    "relative", "reference", "divided", "number", "used", "us", "only", "such", "where",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’]s\b)?")  # "lab's" is one word, not "lab" and "s"
_DETERMINERS = {"a", "an", "the", "one", "each"}
KIND_WORDS = {"model": "model", "techniqu": "technique", "lab": "lab", "company": "lab",
              "compani": "lab", "organization": "lab", "platform": "product", "product": "product",
              "robot": "product", "chip": "chip", "gpu": "chip"}


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in ("ing", "ed", "es", "s", "e"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]  # "shipp" -> "ship"
    return w


@lru_cache(maxsize=50_000)
def _content_stem(word: str) -> str:
    return "" if word.lower() in STOP else stem(word)


def words_of(text: str) -> list[str]:
    return [s for s in map(_content_stem, _WORD.findall(text)) if s]


_STEMMED_SYNONYMS: dict[str, tuple[str, ...]] = {}


@lru_cache(maxsize=50_000)
def _with_synonyms(stem_: str) -> tuple[str, ...]:
    if not _STEMMED_SYNONYMS:
        for key, values in SYNONYMS.items():
            # Keys are written as stems ("increas", "charg") or words: either way, found.
            for form in {key, stem(key)}:
                _STEMMED_SYNONYMS[form] = tuple(stem(v) for v in values)
    return (stem_, *_STEMMED_SYNONYMS.get(stem_, ()))


def expand(stems: Iterable[str]) -> list[str]:
    """Stems plus the attribute words they stand for in this domain ("landed" -> "release")."""
    return [s for stem_ in stems for s in _with_synonyms(stem_)]


def _subject_kind(description: str) -> set[str]:
    """The kind of entity an attribute is about: one its description names singly, after the first
    word ("Cost of training a model" -> model, "Number of techniques that a model builds on" ->
    model); plurals ("Models hosted on ...", "High-end GPUs accumulated") are what is measured."""
    words = [w.lower() for w in _WORD.findall(description)]
    for i, word in enumerate(words):
        kind = KIND_WORDS.get(stem(word))
        if kind and i > 0 and _DETERMINERS & set(words[max(0, i - 3):i]):
            return {kind}
    return set()


def _add(cues: dict[str, float], words: Iterable[str], weight: float) -> None:
    for w in words:
        cues[w] = max(cues.get(w, 0.0), weight)


# Weights of the words before and after a figure by their distance from it (80 and 50
# characters hold fewer than 40 words).
_NEARNESS = [1.0 / (1 + 0.12 * distance) for distance in range(40)]
_NEARNESS_AFTER = [0.9 / (1 + 0.12 * distance) for distance in range(40)]


def cues_around(text: str, start: int, end: int, lo: int, hi: int, extra: str = "", *,
                counted: bool = False) -> dict[str, float]:
    """Weighted stems around a figure (`counted`: only those naming what a count counts).

    Words nearer the figure weigh more; the figure's own label ("input", "total") most."""
    cues: dict[str, float] = {}
    before = words_of(text[max(lo, start - 80):start])
    after_text = text[end:min(hi, end + 50)]
    after = words_of(after_text)
    if counted:
        _add(cues, expand(after[:4]), 1.5)
        _add(cues, expand(before[-2:]), 1.0)  # "will ship over 50,000": the verb counts too
        if not after_text.strip(" )") or after_text.lstrip(" )")[:1] in ",.;:–—-":
            # "a developer base exceeding 500,000.": the counted noun came before the figure
            _add(cues, expand(before[-4:]), 1.0)
    else:
        for w, weight in zip(reversed(before), _NEARNESS):
            for s in _with_synonyms(w):
                cues.setdefault(s, weight)  # weights fall with distance: the first is the largest
        for w, weight in zip(after, _NEARNESS_AFTER):
            for s in _with_synonyms(w):
                if cues.get(s, 0.0) < weight:
                    cues[s] = weight
    _add(cues, expand(words_of(extra)), 3.0)
    return cues


@dataclass(frozen=True)
class AttributeInfo:
    id: int | None  # None: a new attribute ingestion names from the text, not stored yet
    name: str
    dimension: str
    unit: str
    label: str
    description: str
    synonyms: tuple[str, ...] = ()
    proposed: bool = False


# Words a figure's unit already says: "$7.2 million for the training run" is a training *cost*
# though the sentence never says "cost", so these words are not asked of the text.
DIMENSION_WORDS = {
    "currency": {"cost", "price", "amount", "valu", "spend", "dollar", "usd", "money"},
    "price_rate": {"price", "cost", "token", "million", "per", "mtok"},
    "percent": {"percent", "share", "rate", "percentag", "proportion"},
    "count": {"number", "count", "quantity", "total"},
    "duration": {"time", "duration", "period", "length"},
    "ratio": {"ratio", "multiple", "time", "fold", "factor"},
    "parameters": {"parameter", "size", "count", "param"},
    "tokens": {"token", "size"},
    "flop": {"flop", "operation"},
    "date": {"date"},
}
@lru_cache(maxsize=32)
def _dimension_stems(dimension: str) -> frozenset[str]:
    return frozenset(stem(w) for w in DIMENSION_WORDS.get(dimension, ()))


FIT_MIN = 0.6  # the share of an attribute's own words the text must say for a figure to fill it
# A figure's unit -> the dimension and canonical unit of a new attribute named for it.
NEW_UNITS = {
    "USD": ("currency", "USD"), "CNY": ("currency", "USD"), "EUR": ("currency", "USD"),
    "USD/Mtok": ("price_rate", "USD/Mtok"), "CNY/Mtok": ("price_rate", "USD/Mtok"),
    "%": ("percent", "%"), "x": ("ratio", "x"), "count": ("count", "count"),
    "month": ("duration", "month"), "date": ("date", "date"), "parameters": ("parameters", "parameters"),
    "tokens": ("tokens", "tokens"), "tokens/month": ("token_rate", "tokens/month"),
    "W": ("power", "W"), "B": ("bytes", "B"), "B/s": ("byte_rate", "B/s"), "FLOP": ("flop", "FLOP"),
    "FLOP/s": ("flop_rate", "FLOP/s"),
}


def new_attribute(phrase: str, unit: str) -> AttributeInfo | None:
    """An attribute named from the text's own words ("API traffic growth"), marked new."""
    words = [w for w in re.findall(r"[\w][\w.+/-]*", phrase) if w.lower() not in STOP]
    if not words or unit not in NEW_UNITS:
        return None
    label = " ".join(words)[:120]
    label = label[0].upper() + label[1:]
    dimension, canonical = NEW_UNITS[unit]
    name = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:80]
    return AttributeInfo(None, name, dimension, canonical, label, "", (), proposed=True)


@dataclass
class AttributeCatalog:
    """The attribute vocabulary with weighted words, for matching text around a figure."""

    attributes: list[AttributeInfo]
    weights: dict[int, dict[str, float]] = field(default_factory=dict)
    kinds: dict[int, set[str]] = field(default_factory=dict)
    platform_words: dict[int, set[str]] = field(default_factory=dict)
    by_stem: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    by_id: dict[int, AttributeInfo] = field(default_factory=dict)
    by_name: dict[str, AttributeInfo] = field(default_factory=dict)
    by_unit: dict[str, dict[str, list[tuple[int, float]]]] = field(default_factory=dict)
    _phrase_cache: dict = field(default_factory=dict, repr=False)
    _fitting_cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, attributes: Iterable[AttributeInfo]) -> AttributeCatalog:
        catalog = cls(attributes=sorted(attributes, key=lambda a: a.name))
        docs: dict[int, dict[str, float]] = {}
        for a in catalog.attributes:
            weights: dict[str, float] = {}
            for s in expand(words_of(" ".join([a.name.replace("_", " "), a.label, *a.synonyms]))):
                weights[s] = max(weights.get(s, 0.0), 1.0)
            for s in expand(words_of(a.description)):
                weights[s] = max(weights.get(s, 0.0), 0.4)
            docs[a.id] = weights
            catalog.by_name[a.name] = a
            catalog.kinds[a.id] = _subject_kind(a.description)
            catalog.platform_words[a.id] = {w.lower() for w in _WORD.findall(a.label)
                                            if w.lower() not in STOP}
        total = max(len(docs), 1)
        df: dict[str, int] = {}
        for weights in docs.values():
            for s in weights:
                df[s] = df.get(s, 0) + 1
        for attribute_id, weights in docs.items():
            catalog.weights[attribute_id] = {
                s: w * math.log(1 + total / df[s]) for s, w in weights.items()}
            for stem_, weight in catalog.weights[attribute_id].items():
                catalog.by_stem.setdefault(stem_, []).append((attribute_id, weight))
        catalog.by_id = {a.id: a for a in catalog.attributes}
        return catalog

    @classmethod
    def from_session(cls, session: Session) -> AttributeCatalog:
        rows = session.exec(select(Attribute)).all()
        return cls.build(AttributeInfo(a.id, a.name, a.dimension, a.unit, a.label, a.description,
                                       tuple(a.synonyms or ()), a.status == "proposed")
                         for a in rows)

    def fit(self, unit: str | None, cues: dict[str, float]) -> tuple[AttributeInfo | None, float]:
        """The attribute whose own words (label or a synonym, less what the unit already says)
        the text says most fully, and that share: below FIT_MIN it does not fit."""
        best, best_key = None, (0.0, 0.0)
        scores: dict[int, float] | None = None
        for a in self.fitting(unit):
            cover = self.coverage(a, cues)
            if cover <= 0.0 or cover < best_key[0]:
                continue  # most attributes share no word with the text: no score is needed
            if scores is None:
                scores = self._scores(unit, cues)
            key = (cover, scores.get(a.id, 0.0))
            if key > best_key:
                best, best_key = a, key
        return best, best_key[0]

    def coverage(self, a: AttributeInfo, cues: dict[str, float]) -> float:
        best = 0.0
        for stems, weights, total, bare in self._phrases(a):
            if bare:  # "Price": the unit says it all; the text must still name it
                cover = 0.6 * max((min(1.0, cues.get(s, 0.0)) for s in stems), default=0.0)
            else:
                cover = sum(w * min(1.0, cues.get(s, 0.0)) for s, w in zip(stems, weights)) / total
            best = max(best, cover)
        return best

    def _phrases(self, a: AttributeInfo) -> list[tuple[tuple[str, ...], tuple[float, ...], float, bool]]:
        """Each of an attribute's phrases as stems with their weights, worked out once."""
        cached = self._phrase_cache.get(a.id if a.id is not None else a.name)
        if cached is None:
            said = _dimension_stems(a.dimension)
            cached = []
            for phrase in (a.label, *a.synonyms):
                all_stems = tuple(dict.fromkeys(words_of(phrase)))
                stems = tuple(s for s in all_stems if s not in said)
                bare = not stems
                stems = stems or all_stems
                weights = tuple(self._idf(s) for s in stems)
                cached.append((stems, weights, sum(weights) or 1.0, bare))
            self._phrase_cache[a.id if a.id is not None else a.name] = cached
        return cached

    def _idf(self, stem_: str) -> float:
        return math.log(1 + len(self.attributes) / max(1, len(self.by_stem.get(stem_, ()))))

    def _scores(self, unit: str | None, cues: dict[str, float]) -> dict[int, float]:
        by_stem = self._stems_fitting(unit)
        scores: dict[int, float] = {}
        for stem_, cue in cues.items():
            for attribute_id, weight in by_stem.get(stem_, ()):
                scores[attribute_id] = scores.get(attribute_id, 0.0) + cue * weight
        return scores

    def fitting(self, unit: str | None) -> list[AttributeInfo]:
        if unit is None:
            return list(self.attributes)
        found = self._fitting_cache.get(unit)
        if found is None:
            fits = UNIT_FITS.get(unit, (unit,))
            found = self._fitting_cache[unit] = [a for a in self.attributes if a.unit in fits]
        return found

    def choose(self, unit: str | None, cues: dict[str, float]) -> tuple[AttributeInfo | None, float]:
        """The best attribute for a figure in `unit` given weighted context stems, and its score."""
        by_stem = self._stems_fitting(unit)
        scores: dict[int, float] = {}
        for stem_, cue in cues.items():
            for attribute_id, weight in by_stem.get(stem_, ()):
                scores[attribute_id] = scores.get(attribute_id, 0.0) + cue * weight
        best, best_score = None, 0.0
        for attribute_id, score in scores.items():
            a = self.by_id[attribute_id]
            if score > best_score or score == best_score and best is not None and a.name < best.name:
                best, best_score = a, score
        return best, best_score

    def _stems_fitting(self, unit: str | None) -> dict[str, list[tuple[int, float]]]:
        """by_stem narrowed to the attributes a figure in `unit` can fill (built once per unit)."""
        if unit is None:
            return self.by_stem
        narrowed = self.by_unit.get(unit)
        if narrowed is None:
            fits = UNIT_FITS.get(unit, (unit,))
            narrowed = self.by_unit[unit] = {
                stem_: kept for stem_, entries in self.by_stem.items()
                if (kept := [(a, w) for a, w in entries if self.by_id[a].unit in fits])}
        return narrowed

    def fallback(self, unit: str | None) -> AttributeInfo | None:
        """The most general attribute for a unit, when no word around the figure names one."""
        fitting = self.fitting(unit)
        if not fitting:
            return None
        return min(fitting, key=lambda a: (len(a.label.split()), a.name))
