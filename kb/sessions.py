"""Sign-in sessions kept in the database: checked on every request, ended by logout or by account changes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from kb.models import LoginSession, User
from kb.models.base import as_utc, utcnow

# Writing last_seen_at on every request would make each page a write; a minute's slack is harmless.
TOUCH_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class Lifetimes:
    """How long a session lasts unused (idle) and at most (absolute)."""

    idle: timedelta
    absolute: timedelta


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(*, session: Session, user: User, address: str = "") -> str:
    """A new session for `user`; returns the token for the cookie (only its digest is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=_digest(token), user_id=user.id, address=address[:64]))
    session.flush()
    return token


def active_user(*, session: Session, token: str, lifetimes: Lifetimes,
                now: datetime | None = None) -> User | None:
    """The active user whose live session this token opens, or None (expired sessions are removed)."""
    now = now or utcnow()
    row = session.exec(select(LoginSession).where(LoginSession.token_hash == _digest(token))).first()
    if row is None:
        return None
    created, seen = as_utc(row.created_at), as_utc(row.last_seen_at)
    if now - created > lifetimes.absolute or now - seen > lifetimes.idle:
        session.delete(row)
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if now - seen > TOUCH_AFTER:
        session.execute(update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now))
    return user


def end_session(*, session: Session, token: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))


def end_user_sessions(*, session: Session, user_id: int) -> int:
    """End every session of a user; returns how many there were."""
    return session.execute(delete(LoginSession).where(LoginSession.user_id == user_id)).rowcount or 0


def count_user_sessions(*, session: Session, user_ids: list[int]) -> dict[int, int]:
    """Live-or-expired session rows per user id, for the admin's user list."""
    rows = session.execute(select(LoginSession.user_id, func.count()).where(LoginSession.user_id.in_(user_ids))
                           .group_by(LoginSession.user_id)).all()
    return {user_id: n for user_id, n in rows}


def purge_expired(*, session: Session, lifetimes: Lifetimes, now: datetime | None = None) -> int:
    """Remove sessions past either lifetime (run at each login, so the table stays small)."""
    now = now or utcnow()
    return session.execute(delete(LoginSession).where(or_(
        LoginSession.created_at < now - lifetimes.absolute,
        LoginSession.last_seen_at < now - lifetimes.idle,
    ))).rowcount or 0
