"""The spaCy pipeline: a blank English tokenizer and a rule-based sentencizer; loaded once.

spaCy is imported when a text is first split, not when kb is: the web pages import this module
(through the ingestion code) but only ingestion needs spaCy in memory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, NamedTuple

import numpy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Tokens that end in a full stop without ending a sentence (the tokenizer keeps some whole).
ABBREVIATIONS = {
    "u.s.", "u.k.", "e.u.", "u.n.", "e.g.", "i.e.", "etc.", "vs.", "v.", "est.", "approx.",
    "inc.", "ltd.", "co.", "corp.", "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "no.", "fig.",
    "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
    "al.", "cf.", "ca.", "c.",
}
OPENERS = {"[", "(", "“", "‘"}
# Longer "sentences" (a paragraph with no full stop, a pasted log) are read in pieces this long.
MAX_SENTENCE_CHARS = 1_000
ENDERS = {".", "!", "?", "。", "！", "？"}


def _initials(text: str) -> bool:
    """"J." or "U.S."-like letter-dot runs are abbreviations, not sentence ends."""
    return all(part.isalpha() and len(part) == 1 for part in text[:-1].split("."))


def sentence_starts(texts: list[str]) -> numpy.ndarray:
    """1 where a sentence starts, -1 elsewhere.

    spaCy's sentencizer rule (a sentence ends after . ! ? and the closing punctuation that
    follows them) plus kb's: a line break always ends one, a table row is one unit, lower case
    continues a sentence, and a full stop glued to a number ("$5.8M.") ends one unless the token
    is an abbreviation ("U.S.", "e.g.")."""
    marks = numpy.full(len(texts), -1, dtype="int64")
    # Most words are lower case inside a sentence and change nothing below: only the others,
    # and a word right after a line break or a full stop, are looked at.
    plain = {t for t in set(texts) if t[0].islower()}
    line_start, in_row, after_end = True, False, False
    for i in [i for i, t in enumerate(texts) if t not in plain or not i or texts[i - 1] not in plain]:
        text = texts[i]
        if not (line_start or after_end) and text in plain:
            continue
        if text.isspace():
            if "\n" in text:
                line_start, in_row = True, False
            continue
        if line_start:
            marks[i] = 1
            in_row, line_start = text.startswith("|"), False
        elif in_row:
            pass
        elif after_end:
            if text in OPENERS:
                marks[i] = 1  # "opaque. [VERIFY] Reports": the bracket opens the next sentence
            elif text in ENDERS or not any(c.isalnum() for c in text):
                continue  # '."' and ').': closing punctuation stays with its sentence
            elif not text[:1].islower():
                marks[i] = 1  # "(est.) and": lower case after a full stop continues
        elif text[:1].isupper():
            prev = texts[i - 1]
            if len(prev) > 1 and prev.endswith(".") and not prev.startswith(".") and \
                    prev.lower() not in ABBREVIATIONS and not _initials(prev):
                marks[i] = 1
        after_end = not in_row and text in ENDERS
    return marks


def _token_lists(doc: Doc) -> tuple[list[str], list[int]]:
    """Token texts and offsets from one array call (no Token objects made). Line breaks and
    runs of whitespace other than one space after a word are tokens of their own."""
    cached = doc.user_data.get("kb_tokens")
    if cached is None:
        from spacy.attrs import IDX, LENGTH
        starts, lengths = doc.to_array([IDX, LENGTH]).T.tolist() if len(doc) else ([], [])
        # doc.text would build a Token per word; split() hands the original text over instead.
        text = doc.user_data.get("kb_text") or doc.text
        texts = [text[a:a + n] for a, n in zip(starts, lengths)]
        cached = doc.user_data["kb_tokens"] = (texts, starts)
    return cached


def sentencizer(doc: Doc) -> Doc:
    """Mark sentence starts in one pass over token arrays (spaCy's own sentencizer builds a Token
    object per word, which costs as much again as tokenizing)."""
    from spacy.attrs import SENT_START
    texts, _ = _token_lists(doc)
    marks = sentence_starts(texts)
    if len(marks):
        marks[0] = 1
        doc.from_array([SENT_START], marks.astype("uint64").reshape(-1, 1))
    doc.user_data["kb_sentence_starts"] = marks  # read back by split() without another array call
    return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """A blank English pipeline with kb's rule-based sentencizer; built on first use, then shared."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory("kb_sentencizer"):
        Language.component("kb_sentencizer", func=sentencizer)
    nlp = spacy.blank("en")
    nlp.add_pipe("kb_sentencizer")
    nlp.max_length = 20_000_000
    return nlp


