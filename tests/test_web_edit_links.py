"""Editors reach the forms from the pages they read; readers see no edit links."""

import pytest
from litestar.testing import TestClient

from kb.web.app import create_app
from tests.accounts import login, make_user

PAGES = {
    "/labs/deepseek": ["/entities/", "/claims/new?subject=lab:deepseek"],
    "/labs": ["/entities/new"],
    "/sources": ["/sources/new", "/ingest"],
}


@pytest.fixture
def client(seeded_settings, seeded_session):
    make_user(seeded_session, "editor")
    with TestClient(app=create_app(seeded_settings)) as client:
        yield client


def test_editor_sees_links_to_the_forms(client, seeded_session):
    login(client, "editor")
    source_id = client.get("/api/sources").json()["items"][0]["id"]
    pages = {**PAGES, f"/sources/{source_id}": [f"/sources/{source_id}/edit", f"/ingest/{source_id}"]}
    for path, links in pages.items():
        html = client.get(path).text
        for link in links:
            assert f'href="{link}' in html, f"{path} lacks a link to {link}"
            if not link.endswith("/"):  # "/entities/" is a prefix of the entity's own edit link
                assert client.get(link).status_code == 200, link


def test_anonymous_reader_sees_no_edit_links(client):
    html = client.get("/labs/deepseek").text
    assert "/claims/new" not in html and "/edit" not in html
