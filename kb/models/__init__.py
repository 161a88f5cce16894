"""The tables; importing this module registers them all on SQLModel.metadata (Alembic needs it)."""

from kb.db import metadata
from kb.models.base import ClaimStatus, EntityKind, Rank, Role
from kb.models.claim import Attribute, Citation, Claim, Derivation, Event
from kb.models.contradiction import Contradiction, ContradictionMember
from kb.models.entity import Alias, Entity, Relation
from kb.models.rate import ConversionRate
from kb.models.session import LoginAttempt, LoginSession
from kb.models.source import Source
from kb.models.user import User

__all__ = [
    "Alias", "Attribute", "Citation", "Claim", "ClaimStatus", "Contradiction", "ConversionRate",
    "ContradictionMember", "Derivation", "Entity", "EntityKind", "Event", "LoginAttempt",
    "LoginSession", "Rank", "Relation", "Role", "Source", "User", "metadata",
]
