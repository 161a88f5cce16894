"""Lists: filters, facets, hidden statuses, paging limits, .json/.csv twins, and no N+1 queries."""

from __future__ import annotations

import csv
import io

import pytest
from litestar.testing import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlmodel import Session, select

from kb.models import Alias, Claim, Relation
from kb.names import normalize_name
from kb.web import listing
from kb.web.app import create_app
from kb.web.contexts.claims import claim_list
from kb.web.listing import Query, capped_count
from kb.web.pagination import Paging
from tests.web_factories import QueryCounter, make_claim, make_contradiction, make_entity, make_source


@pytest.fixture
def small(settings, engine):
    with Session(engine, expire_on_commit=False) as session:
        lab = make_entity(session, name="Lab One", slug="lab-one")
        model = make_entity(session, name="Model One", kind="model", slug="model-one", parent_id=lab.id)
        source = make_source(session, title="Report", text="Model One cost $5M. Lab One raised $9M.")
        for i in range(12):
            make_claim(session, model, source=source, value=float(i + 1), statement=f"Model One figure {i}")
        make_claim(session, lab, source=source, status="proposed", statement="Proposed lab claim")
        make_claim(session, lab, source=source, status="needs_verification", statement="Check me")
        session.commit()
    with TestClient(app=create_app(settings)) as client:
        yield client


