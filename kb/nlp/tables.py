"""Markdown-style table rows: cells with offsets, headers, and which cells label the row."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kb.figures import Figure, find_quantities
from kb.nlp import qualifiers
from kb.nlp.attributes import FIT_MIN, AttributeCatalog, AttributeInfo, expand, new_attribute, words_of
from kb.nlp.headers import Measure, read_header, strip_footnotes
from kb.nlp.discourse import Discourse
from kb.nlp.entities import EntityIndex, Mention
from kb.nlp.pipeline import Sentence
from kb.nlp.proposal import COUNT_CUE_MIN, HOW_CONFIDENCE, Proposal
from kb.nlp.quantities import sentence_quantities

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class Cell:
    start: int  # offsets into the row text
    end: int
    text: str


def is_separator(row: str) -> bool:
    return _SEPARATOR.match(row.strip()) is not None


def cells(row: str) -> list[Cell]:
    """The cells of "| a | b |", each with its stripped text and offsets in the row."""
    out = []
    parts = row.split("|")
    pos = 0
    for i, part in enumerate(parts):
        if i in (0, len(parts) - 1) and not part.strip():
            pos += len(part) + 1
            continue
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        out.append(Cell(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(part) + 1
    return out


@dataclass
class Table:
    """The header of the table being read: its first row when that row holds no figures."""

    header: list[Cell] | None = None
    rows: int = 0

    def header_text(self, column: int) -> str:
        if self.header is None or column >= len(self.header):
            return ""
        return self.header[column].text

class TableReader:
    """Reads the rows of one table after another: header, row labels, and a claim per figure cell."""

    def __init__(self, text: str, entities: EntityIndex, attributes: AttributeCatalog,
                 discourse: Discourse, out: list[Proposal]):
        self.text, self.entities, self.attributes = text, entities, attributes
        self.discourse, self.out = discourse, out
        self.table: Table | None = None
        self.header_mentions: list[list[Mention]] = []

    def end(self) -> None:
        """Prose follows: the next row starts a new table."""
        self.table = None

    def row(self, sent: Sentence, found: list[Mention]) -> None:
        row = self.text[sent.start:sent.end]
        if is_separator(row):
            return
        if self.table is None:
            self.table = Table()
        row_cells = cells(row)
        per_cell = [sentence_quantities(strip_footnotes(c.text)) for c in row_cells]
        by_cell = [[m for m in found if c.start <= m.start - sent.start < c.end + 1] for c in row_cells]
        per_cell = [[q for q in qs if not any(
            m.start - sent.start - c.start < q.end and q.start < m.end - sent.start - c.start
            for m in ms)] for qs, c, ms in zip(per_cell, row_cells, by_cell)]
        if self.table.header is None and self.table.rows == 0 and not any(per_cell):
            self.table.header = row_cells
            self.header_mentions = by_cell
            self.discourse.observe(found, None)
            return
        self.table.rows += 1
        first_figure = next((i for i, qs in enumerate(per_cell) if qs), len(row_cells))
        label_mentions = [m for ms in by_cell[:first_figure] for m in ms if m.entity_id is not None]
        row_subject = self._row_subject(label_mentions)
        label_text = " ".join(c.text for c in row_cells[:first_figure])
        table_period = self._table_period()
        for col in range(first_figure, len(row_cells)):
            for q in per_cell[col]:
                self._cell_figure(sent, row_cells[col], col, q, row_subject, label_text,
                                  by_cell[col], table_period)
        self.discourse.observe(found, row_subject)

    def _row_subject(self, label_mentions: list[Mention]) -> int | None:
        """The entity the row is about; of a maker and its product, the product."""
        ids = [m.entity_id for m in label_mentions]
        for entity_id in ids:
            parent = self.entities.entities[entity_id].parent_id
            if parent in ids:
                return entity_id  # "| Unitree | G1 Humanoid |": the product, not its maker
        return ids[0] if ids else None

    def _table_period(self) -> str:
        """The one year the header names ("China (2024)", "USA (2024)"), if it names one."""
        years = {qualifiers.period_near(c.text, len(c.text), len(c.text)) for c in self.table.header or []}
        years.discard("")
        return years.pop() if len(years) == 1 else ""

    def _cell_figure(self, sent, cell, col, q, row_subject, label_text, cell_mentions, table_period):
        """One figure in a cell: subject from the row (or, in a transposed table, the column);
        attribute, unit and scale from the column's header (or the row's label)."""
        header = self.table.header_text(col)
        how, subject = "row", row_subject
        column_mentions = self.header_mentions[col] if col < len(self.header_mentions) else []
        if subject is None:
            for m in column_mentions + cell_mentions:
                subject = self.discourse.nation_topic(m)
                if subject is not None:
                    how = "column"
                    break
        if subject is None:
            return
        measure = read_header(label_text if how == "column" else header)
        figure = _under(measure, q.figure)
        cues: dict[str, float] = {}
        for w in expand(words_of(f"{measure.words} {figure.label}")):
            cues[w] = 1.0
        attribute = self._attribute(figure.unit, cues, measure.words)
        if attribute is None:
            return
        start = sent.start + cell.start + q.start
        scope = ", ".join(s for s in (qualifiers.table_note(header), qualifiers.table_note(cell.text)) if s)
        period = qualifiers.period_near(cell.text, q.start, q.end) or \
            qualifiers.period_near(header, len(header), len(header)) or table_period
        self.out.append(Proposal(
            start=sent.start, end=sent.end, subject_id=subject, attribute=attribute, figure=figure,
            figure_start=start, figure_end=start + (q.end - q.start), period=period, scope=scope,
            confidence=HOW_CONFIDENCE[how], how=how))

    def _attribute(self, unit: str, cues: dict[str, float], words: str) -> AttributeInfo | None:
        """The attribute the header's own words name, else a new one named by the header."""
        attribute, cover = self.attributes.fit(unit, cues)
        if attribute is not None and cover >= FIT_MIN:
            return attribute
        chosen, score = self.attributes.choose(unit, cues)
        if chosen is not None and score >= COUNT_CUE_MIN and self.attributes.coverage(chosen, cues) >= 0.3:
            return chosen
        return new_attribute(words, unit) if unit != "date" else None


def _under(measure: Measure, figure: Figure) -> Figure:
    """A bare number read with its header's unit and scale ("410" under "Parameters (B)")."""
    if not measure.says_unit or figure.unit not in ("count", "USD") or figure.label:
        return figure
    if figure.unit == "USD" and not measure.suffix.startswith(" per million"):
        return figure
    number = figure.text.strip().lstrip("$").strip()
    found = find_quantities(measure.write(number), include_dates=False)
    if len(found) != 1:
        return figure
    return replace(found[0][2], text=figure.text)  # as the cell states it; the unit is the header's
