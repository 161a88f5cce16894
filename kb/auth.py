"""Accounts: argon2 password hashes, users and roles."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from kb.models import Role, User
from kb.services.errors import InvalidInput
from kb.services.history import record_event, snapshot
from kb.sessions import end_user_sessions

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
    """Change a user's role, activity or password, recording who did it (never the password).

    Any of these changes ends the user's sessions: what they were allowed to do when they logged in
    no longer holds.
    """
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
    after = snapshot(user)
    if password or after["role"] != before["role"] or after["is_active"] != before["is_active"]:
        end_user_sessions(session=session, user_id=user.id)
    record_event(session, object_type="user", object_id=user.id, action="edit", actor_id=actor_id,
                 note=note, before=before, after=after)
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
