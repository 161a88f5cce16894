"""`serve --workers 2`: two processes on one database, sharing sessions and the login throttle."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from sqlmodel import Session

from kb.config import PROJECT_ROOT
from tests.accounts import PASSWORD, make_user
from tests.live import free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def served(seeded_settings, seeded_engine):
    with Session(seeded_engine) as session:
        make_user(session, "editor")
    port = free_port()
    env = {**os.environ, "KB_DATABASE_URL": seeded_settings.database_url, "KB_ENV": "test",
           "KB_SECRET_KEY": "a-test-secret-that-is-long-enough-for-production"}
    process = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "2"],
                               cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/static/kb.css", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"serve did not start: {process.stdout.read().decode(errors='replace')}")
        time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _token(client: httpx.Client) -> str:
    import re
    return re.search(r'name="_csrf_token" value="([^"]+)"', client.get("/login").text).group(1)


def test_two_workers_share_sessions_and_the_throttle(served):
    with httpx.Client(base_url=served) as client:
        assert client.head("/").status_code == 200
        # Many requests land on both workers; a session made by one is honoured (and ended) by all.
        token = _token(client)
        assert client.post("/login", data={"username": "editor", "password": PASSWORD,
                                           "_csrf_token": token}).status_code == 303
        assert all(client.get("/verify").status_code == 200 for _ in range(10))
        cookie = client.cookies.get("kb_session")
        client.post("/logout", data={"_csrf_token": token})
    with httpx.Client(base_url=served, cookies={"kb_session": cookie}) as stale:
        assert all(stale.get("/verify").status_code == 303 for _ in range(10))
    statuses = []
    for _ in range(7):
        with httpx.Client(base_url=served) as client:   # a fresh connection each time: either worker
            statuses.append(client.post("/login", data={"username": "editor", "password": "guess",
                                                        "_csrf_token": _token(client)}).status_code)
    assert statuses[:5] == [400] * 5 and statuses[5:] == [429, 429]
