"""A document as it comes: paragraphs wrapped at a fixed width, bylines and date lines.

`unwrap` gives the text extraction reads, of the same length as the stored text (so offsets into
one are offsets into the other): a line break inside a paragraph becomes a space, and the article's
own byline and date lines become blanks, since they describe the source, not its subjects.
`front_matter` reads those lines as the source's author and publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kb.figures import find_quantities

# A line that starts a block of its own: a heading, a table row, a list item or a quotation.
_BLOCK_START = re.compile(r"^\s*(?:#|\||[-*+•]\s|\d{1,3}[.)]\s|>|```|<)")
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE = (rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
         rf"|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH}\s+\d{{4}})")
_DATE_LINE = re.compile(
    rf"^\s*[*_]*(?:(?:Published|Updated|Posted|Last\s+updated|Date)\s*(?:on)?\s*:?\s*)?"
    rf"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?P<date>{_DATE})"
    rf"(?:,?\s+\d{{1,2}}:\d{{2}}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{{2,4}})?)?[*_]*\s*$", re.I)
_BYLINE = re.compile(r"^\s*[*_]*(?:By|Written\s+by|Author:)\s+(?P<author>[A-Z][\w.'’-]*(?:[\s,]+(?:and\s+)?"
                     r"[A-Z][\w.'’-]*){0,6})[*_]*\s*(?:[|·•–—-]\s*(?P<rest>.*))?$")
# A press release's dateline, "SAN FRANCISCO -- " or "BEIJING (Reuters) — ", opens its first paragraph.
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,40}(?:\s*\([^()\n]{1,30}\))?\s*(?:--|—|–)\s+")
MAX_WRAP_WIDTH = 120  # a text whose long lines stop at about one width under this was wrapped
WRAPPED_SHARE = 0.7  # a line at least this share of the wrap width runs on into the next
FRONT_LINES = 12  # bylines and date lines stand near the top


@dataclass(frozen=True)
class FrontMatter:
    author: str = ""
    published: str = ""


def _metadata_line(line: str) -> re.Match | None:
    return _DATE_LINE.match(line) or _BYLINE.match(line)


def front_matter(text: str) -> FrontMatter:
    """The author and date an article states on lines of their own near its top."""
    author = published = ""
    for line in text.split("\n")[:FRONT_LINES]:
        if m := _BYLINE.match(line):
            author = author or m.group("author").strip()
            rest = m.group("rest") or ""
            if not published and (d := _DATE_LINE.match(rest)):
                published = d.group("date")
        elif m := _DATE_LINE.match(line):
            published = published or m.group("date")
    return FrontMatter(author, _iso(published))


def _iso(text: str) -> str:
    """"June 12, 2025" -> "2025-06-12"; "March 2025" -> "2025-03" (as the source form writes them)."""
    found = [f for _, _, f in find_quantities(text, include_dates=True) if f.unit == "date"]
    if not text or len(found) != 1 or found[0].low is None:
        return ""
    first, last = date.fromordinal(int(found[0].low)), date.fromordinal(int(found[0].high or found[0].low))
    return first.isoformat() if first == last else f"{first.year:04d}-{first.month:02d}" \
        if (first.year, first.month) == (last.year, last.month) else str(first.year)


def unwrap(text: str) -> str:
    """The text with soft line breaks as spaces and byline/date lines blanked, same length."""
    lines = text.split("\n")
    front = set(range(min(FRONT_LINES, len(lines))))
    meta = {i for i in front if lines[i].strip() and _metadata_line(lines[i])}
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in meta:
            out.append(" " * len(line))
        elif dateline := _DATELINE.match(line):  # where the release was issued: no one's subject
            out.append(" " * dateline.end() + line[dateline.end():])
        else:
            out.append(line)
    width = _wrap_width(lines)
    joined = []
    for i, line in enumerate(out):
        joined.append(line)
        if i + 1 < len(out):
            joined.append(" " if _soft(lines, i, meta, width) else "\n")
    return "".join(joined)


def _wrap_width(lines: list[str]) -> int | None:
    """The width a text was wrapped at, if it was: most of its longer lines end within a few
    characters of one width."""
    lengths = sorted(len(line.rstrip()) for line in lines if len(line.strip()) > 20)
    if len(lengths) < 3:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    return width if width <= MAX_WRAP_WIDTH else None


def _soft(lines: list[str], i: int, meta: set[int], width: int | None) -> bool:
    """Whether the break after line i runs on inside one paragraph: the next line goes on in
    lower case, or the text is wrapped and this line reaches near the wrap width."""
    here, after = lines[i].strip(), lines[i + 1].strip()
    if not here or not after or i in meta or i + 1 in meta:
        return False
    if _BLOCK_START.match(lines[i]) or _BLOCK_START.match(lines[i + 1]):
        return False
    if after[0].islower() or after[0] in "$€¥£(":
        return True
    return width is not None and len(lines[i].rstrip()) >= WRAPPED_SHARE * width
