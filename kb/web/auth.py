"""Sessions, CSRF, the current user and the guards that decide who may do what."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import anyio
from litestar import Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, Receive, Scope, Scopes, Send
from litestar.enums import ScopeType
from sqlalchemy.engine import Engine

from kb.auth import role_at_least
from kb.config import Settings
from kb.db import session_scope
from kb.models import Role
from kb.sessions import Lifetimes, active_user
from kb.web.session_cookie import SessionCookieConfig

SESSION_COOKIE = "kb_session"
CSRF_COOKIE = "kb_csrf"
CSRF_FIELD = "_csrf_token"


@dataclass(frozen=True)
class CurrentUser:
    """Who is making the request: enough to authorize and to show a name, never a secret."""

    id: int
    username: str
    role: Role

    def at_least(self, role: Role) -> bool:
        return role_at_least(self.role, role)


def _derive(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def session_config(settings: Settings) -> SessionCookieConfig:
    """Encrypted and authenticated cookie sessions (AES-GCM), HttpOnly, SameSite=Lax."""
    return SessionCookieConfig(
        secret=_derive(settings.secret_key, "kb-session"),
        key=SESSION_COOKIE,
        max_age=int(settings.session_max_days * 24 * 3600),
        httponly=True,
        samesite="lax",
        secure=not settings.is_development,
    )


# Handler option for the read-only JSON API: its answers carry no CSRF cookie. Nothing there takes a
# form, and clients that keep no cookies (scripts, curl) would be handed a new one with every answer.
NO_CSRF_COOKIE = {"exclude_from_csrf": True}


def csrf_config(settings: Settings) -> CSRFConfig:
    """Double-submit tokens: a signed cookie matched by the `_csrf_token` field or X-CSRFToken header."""
    return CSRFConfig(
        secret=_derive(settings.secret_key, "kb-csrf").hex(),
        cookie_name=CSRF_COOKIE,
        cookie_httponly=True,
        cookie_samesite="lax",
        cookie_secure=not settings.is_development,
    )


def lifetimes(settings: Settings) -> Lifetimes:
    return Lifetimes(idle=timedelta(hours=settings.session_idle_hours),
                     absolute=timedelta(days=settings.session_max_days))


def _load_user(engine: Engine, token: str, limits: Lifetimes) -> CurrentUser | None:
    with session_scope(engine) as session:
        user = active_user(session=session, token=token, lifetimes=limits)
        if user is None:
            return None
        return CurrentUser(id=user.id, username=user.username, role=Role(user.role))


class CurrentUserMiddleware(ASGIMiddleware):
    """Sets scope["user"] to the signed-in CurrentUser, or None for anonymous visitors.

    The cookie only names a session; the session's row decides, so logout and account changes
    take effect on the next request, in every worker.
    """

    scopes: Scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        data = scope.get("session")
        user = None
        if isinstance(data, dict) and isinstance(data.get("sid"), str):
            state = scope["litestar_app"].state
            user = await anyio.to_thread.run_sync(
                _load_user, state.engine, data["sid"], lifetimes(state.settings)
            )
        scope["user"] = user
        await next_app(scope, receive, send)


def current_user_of(connection: ASGIConnection) -> CurrentUser | None:
    return connection.scope.get("user")


async def provide_current_user(request: Request) -> CurrentUser | None:
    """The `current_user` dependency."""
    return current_user_of(request)


def sign_in(request: Request, token: str) -> None:
    """Put a new session's token in a fresh cookie (nothing from before login carries over)."""
    request.clear_session()
    request.set_session({"sid": token})


def session_token(request: Request) -> str | None:
    data = request.session if "session" in request.scope else None
    token = data.get("sid") if isinstance(data, dict) else None
    return token if isinstance(token, str) else None


def sign_out(request: Request) -> None:
    request.clear_session()


class LoginRequired(NotAuthorizedException):
    """An anonymous visitor asked for a page that needs an account."""


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to return to after login; anything that could leave the site becomes `default`."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def login_redirect(request: Request, exc: LoginRequired) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/login?next={quote(safe_next(target), safe='/')}", status_code=303)


def _refuse(connection: ASGIConnection, message: str) -> None:
    if current_user_of(connection) is None:
        if connection.scope.get("method") in ("GET", "HEAD"):
            raise LoginRequired("log in to see this page")
        raise PermissionDeniedException("log in first")
    raise PermissionDeniedException(message)


def requires_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard: any signed-in user."""
    if current_user_of(connection) is None:
        _refuse(connection, "log in first")


def requires_role(role: Role):
    """Guard factory: a signed-in user whose role is `role` or above."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        user = current_user_of(connection)
        if user is None or not user.at_least(role):
            _refuse(connection, f"this needs the {role.value.replace('_', '-')} role")

    guard.__name__ = f"requires_{role.value}"
    return guard


def _template_current_user(context: dict[str, Any]) -> CurrentUser | None:
    request = context.get("request")
    return None if request is None else request.scope.get("user")


def install_template_helpers(engine) -> None:
    """Template callables: `current_user()` is the signed-in user or None."""
    engine.register_template_callable("current_user", _template_current_user)


def forbidden(request: Request, exc: PermissionDeniedException) -> Response:
    """A refused request (wrong role, or a missing or stale CSRF token) as a page that says why."""
    detail = str(exc.detail or "Forbidden")
    if request.url.path.startswith("/api/") or request.url.path.endswith(".json"):
        return Response({"status_code": 403, "detail": detail}, status_code=403)
    context = {"detail": detail, "expired_form": "CSRF" in detail}
    return Template("account/forbidden.html", context=context, status_code=403)


EXCEPTION_HANDLERS = {LoginRequired: login_redirect, 403: forbidden}
