"""A source text cut into paragraphs of marked-up text and Markdown tables, quotes marked in both."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.web.contexts.source import Segment

_RULE_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")


@dataclass(frozen=True)
class TextBlock:
    segments: list[Segment]
    kind: str = "text"


@dataclass(frozen=True)
class TableBlock:
    header: list[list[Segment]]
    rows: list[list[list[Segment]]]
    kind: str = "table"


Span = tuple[int, int]


def _cells(line: str, offset: int) -> list[Span]:
    """The (start, end) of each cell of a `| a | b |` line, trimmed, as offsets into the text."""
    bars = [i for i, ch in enumerate(line) if ch == "|" and (i == 0 or line[i - 1] != "\\")]
    out = []
    for a, b in zip(bars, bars[1:]):
        cell = line[a + 1:b]
        lead = len(cell) - len(cell.lstrip())
        out.append((offset + a + 1 + lead, offset + a + 1 + len(cell.rstrip())))
    return out


def _is_rule(line: str) -> bool:
    parts = line.strip().strip("|").split("|")
    return bool(parts) and all(_RULE_CELL.match(p) for p in parts)


def markdown_tables(text: str) -> list[tuple[int, int, list[list[Span]]]]:
    """Each Markdown table in `text`: where it starts and ends, and its rows' cells (header first);
    a table is a header line, a rule line (| --- |) and the lines of cells after them."""
    lines, pos = [], 0
    for line in text.splitlines(keepends=True):
        lines.append((pos, line))
        pos += len(line)
    tables, i = [], 0
    while i + 1 < len(lines):
        start, head = lines[i]
        if head.strip().startswith("|") and head.strip().endswith("|") and _is_rule(lines[i + 1][1]):
            rows = [_cells(head.rstrip("\r\n"), start)]
            j = i + 2
            while j < len(lines) and lines[j][1].strip().startswith("|"):
                rows.append(_cells(lines[j][1].rstrip("\r\n"), lines[j][0]))
                j += 1
            end = lines[j - 1][0] + len(lines[j - 1][1])
            tables.append((start, end, rows))
            i = j
        else:
            i += 1
    return tables


def _slice(pieces: list[tuple[int, int, Segment]], a: int, b: int) -> list[Segment]:
    """The parts of the segments between offsets a and b, keeping which claims cover them."""
    out = []
    for s, e, seg in pieces:
        if e <= a or s >= b:
            continue
        lo, hi = max(s, a), min(e, b)
        out.append(Segment(seg.text[lo - s:hi - s], seg.claims, seg.ends if hi == e else (),
                           seg.starts if lo == s else ()))
    return out


def blocks(text: str, segments: list[Segment]) -> list[TextBlock | TableBlock]:
    """The text as blocks: Markdown tables become tables, the rest stays running text."""
    pieces, pos = [], 0
    for seg in segments:
        pieces.append((pos, pos + len(seg.text), seg))
        pos += len(seg.text)
    out: list[TextBlock | TableBlock] = []
    cursor = 0
    for start, end, rows in markdown_tables(text):
        if start > cursor:
            out.append(TextBlock(_slice(pieces, cursor, start)))
        cells = [[_slice(pieces, a, b) for a, b in row] for row in rows]
        out.append(TableBlock(cells[0], cells[1:]))
        cursor = end
    if cursor < len(text) or not out:
        out.append(TextBlock(_slice(pieces, cursor, len(text))))
    return out
