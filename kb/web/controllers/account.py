"""Logging in and out, and the admin's page of users."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import anyio
from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from kb.auth import LoginThrottle, authenticate, create_user, update_user
from kb.db import session_scope
from kb.models import Role, User
from kb.services.errors import InvalidInput
from kb.web.auth import CurrentUser, requires_role, safe_next, sign_in, sign_out
from kb.web.forms import INVALID, Form, FormBody, page, see_other

_throttle_lock = threading.Lock()
_DONE = re.compile(r"(created|updated) [A-Za-z0-9_.-]{1,80}")


def _throttle(request: Request) -> LoginThrottle:
    state = request.app.state
    with _throttle_lock:
        if "login_throttle" not in state:
            state.login_throttle = LoginThrottle()
        return state.login_throttle


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@dataclass
class LoginPage:
    next: str
    username: str = ""
    error: str = ""


@get("/login", name="account:login", sync_to_thread=False)
def login_form(next: str = "/") -> Response:
    return page("account/login.html", {"page": LoginPage(next=safe_next(next))})


def _authenticate(engine: Engine, username: str, password: str) -> User | None:
    with session_scope(engine) as session:
        return authenticate(session=session, username=username, password=password)


@post("/login", name="account:login_submit")
async def login(request: Request, data: FormBody) -> Response:
    form = Form(data)
    username, password = form.text("username").strip(), form.text("password")
    target = safe_next(form.text("next"))
    throttle, address = _throttle(request), _address(request)
    wait = throttle.retry_after(username, address)
    if wait:
        minutes = max(1, round(wait / 60))
        context = LoginPage(next=target, username=username,
                            error=f"Too many failed attempts. Try again in about {minutes} minute"
                                  f"{'s' if minutes != 1 else ''}.")
        return page("account/login.html", {"page": context}, status_code=429)
    user = None
    if username:  # hashing takes a tenth of a second on purpose: keep it off the event loop
        user = await anyio.to_thread.run_sync(_authenticate, request.app.state.engine, username, password)
    if user is None:
        throttle.failed(username, address)
        context = LoginPage(next=target, username=username, error="Wrong username or password.")
        return page("account/login.html", {"page": context}, status_code=400)
    throttle.succeeded(username, address)
    sign_in(request, user)
    return see_other(target, request=request, notice=f"Logged in as {user.username}.")


@post("/logout", name="account:logout", sync_to_thread=False)
def logout(request: Request) -> Response:
    sign_out(request)
    return see_other("/", request=request, notice="Logged out.")


@dataclass
class UsersPage:
    users: list[User]
    roles: list[tuple[str, str]]
    form: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""


def _users_page(session: Session, **kwargs) -> UsersPage:
    users = list(session.exec(select(User).order_by(User.username)).all())
    roles = [(r.value, r.value.replace("_", "-")) for r in Role]
    return UsersPage(users=users, roles=roles, **kwargs)


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


ROUTES = [login_form, login, logout, users, add_user, change_user]
