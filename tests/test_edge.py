"""What every request passes through: security headers, HEAD, ids in range, no control characters."""

from __future__ import annotations

import html

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, func, select

from kb.models import Entity, Event
from kb.web.app import create_app
from tests.accounts import login, make_user

HUGE = "99999999999999999999"
PG_INT = str(2**31)          # one past PostgreSQL's INTEGER
PATHS = ["/claims/{}", "/contradictions/{}", "/api/claims/{}", "/api/sources/{}", "/sources/{}",
         "/verify/claims/{}", "/verify/contradictions/{}", "/ingest/{}", "/entities/{}/edit", "/claims/{}/edit",
         "/sources/{}/edit"]
QUERIES = ["/claims?page={}", "/claims.json?page={}", "/claims.csv?page={}", "/claims?source={}",
           "/claims.json?source={}", "/api/claims?source={}", "/api/claims?page={}", "/api/sources?page={}",
           "/api/entities?page={}", "/api/contradictions?page={}", "/sources?page={}", "/contradictions?page={}",
           "/changes?page={}", "/labs?page={}", "/models.json?page={}"]


@pytest.fixture(scope="module")
def world(db_factory):
    settings = db_factory.new(seeded=True)
    from kb.db import make_engine
    engine = make_engine(settings)
    with Session(engine) as session:
        make_user(session, "admin")
    yield settings, engine
    engine.dispose()
    db_factory.drop(settings)


@pytest.fixture(scope="module")
def admin(world):
    settings, _ = world
    with TestClient(app=create_app(settings)) as client:
        login(client, "admin")
        yield client


@pytest.mark.parametrize("number", [HUGE, PG_INT, "0", "-1", "-" + HUGE])
@pytest.mark.parametrize("path", PATHS)
def test_an_id_no_row_can_have_is_not_found(admin, path, number):
    response = admin.get(path.format(number), follow_redirects=False)
    assert response.status_code == 404, response.text[:300]


@pytest.mark.parametrize("number", [HUGE, PG_INT + "0000000000", "-5", "x"])
@pytest.mark.parametrize("path", QUERIES)
def test_a_query_number_out_of_range_is_a_bad_request(admin, path, number):
    response = admin.get(path.format(number), follow_redirects=False)
    assert response.status_code == 400, response.text[:300]
    assert ("page" if "page=" in path else "source") in response.text


@pytest.mark.parametrize("path", ["/", "/labs", "/claims/1", "/claims.json", "/claims.csv", "/api/claims",
                                  "/static/kb.css", "/no/such/page", "/claims?page=0", "/schema/openapi.json",
                                  "/api/claims/" + HUGE])
def test_every_response_carries_the_security_headers(admin, path):
    response = admin.get(path, follow_redirects=False)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


def test_a_server_error_carries_them_too(settings, monkeypatch):
    import kb.web.controllers.home as home

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(home, "home_page", broken)
    with TestClient(app=create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/")
    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_openapi_viewers_are_not_served(admin):
    for path in ("/schema/swagger", "/schema/redoc", "/schema/elements", "/schema/rapidoc"):
        assert admin.get(path).status_code == 404
    assert admin.get("/schema/openapi.json").json()["info"]["title"] == "kb"


def test_head_answers_wherever_get_does(admin):
    app = admin.app
    paths = sorted({route.path for route in app.routes if "GET" in getattr(route, "methods", ())
                    and "{" not in route.path})
    assert len(paths) > 25
    for path in paths:
        got, head = admin.get(path, follow_redirects=False), admin.head(path, follow_redirects=False)
        assert head.status_code == got.status_code != 405, path
        assert head.content == b""
        assert head.headers.get("content-type") == got.headers.get("content-type"), path
    assert admin.head("/claims/1").status_code == 200


def test_control_characters_in_the_url_are_refused_by_name(admin):
    response = admin.get("/search?q=Deep%00Seek")
    assert response.status_code == 400
    assert "query parameter" in response.text and "U+0000" in response.text
    api = admin.get("/api/claims?attribute=a%01b")
    assert api.status_code == 400 and "U+0001" in api.json()["detail"]
    assert admin.get("/labs/deep%00seek").status_code == 404
    assert admin.get("/search?q=tab%09and%0Anewline").status_code == 200


def test_control_characters_in_a_form_are_refused_and_nothing_is_written(world, admin):
    _, engine = world
    from tests.accounts import csrf_token
    token = csrf_token(admin, "/entities/new")
    with Session(engine) as session:
        entities = session.exec(select(func.count()).select_from(Entity)).one()
        events = session.exec(select(func.count()).select_from(Event)).one()
    response = admin.post("/entities", data={"kind": "lab", "name": "DeepSeek-R1\x00evil", "_csrf_token": token})
    assert response.status_code == 400
    assert "the field 'name' contains a control character (U+0000)" in html.unescape(response.text)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Entity)).one() == entities
        assert session.exec(select(func.count()).select_from(Event)).one() == events
