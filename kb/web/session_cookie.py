"""Encrypted cookie sessions whose cipher loads with the first session cookie.

The sessions are litestar's own (CookieBackendConfig: AES-GCM, the same cookies byte for byte),
but litestar's module imports the `cryptography` bindings, about 6 MB in every process that loads
them. Readers never carry a session cookie, so the cookie backend is built only when a request
brings one or a handler stores a session (signing in, an editor's confirmation message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import ImproperlyConfiguredException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.session.base import BaseSessionBackend, SessionMiddleware
from litestar.types import Empty, Message, Scopes, ScopeSession


@dataclass
class SessionCookieConfig:
    """CookieBackendConfig's settings; the session middleware's options keep litestar's defaults."""

    secret: bytes
    key: str
    max_age: int
    httponly: bool
    samesite: Literal["lax", "strict", "none"]
    secure: bool
    scopes: Scopes = field(default_factory=lambda: {ScopeType.HTTP, ScopeType.WEBSOCKET})
    exclude: str | list[str] | None = None
    exclude_opt_key: str = "skip_session"

    def __post_init__(self) -> None:
        # CookieBackendConfig's own checks, so a bad setting still stops the server at start-up.
        if self.max_age < 1:
            raise ImproperlyConfiguredException("max_age must be greater than 0")
        if len(self.secret) not in {16, 24, 32}:
            raise ImproperlyConfiguredException("secret length must be 16 (128 bit), 24 (192 bit) or 32 (256 bit)")

    @property
    def middleware(self) -> DefineMiddleware:
        return DefineMiddleware(SessionMiddleware, backend=LazyCookieBackend(self))

    def cookie_backend(self):
        """litestar's cookie backend for these settings (this imports cryptography)."""
        from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig

        return ClientSideSessionBackend(CookieBackendConfig(
            secret=self.secret, key=self.key, max_age=self.max_age, httponly=self.httponly,
            samesite=self.samesite, secure=self.secure, scopes=self.scopes, exclude=self.exclude,
            exclude_opt_key=self.exclude_opt_key))


class LazyCookieBackend(BaseSessionBackend[SessionCookieConfig]):
    """Answers what the cookie backend would for a request with no session cookie and no session
    to store (an empty session, no Set-Cookie); hands everything else to the cookie backend."""

    def __init__(self, config: SessionCookieConfig) -> None:
        super().__init__(config)
        # The cookie backend's own pattern: the key, or the key and a chunk number.
        self._cookie_name = re.compile(rf"{config.key}(?:-\d+)?")
        self._backend: BaseSessionBackend | None = None

    def _cookie_backend(self) -> BaseSessionBackend:
        if self._backend is None:
            self._backend = self.config.cookie_backend()
        return self._backend

    def _has_cookie(self, connection: ASGIConnection) -> bool:
        return any(self._cookie_name.fullmatch(key) for key in connection.cookies)

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        if not self._has_cookie(connection):
            return {}
        return await self._cookie_backend().load_from_connection(connection)

    async def store_in_message(self, scope_session: ScopeSession, message: Message,
                               connection: ASGIConnection) -> None:
        if (not scope_session or scope_session is Empty) and not self._has_cookie(connection):
            return
        await self._cookie_backend().store_in_message(scope_session, message, connection)

    def get_session_id(self, connection: ASGIConnection) -> str | None:
        return None