class Sentence(NamedTuple):
    """A sentence or table row: character offsets into the text and its token range."""

    start: int
    end: int
    first_token: int
    last_token: int  # exclusive
    table_row: bool


@dataclass
class Tokens:
    """The tokens of a text as plain lists, read from spaCy once (a Token object costs each time)."""

    text: str
    texts: list[str]
    starts: list[int]
    _where: dict[Callable[[str], bool], frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def distinct(self) -> set[str]:
        """The token texts, each once: what is true of a word is worked out once per text."""
        return set(self.texts)

    def words_where(self, test: Callable[[str], bool]) -> frozenset[str]:
        """The distinct token texts that pass `test`, worked out once per text (a sentence can
        then be tried against them as a set, at C speed, before its words are read one by one)."""
        found = self._where.get(test)
        if found is None:
            found = self._where[test] = frozenset(t for t in self.distinct if test(t))
        return found

    def end(self, i: int) -> int:
        return self.starts[i] + len(self.texts[i])


def split(text: str) -> tuple[Tokens, list[Sentence]]:
    """Tokenize text and cut it into sentences (a table row counts as one)."""
    nlp = get_nlp()
    doc = nlp.make_doc(text)
    doc.user_data["kb_text"] = text
    for _, component in nlp.pipeline:
        doc = component(doc)
    tokens = Tokens(text, *_token_lists(doc))
    texts, starts = tokens.texts, tokens.starts
    bounds = numpy.flatnonzero(doc.user_data["kb_sentence_starts"] == 1).tolist() + [len(texts)]
    sentences: list[Sentence] = []
    for first, stop in zip(bounds, bounds[1:]):
        last = stop - 1  # whitespace at either end of a sentence is no part of it
        while first <= last and texts[first].isspace():
            first += 1
        while last > first and texts[last].isspace():
            last -= 1
        if first <= last:
            start = starts[first]
            sentence = Sentence(start, starts[last] + len(texts[last]), first, last + 1,
                                text.startswith("|", start))
            if sentence.end - sentence.start > MAX_SENTENCE_CHARS:
                sentences.extend(_pieces(sentence, texts, starts))
            else:
                sentences.append(sentence)
    return tokens, sentences


def _pieces(sentence: Sentence, texts: list[str], starts: list[int]) -> list[Sentence]:
    """A run-on "sentence" cut into pieces of at most MAX_SENTENCE_CHARS, at the last clause
    mark (or else the last word) before the limit: everything after splitting is linear in the
    text, whatever its punctuation."""
    out: list[Sentence] = []
    first = sentence.first_token
    while first < sentence.last_token:
        limit = starts[first] + MAX_SENTENCE_CHARS
        last = first
        cut = None
        while last < sentence.last_token and starts[last] + len(texts[last]) <= limit:
            if texts[last] in (",", ";", ":", "—", "–"):
                cut = last
            last += 1
        if last == sentence.last_token:
            cut = last - 1
        elif cut is None or cut <= first:
            cut = max(first, last - 1)
        while cut > first and texts[cut].isspace():
            cut -= 1
        out.append(Sentence(starts[first], starts[cut] + len(texts[cut]), first, cut + 1,
                            sentence.table_row))
        first = cut + 1
        while first < sentence.last_token and texts[first].isspace():
            first += 1
    return out