LISTS = ["/labs", "/models", "/techniques", "/chips", "/products", "/topics", "/claims", "/sources",
         "/contradictions", "/changes"]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_has_json_and_csv_twins(small, path):
    data = small.get(f"{path}.json?per_page=5").json()
    assert set(data) == {"items", "page", "per_page", "total", "total_is_exact", "next"}
    assert data["total_is_exact"] is True and data["page"] == 1 and data["per_page"] == 5 and len(data["items"]) <= 5
    if data["total"] > 5:
        assert data["next"].startswith(f"{path}.json?") and "page=2" in data["next"]
        assert small.get(data["next"]).json()["page"] == 2
    response = small.get(f"{path}.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] and all(len(r) == len(rows[0]) for r in rows)
    html = small.get(path)
    doc = LexborHTMLParser(html.text)
    assert {a.attributes["href"].split("?")[0] for a in doc.css(".exports a")} == {f"{path}.json", f"{path}.csv"}


@pytest.mark.parametrize("query,status", [("per_page=500", 200), ("per_page=501", 400), ("page=0", 400),
                                          ("per_page=0", 400), ("page=abc", 400)])
def test_paging_limits(small, query, status):
    assert small.get(f"/claims.json?{query}").status_code == status
    assert small.get(f"/api/claims?{query}").status_code == status
    assert small.get(f"/claims?{query}").status_code == status


def test_readers_do_not_see_proposed_claims_unless_they_ask(small):
    statements = {c["statement"] for c in small.get("/claims.json?per_page=100").json()["items"]}
    assert "Proposed lab claim" not in statements and "Check me" in statements
    asked = small.get("/claims.json?status=proposed").json()["items"]
    assert [c["statement"] for c in asked] == ["Proposed lab claim"]
    doc = LexborHTMLParser(small.get("/labs/lab-one").text)
    assert "Proposed lab claim" not in doc.body.text()
    assert "Check me" in doc.css_first("section.attention").text()


def test_filters_combine_and_facets_count(small):
    data = small.get("/claims.json?lab=lab-one&kind=model&per_page=100").json()
    assert data["total"] == 12 and {c["subject"]["slug"] for c in data["items"]} == {"model-one"}
    doc = LexborHTMLParser(small.get("/claims?lab=lab-one").text)
    kinds = {li.css_first("a").text(strip=True): li.css_first(".count").text() for li in
             doc.css_first('aside.facets').css("section.facet")[2].css("li")}
    assert kinds == {"model": "12", "lab": "1"}
    unknown = small.get("/claims?subject=lab:nope")
    assert unknown.status_code == 200 and "No entity" in LexborHTMLParser(unknown.text).css_first(".problem").text()


def test_sorting_by_figure(small):
    items = small.get("/claims.json?sort=largest&kind=model&per_page=3").json()["items"]
    assert [c["figure"]["low"] for c in items] == [12.0, 11.0, 10.0]


def test_csv_cells_cannot_run_as_spreadsheet_formulas(settings, engine):
    with Session(engine, expire_on_commit=False) as session:
        lab = make_entity(session, name="=HYPERLINK(\"http://x\")", slug="formula")
        make_claim(session, lab, statement="=1+1")
        session.commit()
    with TestClient(app=create_app(settings)) as client:
        text = client.get("/claims.csv").text + client.get("/labs.csv").text
    assert "\n=" not in text and ",=" not in text and "'=1+1" in text


def _count(client, path):
    with QueryCounter(client.app.state.engine) as counter:
        assert client.get(path).status_code == 200
    return counter.count


@pytest.mark.parametrize("template", ["/claims?per_page={n}", "/claims.json?per_page={n}", "/api/claims?per_page={n}",
                                      "/sources?per_page={n}", "/models?per_page={n}", "/changes?per_page={n}",
                                      "/api/entities?per_page={n}"])
def test_query_count_does_not_grow_with_rows_shown(small, template):
    assert _count(small, template.format(n=2)) == _count(small, template.format(n=12))


def test_entity_page_query_count_does_not_grow_with_claims(settings, engine):
    with Session(engine, expire_on_commit=False) as session:
        source = make_source(session, title="S", text="x")
        few, many = make_entity(session, slug="few"), make_entity(session, slug="many")
        for i in range(2):
            make_claim(session, few, source=source, value=float(i), attribute=f"attr_{i}")
        for i in range(30):
            make_claim(session, many, source=source, value=float(i), attribute=f"attr_{i % 10}")
        session.commit()
    with TestClient(app=create_app(settings)) as client:
        assert _count(client, "/labs/few") == _count(client, "/labs/many")


def test_list_context_reports_capped_totals(small, settings, engine):
    with Session(engine) as session:
        page, rows = claim_list(session, Query("/claims", [("kind", "model")]), Paging(2, 5))
    assert page.paging.total == 12 and page.paging.total_is_exact
    assert len(rows) == 5 and page.paging.next_url and page.paging.prev_url == "/claims?kind=model"


def _lab_with(session, slug: str, claims: int):
    """A lab with models, aliases, a technique, claims of every shown status, each cited, some in conflict."""
    lab = make_entity(session, name=f"Lab {slug}", slug=slug)
    session.add(Alias(entity_id=lab.id, name=f"{slug} AI", normalized=normalize_name(f"{slug} AI")))
    technique = make_entity(session, kind="technique", slug=f"{slug}-moe")
    models = [make_entity(session, kind="model", slug=f"{slug}-m{j}", parent_id=lab.id)
              for j in range(max(2, claims // 10))]
    for m in models:
        session.add(Relation(subject_id=m.id, type="uses_technique", object_id=technique.id))
    statuses = ("unverified", "verified", "needs_verification", "disputed")
    made = []
    for i in range(claims):
        subject = lab if i % 2 else models[i % len(models)]
        source = make_source(session, title=f"{slug} report {i}", text="x")
        made.append(make_claim(session, subject, source=source, value=float(i + 1), attribute=f"attr_{i % 12}",
                               status=statuses[i % len(statuses)]))
    for i in range(1, claims - 12, 4):  # the lab's claims i and i + 12 share an attribute
        make_contradiction(session, [made[i], made[i + 12]])
    return lab


def test_lab_page_query_count_does_not_grow_with_its_claims(settings, engine):
    with Session(engine, expire_on_commit=False) as session:
        _lab_with(session, "small-lab", 20)
        _lab_with(session, "big-lab", 160)
        session.commit()
    with TestClient(app=create_app(settings)) as client:
        doc = LexborHTMLParser(client.get("/labs/big-lab").text)
        assert doc.css("tbody.statement-group.conflicted tr.conflicted") and doc.css_first("section.attention")
        assert _count(client, "/labs/small-lab") == _count(client, "/labs/big-lab")
        assert _count(client, "/api/entities/lab/small-lab") == _count(client, "/api/entities/lab/big-lab")


def test_capped_count_reads_the_cap_when_called(small, engine, monkeypatch):
    with Session(engine) as session:
        everything = select(Claim.id)
        assert capped_count(session, everything, cap=14) == (14, True)
        assert capped_count(session, everything, cap=13) == (13, False)
        monkeypatch.setattr(listing, "COUNT_CAP", 3)
        assert capped_count(session, everything) == (3, False)
        assert capped_count(session, everything.where(Claim.status == "proposed")) == (1, True)


def test_capped_totals_are_stated_as_lower_bounds(small, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 12)  # 13 claims are visible, 12 of them about a model
    for path in ("/api/claims", "/claims.json"):
        capped = small.get(f"{path}?per_page=5").json()
        assert (capped["total"], capped["total_is_exact"], len(capped["items"])) == (12, False, 5)
        at_cap = small.get(f"{path}?kind=model&per_page=5").json()
        assert (at_cap["total"], at_cap["total_is_exact"]) == (12, True)
        # On the last page the rows themselves give the exact total.
        last = small.get(f"{path}?per_page=5&page=3").json()
        assert (last["total"], last["total_is_exact"], last["next"]) == (13, True, None)
    pager = LexborHTMLParser(small.get("/claims?per_page=5").text).css_first("nav.pager p").text()
    assert pager == "Rows 1–5 of more than 12."
    pager = LexborHTMLParser(small.get("/claims?kind=model&per_page=5").text).css_first("nav.pager p").text()
    assert pager == "Rows 1–5 of 12."
