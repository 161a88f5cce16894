"""Sign-in sessions and failed logins: server-side records, so any worker can end or count them."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, Index
from sqlmodel import Field, SQLModel

from kb.models.base import created_at_field


class LoginSession(SQLModel, table=True):
    """One login: the cookie carries a random token, the table only its SHA-256 (a dump logs nobody in)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    address: str = Field(default="", max_length=64)


class LoginAttempt(SQLModel, table=True):
    """A failed login for a username from an address; recent ones throttle further attempts."""

    __table_args__ = (Index("ix_loginattempt_username_address", "username", "address"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=80)
    address: str = Field(max_length=64)
    at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False, index=True)
