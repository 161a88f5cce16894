"""Shared column helpers and enumerations."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum

from sqlalchemy import DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands back naive ones; kb stores UTC)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def created_at_field():
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)


class EntityKind(str, Enum):
    LAB = "lab"
    MODEL = "model"
    TECHNIQUE = "technique"
    CHIP = "chip"
    PRODUCT = "product"
    TOPIC = "topic"


class ClaimStatus(str, Enum):
    PROPOSED = "proposed"
    UNVERIFIED = "unverified"
    NEEDS_VERIFICATION = "needs_verification"
    VERIFIED = "verified"
    DISPUTED = "disputed"
    REFUTED = "refuted"
    RETRACTED = "retracted"
    REJECTED = "rejected"


class Rank(str, Enum):
    PREFERRED = "preferred"
    NORMAL = "normal"
    DEPRECATED = "deprecated"


class Role(str, Enum):
    READER = "reader"
    EDITOR = "editor"
    FACT_CHECKER = "fact_checker"
    ADMIN = "admin"


ENTITY_KINDS = tuple(k.value for k in EntityKind)
CLAIM_STATUSES = tuple(s.value for s in ClaimStatus)
RANKS = tuple(r.value for r in Rank)
ROLES = tuple(r.value for r in Role)
BOUNDS = ("exact", "approx", "lower", "upper", "range")
METHODS = ("reported", "estimated", "derived")
DATE_PRECISIONS = ("day", "month", "year", "estimated")
SOURCE_KINDS = ("article", "summary", "paper", "dataset", "dataset_row", "press_release", "web_page")
RELATION_TYPES = (
    "uses_technique",
    "introduced_technique",
    "trained_on_chip",
    "distilled_from",
    "successor_of",
    "subsidiary_of",
    "built_on",
    "variant_of",
)


def in_check(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that keeps a text column inside a vocabulary."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
