"""The JSON API: shapes of DESIGN §5, paging, 404s, and an OpenAPI document that covers it all."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kb.web.app import create_app

CLAIM_KEYS = {"id", "subject", "attribute", "statement", "figure", "qualifiers", "status", "rank", "confidence",
              "citations", "version"}


@pytest.fixture
def client(seeded_settings):
    with TestClient(app=create_app(seeded_settings)) as client:
        yield client


def test_entities_list_and_detail(client):
    page = client.get("/api/entities?kind=lab&per_page=3").json()
    assert set(page) == {"items", "page", "per_page", "total", "total_is_exact", "next"} and len(page["items"]) == 3
    assert page["next"].startswith("/api/entities?") and "page=2" in page["next"]
    deepseek = client.get("/api/entities/lab/deepseek").json()
    assert deepseek["name"] == "DeepSeek" and "深度求索" in deepseek["aliases"]
    assert {"type", "direction", "entity"} == set(deepseek["relations"][0])
    assert all(CLAIM_KEYS == set(c) for c in deepseek["claims"])
    assert deepseek["contradictions"] and isinstance(deepseek["contradictions"][0]["claim_ids"][0], int)
    assert client.get("/api/entities/lab/nope").status_code == 404


def test_claims_filters_and_shape(client):
    data = client.get("/api/claims?subject=model:deepseek-v3&attribute=training_cost").json()
    assert data["total"] == len(data["items"]) >= 2
    claim = next(c for c in data["items"] if c["figure"]["low"] == 5.5e6)
    assert {c["figure"]["low"] for c in data["items"]} >= {5.5e6, 5.39e6}  # the article's and Epoch's
    assert set(claim) == CLAIM_KEYS
    assert claim["subject"] == {"kind": "model", "slug": "deepseek-v3", "name": claim["subject"]["name"]}
    assert set(claim["figure"]) == {"low", "high", "unit", "bound", "text"} and claim["figure"]["low"] == 5.5e6
    assert set(claim["citations"][0]) == {"source_id", "quote", "start", "end"}
    assert client.get(f"/api/claims/{claim['id']}").json() == claim
    statuses = {c["status"] for c in client.get("/api/claims?status=needs_verification&per_page=500").json()["items"]}
    assert statuses == {"needs_verification"}
    assert client.get("/api/claims?status=bogus").status_code == 400


def test_contradictions_and_sources(client):
    groups = client.get("/api/contradictions?status=open").json()["items"]
    assert groups and all(g["status"] == "open" for g in groups)
    assert [g["severity"] for g in groups] == sorted((g["severity"] for g in groups), reverse=True)
    sources = client.get("/api/sources").json()["items"]
    one = client.get(f"/api/sources/{sources[0]['id']}").json()
    assert one["title"] == sources[0]["title"] and isinstance(one["claim_ids"], list)
    assert one["published"] is None or len(one["published"]) == 10


def _resolve(schema: dict, node):
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def test_openapi_documents_every_api_route_with_resolvable_schemas(client):
    schema = client.get("/schema/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/entities", "/api/entities/{kind}/{slug}", "/api/claims", "/api/claims/{claim_id}",
                 "/api/contradictions", "/api/sources", "/api/sources/{source_id}", "/api/search"):
        ok = paths[path]["get"]["responses"]["200"]
        assert _resolve(schema, ok["content"]["application/json"]["schema"])["type"] == "object"
    assert not {"/labs", "/labs/{slug}", "/search", "/claims.json"} & set(paths), "reader pages stay out of it"
    claim = _resolve(schema, {"$ref": "#/components/schemas/ClaimOut"})
    assert set(claim["required"]) == CLAIM_KEYS
    per_page = next(p for p in paths["/api/claims"]["get"]["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 500

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                assert node["$ref"].rsplit("/", 1)[-1] in schema["components"]["schemas"], node["$ref"]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(schema)


def test_openapi_says_when_a_total_is_a_lower_bound(client):
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    for name in ("ClaimPageOut", "EntityPageOut", "ContradictionPageOut", "SourcePageOut"):
        props = schemas[name]["properties"]
        assert {"total", "total_is_exact"} <= set(schemas[name]["required"])
        assert props["total"]["type"] == "integer" and "lower bound" in props["total"]["description"]
        assert props["total_is_exact"]["type"] == "boolean" and props["total_is_exact"]["description"]


def test_api_answers_carry_no_csrf_cookie_and_pages_do(client):
    for path in ("/api/claims", "/api/entities", "/api/search?q=DeepSeek", "/api/contradictions", "/api/sources"):
        response = client.get(path)
        assert response.status_code == 200 and "set-cookie" not in response.headers, path
    assert "kb_csrf=" in client.get("/claims").headers["set-cookie"]
