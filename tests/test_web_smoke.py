"""The app starts and serves its home page."""

from litestar.testing import TestClient

from kb.web.app import create_app


def test_home_page_renders(seeded_settings):
    with TestClient(app=create_app(seeded_settings)) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert "claims" in response.text
