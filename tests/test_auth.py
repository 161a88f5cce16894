"""Accounts: argon2 hashes, login and logout, session cookies, throttling, and the admin's user page."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, select

from kb.auth import authenticate, create_user, hash_password, verify_password
from kb.throttle import ThrottlePolicy, clear_failures, record_failure, retry_after
from kb.models import Event, User
from kb.services.errors import InvalidInput
from kb.transfer import export_json, load_data
from kb.web.app import create_app
from kb.web.auth import session_config
from tests.accounts import PASSWORD, csrf_token, login, make_user, make_users


@pytest.fixture
def client(settings):
    with TestClient(app=create_app(settings)) as client:
        yield client


def test_passwords_are_stored_as_argon2id_hashes(session):
    user = create_user(session=session, username="ada", password="lovelace-1843", role="editor")
    session.commit()
    assert user.password_hash.startswith("$argon2id$")
    assert "lovelace-1843" not in user.password_hash
    assert verify_password(user.password_hash, "lovelace-1843")
    assert not verify_password(user.password_hash, "lovelace-1844")
    assert authenticate(session=session, username="ada", password="lovelace-1843").id == user.id
    assert authenticate(session=session, username="ada", password="wrong-password") is None
    assert authenticate(session=session, username="nobody", password="lovelace-1843") is None


@pytest.mark.parametrize("username, password, role, field", [
    ("ada", "short", "editor", "password"),
    ("ada lovelace", "long enough", "editor", "username"),
    ("ada", "long enough", "wizard", "role"),
])
def test_bad_accounts_are_refused_by_field(session, username, password, role, field):
    with pytest.raises(InvalidInput) as caught:
        create_user(session=session, username=username, password=password, role=role)
    assert field in caught.value.errors
    assert session.exec(select(User)).all() == []


def test_usernames_are_unique(session):
    create_user(session=session, username="ada", password="long enough", role="editor")
    with pytest.raises(InvalidInput, match="taken"):
        create_user(session=session, username="ada", password="other enough", role="reader")


def test_inactive_users_cannot_log_in(session):
    user = make_user(session, "editor")
    user.is_active = False
    session.commit()
    assert authenticate(session=session, username=user.username, password=PASSWORD) is None


def test_session_cookie_is_httponly_and_samesite(settings, session, client):
    make_user(session, "editor")
    token = csrf_token(client)
    response = client.post("/login", data={"username": "editor", "password": PASSWORD, "_csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    cookies = [c for c in response.headers.get_list("set-cookie") if c.startswith("kb_session=")]
    assert cookies, response.headers
    attributes = [a.strip().lower() for a in cookies[0].split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes  # plain http in development
    assert PASSWORD not in cookies[0]


def test_cookies_are_secure_outside_development(settings):
    production = replace(settings, environment="production", secret_key="a real secret")
    assert session_config(production).secure is True
    assert session_config(settings).secure is False


def test_wrong_password_keeps_the_username_but_never_the_password(session, client):
    make_user(session, "editor")
    token = csrf_token(client)
    response = client.post("/login", data={"username": "editor", "password": "not-the-password",
                                           "_csrf_token": token})
    assert response.status_code == 400
    assert "Wrong username or password" in response.text
    assert 'value="editor"' in response.text
    assert "not-the-password" not in response.text
    assert client.get("/users", follow_redirects=False).status_code == 303


def test_login_is_throttled_per_username_and_address(session, client):
    make_user(session, "editor")
    make_user(session, "admin")
    token = csrf_token(client)
    for _ in range(5):
        assert client.post("/login", data={"username": "editor", "password": "guess",
                                           "_csrf_token": token}).status_code == 400
    blocked = client.post("/login", data={"username": "editor", "password": PASSWORD, "_csrf_token": token})
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.text
    # Another account from the same address is not locked out.
    assert client.post("/login", data={"username": "admin", "password": PASSWORD, "_csrf_token": token},
                       follow_redirects=False).status_code == 303


def test_throttle_forgets_failures_after_its_window(session):
    now = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    policy = ThrottlePolicy(max_failures=3, window=timedelta(seconds=60))
    for _ in range(3):
        assert retry_after(session=session, username="ada", address="10.0.0.1", policy=policy, now=now) == 0
        record_failure(session=session, username="ada", address="10.0.0.1", policy=policy, now=now)
    session.commit()
    assert retry_after(session=session, username="ada", address="10.0.0.1", policy=policy, now=now) > 0
    assert retry_after(session=session, username="ADA", address="10.0.0.1", policy=policy, now=now) > 0
    assert retry_after(session=session, username="ada", address="10.0.0.2", policy=policy, now=now) == 0
    later = now + timedelta(seconds=61)
    assert retry_after(session=session, username="ada", address="10.0.0.1", policy=policy, now=later) == 0
    record_failure(session=session, username="ada", address="10.0.0.1", policy=policy, now=later)
    clear_failures(session=session, username="ada", address="10.0.0.1")
    assert retry_after(session=session, username="ada", address="10.0.0.1", policy=policy, now=later) == 0


def test_logout_is_a_post_with_a_token(session, client):
    make_user(session, "admin")
    token = login(client, "admin")
    assert client.get("/users").status_code == 200
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 403
    assert client.get("/users").status_code == 200
    response = client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/users", follow_redirects=False).status_code == 303


def test_login_returns_only_to_local_pages(session, client):
    make_user(session, "editor")
    token = csrf_token(client)
    for target, expected in [("/verify?kind=drift", "/verify?kind=drift"), ("//evil.example/x", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")]:
        response = client.post("/login", data={"username": "editor", "password": PASSWORD, "next": target,
                                               "_csrf_token": token}, follow_redirects=False)
        assert response.headers["location"] == expected


def test_anonymous_visitors_are_sent_to_login_and_back(client):
    response = client.get("/verify?kind=drift", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/verify%3Fkind%3Ddrift"


def test_changing_a_password_or_deactivating_ends_sessions(session, settings):
    editor = make_user(session, "editor")
    admin = make_user(session, "admin")
    app = create_app(settings)
    with TestClient(app=app) as editor_client, TestClient(app=app) as admin_client:
        login(editor_client, "editor")
        admin_token = login(admin_client, "admin")
        assert editor_client.get("/verify").status_code == 200
        response = admin_client.post(f"/users/{editor.id}", data={"password": "a brand new one",
                                                                  "_csrf_token": admin_token},
                                     follow_redirects=False)
        assert response.status_code == 303
        assert editor_client.get("/verify", follow_redirects=False).status_code == 303
        login(editor_client, "editor", "a brand new one")
        assert editor_client.get("/verify").status_code == 200
        admin_client.post(f"/users/{editor.id}", data={"is_active": "0", "_csrf_token": admin_token})
        assert editor_client.get("/verify", follow_redirects=False).status_code == 303
    session.expire_all()
    assert session.get(User, admin.id).role == "admin"


def test_admin_manages_users(session, client):
    make_users(session)
    token = login(client, "admin")
    page = client.get("/users")
    assert page.status_code == 200 and "fact-checker" in page.text
    assert "$argon2" not in page.text
    bad = client.post("/users", data={"username": "new", "password": "short", "role": "editor",
                                      "_csrf_token": token})
    assert bad.status_code == 422 and "at least 8 characters" in bad.text and 'value="new"' in bad.text
    assert "short" not in bad.text.split("at least 8 characters")[0][-200:]
    made = client.post("/users", data={"username": "new", "password": "long enough!", "role": "editor",
                                       "_csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303
    session.expire_all()
    user = session.exec(select(User).where(User.username == "new")).one()
    assert user.role == "editor"
    me = session.exec(select(User).where(User.username == "admin")).one()
    demote = client.post(f"/users/{me.id}", data={"role": "reader", "_csrf_token": token})
    assert demote.status_code == 422 and "cannot demote" in demote.text


def test_passwords_never_reach_logs_pages_events_or_exports(settings, engine, caplog):
    secret = "Tr0ub4dor&3-unique"
    with Session(engine) as session:
        create_user(session=session, username="ada", password=secret, role="admin")
        session.commit()
    caplog.set_level(logging.DEBUG)
    with TestClient(app=create_app(settings)) as client:
        token = csrf_token(client)
        client.post("/login", data={"username": "ada", "password": "wrong " + secret, "_csrf_token": token})
        client.post("/login", data={"username": "ada", "password": secret, "_csrf_token": token})
        pages = [client.get(path).text for path in ("/", "/users", "/verify", "/login")]
        client.post("/users", data={"username": "bob", "password": secret + "-bob", "role": "editor",
                                    "_csrf_token": token})
    assert secret not in caplog.text
    assert all(secret not in text for text in pages)
    from kb.exports import export_format
    with engine.connect() as connection:
        dump = export_json(connection)
        others = [export_format(connection, fmt, base_url="http://kb.test") for fmt in ("csv", "claimreview")]
    assert secret not in dump
    assert all(secret not in text and "$argon2" not in text for text in others)
    data = json.loads(dump)
    hashes = [row["password_hash"] for row in data["user"]]
    assert len(hashes) == 2 and all(h.startswith("$argon2id$") for h in hashes)
    with Session(engine) as session:
        events = session.exec(select(Event).where(Event.object_type == "user")).all()
    assert events and all("password_hash" not in json.dumps([e.before, e.after]) for e in events)
    assert all(secret not in json.dumps([e.before, e.after, e.note]) for e in events)


def test_exported_hashes_load_back_and_still_log_in(engine, settings, db_factory):
    with Session(engine) as session:
        create_user(session=session, username="ada", password="lovelace-1843", role="editor")
        session.commit()
    with engine.connect() as connection:
        dump = json.loads(export_json(connection))
    other = db_factory.new(seeded=False)
    try:
        from kb.db import make_engine
        target = make_engine(other)
        with target.begin() as connection:
            load_data(connection, dump)
        with Session(target) as session:
            assert authenticate(session=session, username="ada", password="lovelace-1843") is not None
        target.dispose()
    finally:
        db_factory.drop(other)


def test_refusals_are_pages_that_say_why(session, client):
    make_users(session)
    login(client, "reader")
    wrong_role = client.get("/verify")
    assert wrong_role.status_code == 403 and "text/html" in wrong_role.headers["content-type"]
    assert "needs the editor role" in wrong_role.text and "logged in as reader" in wrong_role.text
    no_token = client.post("/logout")
    assert no_token.status_code == 403 and "has expired or was not sent from kb" in no_token.text
