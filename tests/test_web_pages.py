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


def test_deepseek_lab_page_shows_its_models_figures_in_one_aligned_table(client):
    doc = html(client.get("/labs/deepseek"))
    table = doc.css_first("table.models-table")
    columns = [th.text(strip=True) for th in table.css("thead th")]
    cost = columns.index("Training cost")
    rows = {r.css_first("th").text(strip=True): r.css("th, td") for r in table.css("tbody tr")}
    assert {"DeepSeek-V2", "DeepSeek-V3", "DeepSeek-R1", "DeepSeek V4 Pro"} <= set(rows)
    assert all(len(cells) == len(columns) for cells in rows.values()), "every row has every column"
    assert rows["DeepSeek-V3"][cost].text(strip=True).startswith("~$5.5M")
    assert rows["DeepSeek-V2"][cost].text(strip=True).startswith("$5.8M")
    assert rows["DeepSeek-V3"][cost].css_first("a.conflict"), "a conflict is marked in its cell"
    assert doc.css_first("section.attention"), "the lab's open contradiction is flagged at the top"
    ordered = html(client.get("/labs/deepseek?_sort_desc=training_cost")).css("table.models-table tbody tr")
    assert [r.css_first("th").text(strip=True) for r in ordered][:3] == ["DeepSeek-R1", "DeepSeek-V2", "DeepSeek-V3"]


def test_deepseek_v3_page_shows_the_dispute_and_epochs_cost_beside_the_articles(client):
    doc = html(client.get("/models/deepseek-v3"))
    assert "Contradiction #" in doc.css_first("section.attention").text(), "the dispute box, on a model's page"
    group = doc.css_first("tbody#attr-training_cost")
    assert group.css_first("tr.group-head a.conflict"), "the group links its contradiction"
    rows = [r.text(separator=" ") for r in group.css("tr[id^=claim-]")]
    assert any("$5.5M" in r and "CustomClanker" in r for r in rows), "the article's figure"
    assert any("$5.39M" in r and "Epoch AI" in r for r in rows), "Epoch's figure"
    assert any("$5.8M" in r and "DeepSeek" in r for r in rows), "the lab's figure it conflicts with"


def test_every_entity_kind_gets_the_dispute_box_and_the_statement_table(client):
    for path in ("/labs/deepseek", "/models/deepseek-v3", "/techniques/multi-head-latent-attention"):
        doc = html(client.get(path))
        assert doc.css_first("section.attention") and doc.css_first("table.statements tbody.statement-group"), path


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
