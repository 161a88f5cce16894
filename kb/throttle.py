"""Login throttling kept in the database, so every worker counts the same failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from kb.models import LoginAttempt
from kb.models.base import as_utc, utcnow


@dataclass(frozen=True)
class ThrottlePolicy:
    """Refuse a username from one address after `max_failures` failures within `window`."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


def _key(username: str) -> str:
    return username.strip().casefold()[:80]


def retry_after(*, session: Session, username: str, address: str, policy: ThrottlePolicy = ThrottlePolicy(),
                now: datetime | None = None) -> int:
    """Seconds until another attempt is allowed; 0 when allowed now."""
    now = now or utcnow()
    recent = (LoginAttempt.username == _key(username), LoginAttempt.address == address[:64],
              LoginAttempt.at > now - policy.window)
    count, oldest = session.execute(select(func.count(), func.min(LoginAttempt.at)).where(*recent)).one()
    if count < policy.max_failures:
        return 0
    return max(1, int((policy.window - (now - as_utc(oldest))).total_seconds()) + 1)


def record_failure(*, session: Session, username: str, address: str, policy: ThrottlePolicy = ThrottlePolicy(),
                   now: datetime | None = None) -> None:
    """Count a failed login, and forget failures older than the window (everyone's)."""
    now = now or utcnow()
    session.execute(delete(LoginAttempt).where(LoginAttempt.at <= now - policy.window))
    session.add(LoginAttempt(username=_key(username), address=address[:64], at=now))
    session.flush()


def clear_failures(*, session: Session, username: str, address: str) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == _key(username),
                                               LoginAttempt.address == address[:64]))
