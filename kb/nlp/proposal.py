"""What extraction proposes: a claim anchored to its sentence, and the result for one text."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.figures import Figure
from kb.nlp.attributes import AttributeInfo
from kb.nlp.names import NewName

COUNT_CUE_MIN = 1.0  # a bare count needs a word naming what is counted
# How sure the extractor is of a subject, by how it was found (bulk accept takes >= 0.75).
HOW_CONFIDENCE = {"possessor": 0.9, "parenthesis": 0.9, "for": 0.85, "row": 0.9, "vs": 0.85,
                  "event": 0.85, "modifier": 0.85, "before": 0.75, "column": 0.8, "counterpart": 0.75,
                  "shared": 0.75, "flipped": 0.75, "after": 0.5, "nation after": 0.6, "within": 0.6,
                  "context": 0.45, "only name": 0.45, "opener": 0.45}


@dataclass(slots=True)
class Proposal:
    """A claim the text seems to make, anchored to its sentence (or table row)."""

    start: int
    end: int
    subject_id: int
    attribute: AttributeInfo
    figure: Figure | None
    figure_start: int | None = None
    figure_end: int | None = None
    period: str = ""
    scope: str = ""
    asserted_by: str = ""
    verify: bool = False
    note: str = ""
    confidence: float = 0.5
    how: str = ""
    relative_to: int | None = None


@dataclass
class Extraction:
    sentences: int
    proposals: list[Proposal] = field(default_factory=list)
    new_names: list[NewName] = field(default_factory=list)
