"""The spaCy pipeline: a blank English tokenizer and a rule-based sentencizer; loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import IDX, LENGTH, SENT_START, SPACY
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
ENDERS = {".", "!", "?", "。", "！", "？"}


def _initials(text: str) -> bool:
    """"J." or "U.S."-like letter-dot runs are abbreviations, not sentence ends."""
    return all(part.isalpha() and len(part) == 1 for part in text[:-1].split("."))


def sentence_starts(texts: list[str], spaces: list[str]) -> numpy.ndarray:
    """1 where a sentence starts, -1 elsewhere.

    spaCy's sentencizer rule (a sentence ends after . ! ? and the closing punctuation that
    follows them) plus kb's: a line break always ends one, a table row is one unit, lower case
    continues a sentence, and a full stop glued to a number ("$5.8M.") ends one unless the token
    is an abbreviation ("U.S.", "e.g.")."""
    marks = numpy.full(len(texts), -1, dtype="int64")
    line_start, in_row, after_end = True, False, False
    for i, text in enumerate(texts):
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
        if "\n" in spaces[i]:
            line_start, in_row = True, False
    return marks


def _token_lists(doc: Doc) -> tuple[list[str], list[int], list[str]]:
    """Token texts, offsets and trailing spaces from one array call (no Token objects made)."""
    cached = doc.user_data.get("kb_tokens")
    if cached is None:
        if len(doc):
            starts, lengths, spaced = doc.to_array([IDX, LENGTH, SPACY]).T.tolist()
        else:
            starts, lengths, spaced = [], [], []
        # doc.text would build a Token per word; split() hands the original text over instead.
        text = doc.user_data.get("kb_text") or doc.text
        texts = [text[a:a + n] for a, n in zip(starts, lengths)]
        spaces = [" " if sp else "" for sp in spaced]
        cached = doc.user_data["kb_tokens"] = (texts, starts, spaces)
    return cached


@Language.component("kb_sentencizer")
def sentencizer(doc: Doc) -> Doc:
    """Mark sentence starts in one pass over token arrays (spaCy's own sentencizer builds a Token
    object per word, which costs as much again as tokenizing)."""
    texts, _, spaces = _token_lists(doc)
    marks = sentence_starts(texts, spaces)
    if len(marks):
        marks[0] = 1
        doc.from_array([SENT_START], marks.astype("uint64").reshape(-1, 1))
    return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """A blank English pipeline with kb's rule-based sentencizer; built on first use, then shared."""
    nlp = spacy.blank("en")
    nlp.add_pipe("kb_sentencizer")
    nlp.max_length = 20_000_000
    return nlp


@dataclass(frozen=True)
class Sentence:
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
    spaces: list[str]

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
    flags = doc.to_array([SENT_START]).reshape(-1).tolist() if len(doc) else []
    sentences: list[Sentence] = []
    first = None
    for i, (word, flag) in enumerate(zip(tokens.texts, flags)):
        if flag == 1 and first is not None:
            _close(tokens, first, i, sentences)
            first = None
        if first is None and not word.isspace():
            first = i
    if first is not None:
        _close(tokens, first, len(tokens.texts), sentences)
    return tokens, sentences


def _close(tokens: Tokens, first: int, stop: int, out: list[Sentence]) -> None:
    last = stop - 1
    while last > first and tokens.texts[last].isspace():
        last -= 1
    start = tokens.starts[first]
    out.append(Sentence(start, tokens.end(last), first, last + 1, tokens.text.startswith("|", start)))
