"""A real HTTP server for tests that need one: uvicorn on a free 127.0.0.1 port in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn

from kb.config import Settings
from kb.web.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """Serve kb for `settings` until the block ends; yields the base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name=f"kb-live-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def live_server_factory() -> Iterator[Callable[[Settings], str]]:
    """Body of a `live_server` fixture: call it with settings to get a running server's URL."""
    stack = []

    def start(settings: Settings) -> str:
        manager = serving(settings)
        url = manager.__enter__()
        stack.append(manager)
        return url

    yield start
    while stack:
        stack.pop().__exit__(None, None, None)
