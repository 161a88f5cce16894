"""Logging in and out, and the admin's page of users."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import anyio
from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kb.auth import authenticate, create_user, update_user
from kb.db import session_scope
from kb.models import Role, User
from kb.services.errors import InvalidInput
from kb.services.history import record_event
from kb.sessions import Lifetimes, count_user_sessions, end_session, end_user_sessions, purge_expired, start_session
from kb.throttle import clear_failures, record_failure, retry_after
from kb.web.auth import (
    CurrentUser, lifetimes, requires_role, safe_next, session_token, sign_in, sign_out,
)
from kb.web.client import client_address
from kb.web.forms import INVALID, Form, FormBody, page, see_other

_DONE = re.compile(r"(created|updated|signed out) [A-Za-z0-9_.-]{1,80}")


@dataclass
class LoginPage:
    next: str
    username: str = ""
    error: str = ""


@get("/login", name="account:login", sync_to_thread=False)
def login_form(next: str = "/") -> Response:
    return page("account/login.html", {"page": LoginPage(next=safe_next(next))})


@dataclass(frozen=True)
class LoginOutcome:
    token: str | None = None   # the new session's, when the password was right
    wait: int = 0              # seconds before this username may try again from this address


def _attempt(engine: Engine, username: str, password: str, address: str, limits: Lifetimes) -> LoginOutcome:
    """Check the throttle and the password, then count the failure or start a session, in one transaction."""
    with session_scope(engine) as session:
        wait = retry_after(session=session, username=username, address=address)
        if wait:
            return LoginOutcome(wait=wait)
        user = authenticate(session=session, username=username, password=password) if username else None
        if user is None:
            record_failure(session=session, username=username, address=address)
            return LoginOutcome()
        clear_failures(session=session, username=username, address=address)
        purge_expired(session=session, lifetimes=limits)
        return LoginOutcome(token=start_session(session=session, user=user, address=address))


@post("/login", name="account:login_submit")
async def login(request: Request, data: FormBody) -> Response:
    form = Form(data)
    username, password = form.text("username").strip(), form.text("password")
    target = safe_next(form.text("next"))
    state = request.app.state
    # Hashing takes a tenth of a second on purpose: keep it off the event loop.
    outcome = await anyio.to_thread.run_sync(_attempt, state.engine, username, password, client_address(request),
                                             lifetimes(state.settings))
    if outcome.wait:
        minutes = max(1, round(outcome.wait / 60))
        context = LoginPage(next=target, username=username,
                            error=f"Too many failed attempts. Try again in about {minutes} minute"
                                  f"{'s' if minutes != 1 else ''}.")
        return page("account/login.html", {"page": context}, status_code=429)
    if outcome.token is None:
        context = LoginPage(next=target, username=username, error="Wrong username or password.")
        return page("account/login.html", {"page": context}, status_code=400)
    sign_in(request, outcome.token)
    return see_other(target, request=request, notice=f"Logged in as {username}.")


@post("/logout", name="account:logout", sync_to_thread=True)
def logout(request: Request, session: Session) -> Response:
    """End the session in the database, not only in this browser: a copied cookie stops working too."""
    token = session_token(request)
    if token:
        end_session(session=session, token=token)
    sign_out(request)
    return see_other("/", request=request, notice="Logged out.")


@dataclass
class UsersPage:
    users: list[User]
    roles: list[tuple[str, str]]
    sessions: dict[int, int] = field(default_factory=dict)   # user id -> open sessions
    form: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""


def _users_page(session: Session, **kwargs) -> UsersPage:
    users = list(session.exec(select(User).order_by(User.username)).all())
    roles = [(r.value, r.value.replace("_", "-")) for r in Role]
    sessions = count_user_sessions(session=session, user_ids=[u.id for u in users])
    return UsersPage(users=users, roles=roles, sessions=sessions, **kwargs)


@get("/users", name="account:users", guards=[requires_role(Role.ADMIN)], sync_to_thread=False)
def users(session: Session, done: str = "") -> Response:
    message = done if _DONE.fullmatch(done) else ""
    return page("account/users.html", {"page": _users_page(session, message=message)})


@post("/users", name="account:create_user", guards=[requires_role(Role.ADMIN)], sync_to_thread=False)
def add_user(session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    form = Form(data)
    try:
        user = create_user(session=session, username=form.text("username"), password=form.text("password"),
                           role=form.text("role") or "reader", actor_id=current_user.id)
    except InvalidInput as exc:
        kept = {k: v for k, v in form.kept().items() if k != "password"}
        return page("account/users.html", {"page": _users_page(session, form=kept, errors=exc.errors)},
                    status_code=INVALID)
    return see_other(f"/users?done=created+{user.username}")


@post("/users/{user_id:int}", name="account:update_user", guards=[requires_role(Role.ADMIN)],
      sync_to_thread=False)
def change_user(user_id: int, session: Session, data: FormBody, current_user: CurrentUser) -> Response:
    form = Form(data)
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundException(f"no user {user_id}")
    active = {"1": True, "0": False}.get(form.text("is_active"))
    if user.id == current_user.id and (active is False or form.text("role") not in ("", Role.ADMIN.value)):
        errors = {"role": "you cannot demote or deactivate yourself; ask another admin"}
        return page("account/users.html", {"page": _users_page(session, errors=errors)}, status_code=INVALID)
    try:
        update_user(session=session, user=user, actor_id=current_user.id, role=form.text("role") or None,
                    is_active=active, password=form.text("password") or None)
    except InvalidInput as exc:
        return page("account/users.html", {"page": _users_page(session, errors=exc.errors)},
                    status_code=INVALID)
    return see_other(f"/users?done=updated+{user.username}")


@post("/users/{user_id:int}/sessions", name="account:end_sessions", guards=[requires_role(Role.ADMIN)],
      sync_to_thread=True)
def end_sessions(user_id: int, session: Session, current_user: CurrentUser) -> Response:
    """Sign a user out everywhere (a lost laptop, a shared password)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundException(f"no user {user_id}")
    ended = end_user_sessions(session=session, user_id=user.id)
    record_event(session, object_type="user", object_id=user.id, action="end_sessions",
                 actor_id=current_user.id, note=f"{ended} session{'s' if ended != 1 else ''} ended")
    return see_other(f"/users?done=signed+out+{user.username}")


ROUTES = [login_form, login, logout, users, add_user, change_user, end_sessions]
