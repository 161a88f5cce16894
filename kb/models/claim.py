"""Attributes, claims with their figures and qualifiers, citations, derivations and events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kb.models.base import BOUNDS, CLAIM_STATUSES, METHODS, RANKS, created_at_field, in_check

ATTRIBUTE_STATUSES = ("accepted", "proposed")
DIMENSIONS = (
    "currency", "price_rate", "percent", "ratio", "count", "duration", "tokens", "token_rate",
    "parameters", "power", "flop", "flop_rate", "bytes", "byte_rate", "date", "text",
)


class Attribute(SQLModel, table=True):
    """What a figure measures, with its dimension and canonical unit."""

    __table_args__ = (CheckConstraint(in_check("dimension", DIMENSIONS), name="dimension"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    label: str = Field(max_length=120)
    dimension: str = Field(max_length=16)
    unit: str = Field(max_length=16)
    description: str = Field(default="", sa_type=Text)
    # Other phrases for the same measure ("GPUs used", "accelerators"): ingestion matches figures
    # against them, and mapping a proposed attribute onto this one adds its phrase here.
    synonyms: list[str] = Field(default_factory=list, sa_type=JSON)
    # "proposed": named by ingestion from an article's words, until an editor accepts, renames
    # or maps it onto an existing attribute. (One of ATTRIBUTE_STATUSES, checked in code: adding
    # a CHECK to SQLite would rebuild a table that every claim refers to.)
    status: str = Field(default="accepted", max_length=12)


class Claim(SQLModel, table=True):
    """A sourced statement about an entity, with an optional typed figure and qualifiers."""

    __table_args__ = (
        CheckConstraint(in_check("status", CLAIM_STATUSES), name="status"),
        CheckConstraint(in_check("rank", RANKS), name="rank"),
        CheckConstraint(f"bound IS NULL OR {in_check('bound', BOUNDS)}", name="bound"),
        CheckConstraint(f"method IS NULL OR {in_check('method', METHODS)}", name="method"),
        CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name="low_le_high"),
        # Entity pages rank each subject's claims per attribute by rank, status and confidence, and
        # count them by status: all of it read from this index, none of the rows themselves.
        Index("ix_claim_subject_ranking", "subject_id", "attribute_id", "status", "rank", "confidence", "id"),
        Index("ix_claim_status_created", "status", "created_at"),
        # Lists filtered by status, newest first, read this index in order instead of sorting.
        Index("ix_claim_status_id", "status", "id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    key: Optional[str] = Field(default=None, max_length=200, unique=True)
    subject_id: int = Field(foreign_key="entity.id")
    attribute_id: int = Field(foreign_key="attribute.id", index=True)
    statement: str = Field(sa_type=Text)
    # The figure: an interval in the attribute's canonical unit.
    figure_text: Optional[str] = Field(default=None, max_length=500)
    low: Optional[float] = Field(default=None)
    high: Optional[float] = Field(default=None)
    unit: Optional[str] = Field(default=None, max_length=16)
    bound: Optional[str] = Field(default=None, max_length=8)
    precision: Optional[float] = Field(default=None)
    method: Optional[str] = Field(default=None, max_length=12)
    unparsed_reason: Optional[str] = Field(default=None, max_length=300)
    # Qualifiers: what keeps two figures about one subject from being the same quantity.
    period: str = Field(default="", max_length=40)
    scope: str = Field(default="", max_length=200)
    model_id: Optional[int] = Field(default=None, foreign_key="entity.id", index=True)
    asserted_by: str = Field(default="", max_length=200)
    status: str = Field(default="unverified", max_length=24)
    rank: str = Field(default="normal", max_length=12)
    rank_reason: str = Field(default="", max_length=500)
    confidence: Optional[float] = Field(default=None)
    dataset_confidence: str = Field(default="", max_length=40)
    note: str = Field(default="", sa_type=Text)
    created_by_id: Optional[int] = Field(default=None, foreign_key="user.id")
    assigned_to_id: Optional[int] = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    version: int = Field(default=1)

    @property
    def has_figure(self) -> bool:
        return self.unit is not None and (self.low is not None or self.high is not None)


class Citation(SQLModel, table=True):
    """Where in a source a claim is stated: a quote anchored by offsets, prefix and suffix."""

    __table_args__ = (Index("ix_citation_claim_source", "claim_id", "source_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id")
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_type=Text)
    start: Optional[int] = Field(default=None)
    end: Optional[int] = Field(default=None)
    prefix: str = Field(default="", max_length=64)
    suffix: str = Field(default="", max_length=64)
    row: Optional[int] = Field(default=None)
    column: Optional[str] = Field(default=None, max_length=200)
    content_hash: Optional[str] = Field(default=None, max_length=64)
    anchored: bool = Field(default=True)
    created_at: datetime = created_at_field()


class Derivation(SQLModel, table=True):
    """A figure that should equal numerator / denominator of two other claims' figures."""

    __table_args__ = (UniqueConstraint("claim_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id")
    numerator_id: int = Field(foreign_key="claim.id", index=True)
    denominator_id: int = Field(foreign_key="claim.id", index=True)


class Event(SQLModel, table=True):
    """One append-only change to a claim, entity, source, contradiction or user."""

    __table_args__ = (
        Index("ix_event_object", "object_type", "object_id"),
        Index("ix_event_created", "created_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    object_type: str = Field(max_length=16)
    object_id: int
    action: str = Field(max_length=32)
    actor_id: Optional[int] = Field(default=None, foreign_key="user.id")
    from_status: Optional[str] = Field(default=None, max_length=24)
    to_status: Optional[str] = Field(default=None, max_length=24)
    note: str = Field(default="", sa_type=Text)
    before: Optional[dict[str, Any]] = Field(default=None, sa_type=JSON)
    after: Optional[dict[str, Any]] = Field(default=None, sa_type=JSON)
    created_at: datetime = created_at_field()
