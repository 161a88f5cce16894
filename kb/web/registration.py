"""Keeps Litestar from wrapping a `sync_to_thread` handler twice when another handler shares its path.

Litestar 2.25 calls `on_registration` again for every handler already on a path each time a new
handler joins that path (GET /claims, then POST /claims). A sync handler with `sync_to_thread=True`
is then wrapped a second time and returns an unawaited coroutine: the page fails with a 500.
"""

from __future__ import annotations

from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute
from litestar.utils.sync import AsyncCallable


class SingleThreadWrap(ReceiveRoutePlugin):
    """Undo the extra thread wrappers as each route is registered."""

    def receive_route(self, route: BaseRoute) -> None:
        for handler in getattr(route, "route_handlers", []):
            fn = getattr(handler, "_fn", None)
            if isinstance(fn, AsyncCallable) and isinstance(fn.func, AsyncCallable):
                while isinstance(fn.func, AsyncCallable):
                    fn = fn.func
                handler._fn = fn
                handler.has_sync_callable = False
