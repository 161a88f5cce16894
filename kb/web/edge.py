"""What every request and response passes through before routing and after the handler.

- Security headers on every response (pages, JSON, CSV, errors, static files, Litestar's own 404s).
- HEAD answered wherever GET is, with the same headers and no body.
- Ids and text from the URL checked once, here: an id no row can have is a 404 on both databases,
  not a driver's overflow error; a control character in a query parameter is a 400 that names it.
"""

from __future__ import annotations

from litestar import Request
from litestar.exceptions import NotFoundException, ValidationException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from kb.textcheck import problem_in

# Ids are 32-bit integers on PostgreSQL (SERIAL); SQLite's 64-bit ones never get this far.
MAX_ID = 2**31 - 1

# No inline script or style anywhere: the templates link /static files only.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def security_headers(*, https: bool) -> list[tuple[bytes, bytes]]:
    headers = {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "same-origin",
        "cross-origin-opener-policy": "same-origin",
    }
    if https:
        headers["strict-transport-security"] = "max-age=31536000"
    return [(k.encode(), v.encode()) for k, v in headers.items()]


def parse_id(text: str) -> int | None:
    """An id written in ASCII digits and within range, or None ("12", not "１２", "²" or "1e3")."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class Edge:
    """Wraps the app's ASGI handler: HEAD as GET without a body, and the security headers."""

    def __init__(self, app: ASGIApp, *, https: bool):
        self.app = app
        self.headers = security_headers(https=https)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            # A copy: the server keeps its own scope, and must still know the request was HEAD to
            # expect no body after the GET's Content-Length (uvicorn's httptools protocol asks it).
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def check_request(request: Request) -> None:
    """Before any handler: ids in range, and no control characters in the path or the query."""
    for name, value in request.path_params.items():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise NotFoundException(detail=f"no {name.removesuffix('_id')} {value}")
        if isinstance(value, str) and problem_in(value):
            raise NotFoundException(detail=f"no such page ({name} {problem_in(value)})")
    for name, value in request.query_params.multi_items():
        problem = problem_in(name) or problem_in(value)
        if problem:
            raise ValidationException(detail=f"query parameter {name!r} {problem}")
