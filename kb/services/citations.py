"""Citations: a quote anchored in its source's text by offsets, prefix and suffix."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlmodel import Session

from kb.models import Citation, Claim, Source
from kb.services.errors import InvalidInput

CONTEXT = 32  # characters of prefix and suffix kept to re-find a quote if the text shifts
MAX_QUOTE = 5000
SUGGEST_SCORE = 60.0  # below this, the closest passage is too unlike the quote to offer


@dataclass(frozen=True)
class CitationInput:
    source_id: int
    quote: str
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    prefix: str
    suffix: str


class QuoteNotFound(InvalidInput):
    """The quote is not in the source's text; `suggestion` is the closest passage, if any."""

    def __init__(self, message: str, suggestion: str | None = None):
        super().__init__("quote", message)
        self.suggestion = suggestion


def anchor_in(text: str, start: int, quote: str) -> Anchor:
    end = start + len(quote)
    return Anchor(start, end, text[max(0, start - CONTEXT):start], text[end:end + CONTEXT])


def find_quote(text: str, quote: str, *, prefix: str = "", near: int | None = None) -> Anchor | None:
    """The exact quote in `text`; among several, the one after `prefix` or nearest `near`."""
    hits, at = [], text.find(quote)
    while at >= 0:
        hits.append(at)
        at = text.find(quote, at + 1)
    if not hits:
        return None
    if prefix:
        with_prefix = [h for h in hits if text[max(0, h - len(prefix)):h] == prefix]
        hits = with_prefix or hits
    if near is not None:
        hits.sort(key=lambda h: abs(h - near))
    return anchor_in(text, hits[0], quote)


def closest_passage(text: str, quote: str) -> str | None:
    """The passage of `text` most like `quote` (rapidfuzz alignment), widened to whole words."""
    if not text or not quote:
        return None
    alignment = fuzz.partial_ratio_alignment(quote, text)
    if alignment is None or alignment.score < SUGGEST_SCORE:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    passage = text[start:end].strip()
    return passage or None


def check_quote(source: Source, quote: str) -> Anchor | None:
    """Where `quote` sits in the source; None when kb holds no text to check it against."""
    quote = quote.strip()
    if not quote:
        raise InvalidInput("quote", "paste the sentence from the source that states the claim")
    if len(quote) > MAX_QUOTE:
        raise InvalidInput("quote", f"keep the quote under {MAX_QUOTE} characters")
    if source.text is None:
        return None
    anchor = find_quote(source.text, quote)
    if anchor is None:
        suggestion = closest_passage(source.text, quote)
        message = f"not found in “{source.title}”"
        message += "; the closest passage is offered below" if suggestion else ""
        raise QuoteNotFound(message, suggestion)
    return anchor


def add_citation(*, session: Session, claim: Claim, data: CitationInput) -> Citation:
    """A citation for `claim`, anchored in the source's text when kb holds it."""
    source = session.get(Source, data.source_id)
    if source is None:
        raise InvalidInput("source", "choose a source from the list")
    quote = data.quote.strip()
    anchor = check_quote(source, quote)
    citation = Citation(
        claim_id=claim.id, source_id=source.id, quote=quote, row=data.row, column=data.column,
        content_hash=source.content_hash, anchored=True,
    )
    if anchor is not None:
        citation.start, citation.end = anchor.start, anchor.end
        citation.prefix, citation.suffix = anchor.prefix, anchor.suffix
    session.add(citation)
    session.flush()
    return citation


def reanchor(citation: Citation, source: Source) -> bool:
    """Re-find a citation's quote after its source's text changed; False when it no longer anchors."""
    text = source.text
    citation.content_hash = source.content_hash
    if text is None:
        return citation.anchored
    if citation.start is not None and text[citation.start:citation.end] == citation.quote:
        anchor = anchor_in(text, citation.start, citation.quote)
    else:
        anchor = find_quote(text, citation.quote, prefix=citation.prefix, near=citation.start)
    if anchor is None:
        citation.anchored = False
        return False
    citation.start, citation.end = anchor.start, anchor.end
    citation.prefix, citation.suffix = anchor.prefix, anchor.suffix
    citation.anchored = True
    return True


def citation_summary(citation: Citation) -> dict:
    return {"id": citation.id, "source_id": citation.source_id, "quote": citation.quote,
            "start": citation.start, "end": citation.end}
