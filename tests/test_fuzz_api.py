"""Schemathesis against kb's own OpenAPI document: every read endpoint, valid and invalid inputs.

No input may make the server fail (status 500), and every answer carries the security headers. The
examples per endpoint are bounded and derandomized so that a CI run is quick and repeatable.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from litestar.testing import TestClient

from kb.config import Settings
from kb.web.app import create_app

EXAMPLES = 40


def _document() -> dict:
    # Building the app connects to nothing, so the document is read without a database.
    app = create_app(Settings(database_url="sqlite:///:memory:", environment="test"))
    return app.openapi_schema.to_schema()


schema = schemathesis.openapi.from_dict(_document()).include(method="GET")


@pytest.fixture(scope="module")
def client(db_factory):
    database = db_factory.new(seeded=True)
    with TestClient(app=create_app(database), raise_server_exceptions=False) as client:
        yield client
    db_factory.drop(database)


def _url(case) -> str:
    # The generated path parameters go in percent-encoded, as a real client would send them.
    path = case.operation.path
    for name, value in (case.path_parameters or {}).items():
        path = path.replace(f"{{{name}}}", quote(str(value), safe=""))
    return path


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case, client):
    response = client.get(_url(case), params=case.query or None, headers=case.headers or None,
                          follow_redirects=False)
    assert response.status_code < 500, f"GET {response.request.url}: {response.text[:500]}"
    assert response.headers.get("x-content-type-options") == "nosniff"
    if response.status_code >= 400 and case.operation.path.startswith("/api/"):
        assert response.json()["detail"], "an error says what was wrong"
