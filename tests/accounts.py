"""Test helpers for accounts: users of each role and logging a test client in."""

from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from sqlmodel import Session

from kb.models import User

PASSWORD = "correct horse battery"
ROLES = ("reader", "editor", "fact_checker", "admin")
_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


@lru_cache(maxsize=4)
def _hash(password: str) -> str:
    # Hashed once per run with kb's own parameters, so logging in does not rehash.
    return PasswordHasher().hash(password)


def make_user(session: Session, role: str, username: str | None = None, password: str = PASSWORD) -> User:
    user = User(username=username or role.replace("_", "-"), password_hash=_hash(password), role=role)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def make_users(session: Session) -> dict[str, User]:
    """One user per role, named after it (fact_checker is "fact-checker")."""
    return {role: make_user(session, role) for role in ROLES}


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a page carries (the client keeps the matching cookie)."""
    response = client.get(path)
    match = _TOKEN.search(response.text)
    assert match, f"no CSRF field on {path} ({response.status_code})"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD) -> str:
    """Log the client in through the form; returns the CSRF token for later posts."""
    token = csrf_token(client)
    response = client.post("/login", data={"username": username, "password": password, "_csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return token
