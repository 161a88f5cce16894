"""Accounts and roles."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from kb.models.base import ROLES, created_at_field, in_check


class User(SQLModel, table=True):
    """A person who reads, edits or fact-checks; the password is stored only as an argon2 hash."""

    __table_args__ = (CheckConstraint(in_check("role", ROLES), name="role"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    password_hash: str = Field(max_length=200)
    role: str = Field(default="reader", max_length=16)
    is_active: bool = Field(default=True)
    created_at: datetime = created_at_field()
