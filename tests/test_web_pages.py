"""Every reader page renders from the seeds, is reachable from home, and errors look like the site."""

from __future__ import annotations

import re
from collections import deque

import pytest
from litestar.testing import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import select

from kb.models import Claim, Contradiction, Source
from kb.web.app import create_app


@pytest.fixture
def client(seeded_settings):
    with TestClient(app=create_app(seeded_settings)) as client:
        yield client


def html(response):
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return LexborHTMLParser(response.text)


def first_ids(settings):
    from kb.db import make_engine
    engine = make_engine(settings)
    with engine.connect() as c:
        ids = (c.execute(select(Claim.id).order_by(Claim.id)).scalar(),
               c.execute(select(Source.id).order_by(Source.id)).scalar(),
               c.execute(select(Contradiction.id).order_by(Contradiction.id)).scalar())
    engine.dispose()
    return ids


PAGES = ["/", "/labs", "/labs/deepseek", "/models", "/models/deepseek-v3", "/techniques", "/chips", "/products",
         "/topics", "/claims", "/claims?status=unverified&sort=confidence", "/sources", "/contradictions",
         "/contradictions?status=open", "/changes", "/search?q=DeepSeek", "/search", "/charts",
         "/charts?attribute=training_cost"]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_with_a_heading_and_the_stylesheet(client, path):
    doc = html(client.get(path))
    assert doc.css_first("h1").text().strip()
    assert doc.css_first('link[rel="stylesheet"]').attributes["href"] == "/static/kb.css"
    assert doc.css_first("main#main") is not None


def test_detail_pages_render(client, seeded_settings):
    claim_id, source_id, contradiction_id = first_ids(seeded_settings)
    for path in (f"/claims/{claim_id}", f"/sources/{source_id}", f"/contradictions/{contradiction_id}"):
        assert html(client.get(path)).css_first("h1")


def test_deepseek_lab_page_shows_both_training_costs_side_by_side_with_sources(client):
    doc = html(client.get("/labs/deepseek"))
    section = doc.css_first("#roll-training_cost").parent
    rows = {r.css_first("th").text(strip=True): r.text(separator=" ") for r in section.css("tbody tr")}
    assert "$5.5M" in rows["DeepSeek-V3"] and "CustomClanker" in rows["DeepSeek-V3"]
    assert "$5.8M" in rows["DeepSeek-V2"] and "AINews" in rows["DeepSeek-V2"]
    assert section.css("a.conflict"), "the conflicting figures link to their contradiction"
    assert doc.css_first("section.attention"), "the lab's open contradiction is flagged at the top"


def test_lab_page_links_its_models_and_techniques(client):
    doc = html(client.get("/labs/deepseek"))
    links = {a.attributes["href"] for a in doc.css("dl.relations a")}
    assert "/models/deepseek-v3" in links
    assert any(h.startswith("/techniques/") for h in links)


def test_technique_page_names_its_origin_lab_and_users(client):
    doc = html(client.get("/techniques/multi-head-latent-attention"))
    labels = [dt.text() for dt in doc.css("dl.relations dt")]
    assert "Origin lab" in labels
    assert any(a.attributes["href"] == "/labs/deepseek" for a in doc.css("dl.relations a"))


def _route_of(path: str) -> str:
    path = path.split("?")[0]
    path = re.sub(r"/\d+(\.csl\.json|\.bib)?$", lambda m: "/{id}" + (m.group(1) or ""), path)
    return re.sub(r"^/(labs|models|techniques|chips|products|topics)/[^/]+$", r"/\1/{slug}", path)


def test_every_reader_page_is_reachable_by_clicking_from_home(client):
    wanted = {"/labs", "/labs/{slug}", "/models", "/models/{slug}", "/techniques", "/techniques/{slug}",
              "/chips", "/chips/{slug}", "/products", "/products/{slug}", "/topics", "/topics/{slug}",
              "/claims", "/claims/{id}", "/sources", "/sources/{id}", "/sources/{id}.bib",
              "/sources/{id}.csl.json", "/contradictions", "/contradictions/{id}", "/changes", "/charts",
              "/claims.json", "/claims.csv", "/sources.json", "/changes.csv"}
    seen_routes, seen, queue = set(), {"/"}, deque(["/"])
    while queue and len(seen) < 400 and not wanted <= seen_routes:
        path = queue.popleft()
        response = client.get(path)
        assert response.status_code == 200, path
        if not response.headers["content-type"].startswith("text/html"):
            continue
        for a in LexborHTMLParser(response.text).css("a[href]"):
            href = a.attributes["href"].split("#")[0]
            if href.startswith("/") and not href.startswith("/static") and href not in seen:
                route = _route_of(href)
                if route not in seen_routes:
                    seen_routes.add(route)
                    seen.add(href)
                    queue.append(href)
    # The search page is reached through the search form in every page's header.
    assert html(client.get("/")).css_first('form[role="search"]').attributes["action"] == "/search"
    assert wanted <= seen_routes, wanted - seen_routes


def test_unknown_pages_get_the_styled_404(client):
    for path in ("/labs/no-such-lab", "/claims/999999", "/sources/999999", "/contradictions/999999", "/nowhere"):
        response = client.get(path)
        assert response.status_code == 404
        doc = LexborHTMLParser(response.text)
        assert doc.css_first("h1").text() == "Not found"
        assert doc.css_first('link[rel="stylesheet"]')


def test_api_404_is_json(client):
    response = client.get("/api/claims/999999")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


def test_server_errors_get_the_styled_500_without_internals(seeded_settings, monkeypatch):
    import kb.web.controllers.home as home

    def broken(session):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(home, "home_page", broken)
    with TestClient(app=create_app(seeded_settings), raise_server_exceptions=False) as client:
        response = client.get("/")
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert LexborHTMLParser(response.text).css_first("h1").text() == "Something went wrong"


def test_nothing_is_loaded_from_outside_the_site(client):
    doc = html(client.get("/labs/deepseek"))
    for node in doc.css("[src], link[href], script"):
        for attr in ("src", "href"):
            value = node.attributes.get(attr) or ""
            assert not re.match(r"^(https?:)?//", value), value
    assert not [s for s in doc.css("script") if s.attributes.get("type") != "application/ld+json"]


def test_base_template_leaves_room_for_account_links(client):
    doc = html(client.get("/"))
    assert doc.css_first("header.site .account") is not None
