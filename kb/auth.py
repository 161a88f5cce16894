"""Accounts: argon2 password hashes, users and roles, and login throttling."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from kb.models import Role, User
from kb.services.errors import InvalidInput
from kb.services.history import record_event, snapshot

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
# Higher roles include the lower ones: a fact-checker can edit, an admin can do everything.
ROLE_ORDER = {Role.READER: 0, Role.EDITOR: 1, Role.FACT_CHECKER: 2, Role.ADMIN: 3}

_hasher = PasswordHasher()
# Verified when the username is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("kb-no-such-user")


def hash_password(password: str) -> str:
    """The argon2id hash of a password that meets the length policy."""
    check_password(password)
    return _hasher.hash(password)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput("password", f"use at most {MAX_PASSWORD} characters")


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def role_at_least(role: str | Role, minimum: Role) -> bool:
    """Whether `role` carries `minimum`'s permissions."""
    return ROLE_ORDER[Role(role)] >= ROLE_ORDER[Role(minimum)]


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput("role", f"{value!r} is not a role; choose one of {choices}") from None


def create_user(*, session: Session, username: str, password: str, role: str | Role,
                actor_id: int | None = None) -> User:
    """A new active account; the password is kept only as its argon2 hash."""
    username = username.strip()
    if not _USERNAME.fullmatch(username):
        raise InvalidInput("username", "use 1 to 80 letters, digits, dots, dashes or underscores, "
                                       "starting with a letter or digit")
    role = parse_role(role.value if isinstance(role, Role) else role)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise InvalidInput("username", f"the username {username!r} is taken")
    user = User(username=username, password_hash=hash_password(password), role=role.value)
    session.add(user)
    session.flush()
    record_event(session, object_type="user", object_id=user.id, action="create",
                 actor_id=actor_id, after=snapshot(user))
    return user


def update_user(*, session: Session, user: User, actor_id: int | None, role: str | None = None,
                is_active: bool | None = None, password: str | None = None) -> User:
    """Change a user's role, activity or password, recording who did it (never the password)."""
    before = snapshot(user)
    if role is not None:
        user.role = parse_role(role).value
    if is_active is not None:
        user.is_active = is_active
    note = ""
    if password:
        user.password_hash = hash_password(password)
        note = "password changed"
    session.add(user)
    session.flush()
    record_event(session, object_type="user", object_id=user.id, action="edit", actor_id=actor_id,
                 note=note, before=before, after=snapshot(user))
    return user


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None; upgrades outdated hashes."""
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    return user


@dataclass
class LoginThrottle:
    """Refuses logins for a username from one address after repeated failures in a window.

    Kept in memory: kb serves from one process, and a restart forgetting failures is harmless.
    """

    max_failures: int = 5
    window_seconds: float = 15 * 60
    clock: object = time.monotonic
    _failures: dict[tuple[str, str], deque] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _key(self, username: str, address: str) -> tuple[str, str]:
        return (username.strip().casefold(), address)

    def _recent(self, key: tuple[str, str]) -> deque:
        now = self.clock()
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window_seconds:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed; 0 when allowed now."""
        with self._lock:
            times = self._recent(self._key(username, address))
            if len(times) < self.max_failures:
                return 0
            return max(1, int(self.window_seconds - (self.clock() - times[0])) + 1)

    def failed(self, username: str, address: str) -> None:
        with self._lock:
            key = self._key(username, address)
            self._recent(key)
            self._failures.setdefault(key, deque()).append(self.clock())

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop(self._key(username, address), None)
