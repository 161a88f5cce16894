"""Sources: articles, summaries, papers, datasets and their rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Text
from sqlmodel import Field, SQLModel

from kb.models.base import DATE_PRECISIONS, SOURCE_KINDS, created_at_field, in_check


class Source(SQLModel, table=True):
    """Where a claim comes from; derived_from records lineage (a summary is no new witness)."""

    __table_args__ = (
        CheckConstraint(in_check("kind", SOURCE_KINDS), name="kind"),
        CheckConstraint(in_check("date_precision", DATE_PRECISIONS), name="date_precision"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    key: Optional[str] = Field(default=None, max_length=200, unique=True)
    title: str = Field(max_length=500)
    publisher: str = Field(default="", max_length=200)
    author: str = Field(default="", max_length=200)
    url: str = Field(default="", max_length=1000)
    published: Optional[date] = Field(default=None)
    date_precision: str = Field(default="day", max_length=16)
    kind: str = Field(default="article", max_length=16, index=True)
    text: Optional[str] = Field(default=None, sa_type=Text)
    content_hash: Optional[str] = Field(default=None, max_length=64, index=True)
    derived_from_id: Optional[int] = Field(default=None, foreign_key="source.id", index=True)
    license: str = Field(default="", max_length=200)
    snapshot_date: Optional[date] = Field(default=None)
    locator: str = Field(default="", max_length=200)
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
