"""Sessions live in the database: logout, account changes and an admin end them; lifetimes are settings;
failed logins are counted there too, per real client address."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, func, select

from kb.config import SettingsError, settings_from_env
from kb.models import LoginSession, User
from kb.models.base import utcnow
from kb.sessions import Lifetimes, active_user, start_session
from kb.web.app import create_app
from kb.web.client import real_address
from tests.accounts import PASSWORD, csrf_token, login, make_user


def _sessions(engine, user_id: int) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(LoginSession)
                            .where(LoginSession.user_id == user_id)).one()


def test_a_cookie_copied_before_logout_no_longer_opens_anything(settings, engine, session):
    editor = make_user(session, "editor")
    app = create_app(settings)
    with TestClient(app=app) as browser, TestClient(app=app) as thief:
        token = login(browser, "editor")
        thief.cookies.set("kb_session", browser.cookies.get("kb_session"))
        assert thief.get("/verify").status_code == 200
        assert _sessions(engine, editor.id) == 1
        assert browser.post("/logout", data={"_csrf_token": token}, follow_redirects=False).status_code == 303
        response = thief.get("/verify", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert _sessions(engine, editor.id) == 0


def test_a_role_change_ends_the_users_sessions(settings, engine, session):
    editor = make_user(session, "editor")
    make_user(session, "admin")
    app = create_app(settings)
    with TestClient(app=app) as editor_client, TestClient(app=app) as admin_client:
        login(editor_client, "editor")
        token = login(admin_client, "admin")
        # Saving the form unchanged (same role, still active) keeps the session.
        admin_client.post(f"/users/{editor.id}", data={"role": "editor", "is_active": "1", "_csrf_token": token})
        assert editor_client.get("/verify").status_code == 200
        admin_client.post(f"/users/{editor.id}", data={"role": "fact_checker", "_csrf_token": token})
        assert editor_client.get("/verify", follow_redirects=False).status_code == 303
    assert _sessions(engine, editor.id) == 0


def test_an_admin_signs_a_user_out_everywhere(settings, engine, session):
    editor = make_user(session, "editor")
    make_user(session, "admin")
    app = create_app(settings)
    with TestClient(app=app) as a, TestClient(app=app) as b, TestClient(app=app) as admin:
        login(a, "editor")
        login(b, "editor")
        token = login(admin, "admin")
        page = admin.get("/users")
        assert f'action="/users/{editor.id}/sessions"' in page.text
        response = admin.post(f"/users/{editor.id}/sessions", data={"_csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303
        assert "Signed out editor" in admin.get(response.headers["location"]).text
        for client in (a, b):
            assert client.get("/verify", follow_redirects=False).status_code == 303
        assert admin.get("/users").status_code == 200
    assert _sessions(engine, editor.id) == 0


def test_sessions_end_after_their_idle_and_absolute_lifetimes(session):
    user = make_user(session, "editor")
    limits = Lifetimes(idle=timedelta(hours=1), absolute=timedelta(days=1))
    token = start_session(session=session, user=user)
    session.commit()
    now = utcnow()
    assert active_user(session=session, token=token, lifetimes=limits, now=now + timedelta(minutes=50)).id == user.id
    # Used 50 minutes in, so still alive 100 minutes in; but never past a day.
    assert active_user(session=session, token=token, lifetimes=limits, now=now + timedelta(minutes=100)) is not None
    assert active_user(session=session, token=token, lifetimes=limits, now=now + timedelta(minutes=170)) is None
    other = start_session(session=session, user=user)
    session.commit()
    for minutes in range(50, 24 * 60, 50):
        assert active_user(session=session, token=other, lifetimes=limits,
                           now=now + timedelta(minutes=minutes)) is not None
    assert active_user(session=session, token=other, lifetimes=limits, now=now + timedelta(days=1, minutes=1)) is None
    assert active_user(session=session, token="not-a-token", lifetimes=limits) is None


def test_lifetimes_are_settings(settings, session):
    make_user(session, "editor")
    short = replace(settings, session_idle_hours=1 / 3600 / 100)   # about a hundredth of a second
    with TestClient(app=create_app(short)) as client:
        login(client, "editor")
        import time
        time.sleep(0.05)
        assert client.get("/verify", follow_redirects=False).status_code == 303


def test_failed_logins_are_counted_across_workers(settings, session):
    make_user(session, "editor")
    # Two apps on one database stand for two worker processes.
    one, two = create_app(settings), create_app(settings)
    with TestClient(app=one) as a, TestClient(app=two) as b:
        for client in (a, b, a, b, a):
            token = csrf_token(client)
            assert client.post("/login", data={"username": "editor", "password": "guess",
                                               "_csrf_token": token}).status_code == 400
        token = csrf_token(b)
        blocked = b.post("/login", data={"username": "editor", "password": PASSWORD, "_csrf_token": token})
        assert blocked.status_code == 429


class FromPeer:
    """The app as reached from `host` (the test client always says "testclient")."""

    def __init__(self, app, host: str):
        self.app, self.host = app, host

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            scope = {**scope, "client": (self.host, 50000)}
        await self.app(scope, receive, send)


def test_behind_a_trusted_proxy_the_forwarded_address_is_throttled(settings, session):
    make_user(session, "editor")
    proxied = replace(settings, trusted_proxies=("10.0.0.0/8",))
    with TestClient(app=FromPeer(create_app(proxied), "10.0.0.2")) as client:
        token = csrf_token(client)

        def attempt(address: str, password: str = "guess") -> int:
            return client.post("/login", data={"username": "editor", "password": password, "_csrf_token": token},
                               headers={"x-forwarded-for": address}, follow_redirects=False).status_code
        for _ in range(5):
            assert attempt("203.0.113.7") == 400
        assert attempt("203.0.113.7", PASSWORD) == 429
        # Another reader behind the same proxy is not locked out by the attacker.
        assert attempt("198.51.100.2", PASSWORD) == 303


@pytest.mark.parametrize("peer, forwarded, proxies, expected", [
    ("203.0.113.7", ["198.51.100.1"], (), "203.0.113.7"),                  # no proxy trusted: header ignored
    ("203.0.113.7", ["198.51.100.1"], ("10.0.0.0/8",), "203.0.113.7"),     # peer is not a trusted proxy
    ("10.0.0.2", ["198.51.100.1"], ("10.0.0.0/8",), "198.51.100.1"),
    ("10.0.0.2", ["1.2.3.4, 198.51.100.1, 10.0.0.9"], ("10.0.0.0/8",), "198.51.100.1"),  # spoofed left entry
    ("10.0.0.2", ["1.2.3.4", "198.51.100.1"], ("10.0.0.0/8",), "198.51.100.1"),  # repeated headers
    ("10.0.0.2", [], ("10.0.0.0/8",), "10.0.0.2"),
    ("::1", ["2001:db8::5"], ("::1",), "2001:db8::5"),
])
def test_real_address(peer, forwarded, proxies, expected):
    assert real_address(peer, forwarded, proxies) == expected


@pytest.mark.parametrize("env, message", [
    ({"KB_ENV": "production", "KB_SECRET_KEY": "x"}, "at least 32 bytes"),
    ({"KB_ENV": "production"}, "must be set"),
    ({"KB_ENV": "staging"}, "KB_ENV"),
    ({"KB_WORKERS": "0"}, "KB_WORKERS"),
    ({"KB_WORKERS": "two"}, "KB_WORKERS"),
    ({"KB_TRUSTED_PROXIES": "10.0.0.0/8, proxy.example"}, "KB_TRUSTED_PROXIES"),
    ({"KB_SESSION_IDLE_HOURS": "-1"}, "KB_SESSION_IDLE_HOURS"),
])
def test_unsafe_or_unusable_settings_are_refused(env, message):
    with pytest.raises(SettingsError, match=message):
        settings_from_env(env)


def test_production_settings_with_a_long_secret_are_accepted():
    settings = settings_from_env({"KB_ENV": "production", "KB_SECRET_KEY": "k" * 32, "KB_WORKERS": "4",
                                  "KB_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8", "KB_SESSION_MAX_DAYS": "7"})
    assert settings.workers == 4 and settings.trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    assert settings.session_max_days == 7


def test_a_deactivated_users_session_opens_nothing(session):
    user = make_user(session, "editor")
    token = start_session(session=session, user=user)
    user.is_active = False
    session.add(user)
    session.commit()
    assert active_user(session=session, token=token,
                       lifetimes=Lifetimes(idle=timedelta(hours=1), absolute=timedelta(days=1))) is None
    assert session.get(User, user.id) is not None
