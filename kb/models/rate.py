"""Dated conversion rates: what lets figures in two currencies be compared."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kb.models.base import created_at_field


class ConversionRate(SQLModel, table=True):
    """How many units of `currency` one US dollar bought on a date, and who says so."""

    __table_args__ = (
        UniqueConstraint("currency", "dated"),
        CheckConstraint("rate > 0", name="rate_positive"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    currency: str = Field(max_length=3, index=True)    # ISO 4217, never USD itself
    dated: date
    rate: float                                          # units of `currency` per USD
    source_id: Optional[int] = Field(default=None, foreign_key="source.id")
    note: str = Field(default="", sa_type=Text)
    created_at: datetime = created_at_field()
