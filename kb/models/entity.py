"""Entities, their aliases and the typed relations between them."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kb.models.base import ENTITY_KINDS, RELATION_TYPES, created_at_field, in_check


class Entity(SQLModel, table=True):
    """A lab, model, technique, chip, product or topic: identity only, facts live in claims."""

    __table_args__ = (
        UniqueConstraint("kind", "slug"),
        CheckConstraint(in_check("kind", ENTITY_KINDS), name="kind"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)
    slug: str = Field(max_length=120)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    parent_id: Optional[int] = Field(default=None, foreign_key="entity.id", index=True)
    merged_into_id: Optional[int] = Field(default=None, foreign_key="entity.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()


class Alias(SQLModel, table=True):
    """A surface form of an entity's name, with its normalized form for exact lookup."""

    __table_args__ = (UniqueConstraint("entity_id", "normalized"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    name: str = Field(max_length=200)
    normalized: str = Field(max_length=200, index=True)


class Relation(SQLModel, table=True):
    """A typed link between two entities, optionally backed by a claim."""

    __table_args__ = (
        UniqueConstraint("subject_id", "type", "object_id"),
        CheckConstraint(in_check("type", RELATION_TYPES), name="type"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="entity.id", index=True)
    type: str = Field(max_length=32)
    object_id: int = Field(foreign_key="entity.id", index=True)
    claim_id: Optional[int] = Field(default=None, foreign_key="claim.id")
