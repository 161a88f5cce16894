"""Contradiction groups: claims whose figures cannot all be true."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kb.models.base import created_at_field, in_check

CONTRADICTION_STATUSES = ("open", "resolved", "explained")
CONTRADICTION_KINDS = ("value", "ambiguous_subject", "authorities", "derived")


class Contradiction(SQLModel, table=True):
    """A group of conflicting claims on one subject and attribute under compatible qualifiers."""

    __table_args__ = (
        UniqueConstraint("group_key"),
        CheckConstraint(in_check("status", CONTRADICTION_STATUSES), name="status"),
        CheckConstraint(in_check("kind", CONTRADICTION_KINDS), name="kind"),
        Index("ix_contradiction_status_severity", "status", "severity"),
        Index("ix_contradiction_subject_attribute", "subject_id", "attribute_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    group_key: str = Field(max_length=400)
    kind: str = Field(default="value", max_length=20)
    subject_id: int = Field(foreign_key="entity.id")
    attribute_id: int = Field(foreign_key="attribute.id", index=True)
    qualifiers: str = Field(default="", max_length=400)
    # For a conflict between authorities: the one source that quotes them all.
    source_id: Optional[int] = Field(default=None, foreign_key="source.id")
    status: str = Field(default="open", max_length=12)
    severity: float = Field(default=0.0)
    summary: str = Field(default="", sa_type=Text)
    preferred_claim_id: Optional[int] = Field(default=None, foreign_key="claim.id")
    note: str = Field(default="", sa_type=Text)
    resolved_by_id: Optional[int] = Field(default=None, foreign_key="user.id")
    resolved_at: Optional[datetime] = Field(default=None, sa_type=DateTime(timezone=True))
    active: bool = Field(default=True)
    assigned_to_id: Optional[int] = Field(default=None, foreign_key="user.id")
    version: int = Field(default=1)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class ContradictionMember(SQLModel, table=True):
    """A claim's membership in a contradiction group."""

    __table_args__ = (UniqueConstraint("contradiction_id", "claim_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    contradiction_id: int = Field(foreign_key="contradiction.id", index=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    # False for a claim shown as context: it fits every conflicting figure in the group.
    in_conflict: bool = Field(default=True)
