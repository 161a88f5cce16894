"""Lists sort by any column through the URL, keep their layout with filters on, name facet values,
and the fact-check queue comes in pages, most severe first."""

from __future__ import annotations

from litestar.testing import TestClient
from selectolax.lexbor import LexborHTMLParser

from kb.web.app import create_app
from tests.accounts import login, make_users
from tests.test_web_lists import small  # noqa: F401


def test_claims_sort_by_a_column_either_way(small):
    up = small.get("/claims.json?_sort=figure&kind=model&per_page=3").json()["items"]
    down = small.get("/claims.json?_sort_desc=figure&kind=model&per_page=3").json()["items"]
    assert [c["figure"]["low"] for c in up] == [1.0, 2.0, 3.0]
    assert [c["figure"]["low"] for c in down] == [12.0, 11.0, 10.0]
    by_subject = small.get("/claims.json?_sort=subject&per_page=100").json()["items"]
    names = [c["subject"]["name"] for c in by_subject]
    assert names == sorted(names)


def test_column_headers_link_to_their_sort_and_say_which_is_active(small):
    doc = LexborHTMLParser(small.get("/claims?_sort=figure&kind=model").text)
    figure = next(th for th in doc.css("table.claims thead th") if th.text(strip=True).startswith("Figure"))
    assert figure.attributes["aria-sort"] == "ascending"
    assert figure.css_first("a").attributes["href"] == "/claims?_sort_desc=figure&kind=model"
    subject = doc.css_first("table.claims thead th")
    assert subject.attributes["aria-sort"] == "none"
    assert subject.css_first("a").attributes["href"] == "/claims?_sort=subject&kind=model"
    sources = LexborHTMLParser(small.get("/sources?_sort_desc=title").text)
    assert [th.attributes.get("aria-sort") for th in sources.css("thead th")][0] == "descending"


def test_filters_stay_above_the_table_and_facets_beside_it(small):
    doc = LexborHTMLParser(small.get("/claims?lab=lab-one&kind=model").text)
    layout = doc.css_first(".list-layout")
    children = [n for n in layout.iter() if n.tag in ("aside", "div", "section")]
    assert [n.tag for n in children] == ["aside", "div"]  # two columns, whatever is selected
    assert doc.css_first(".list-main .active-filters") is not None
    assert doc.css_first(".list-main .scroll table.claims") is not None


def test_facet_values_and_filters_show_names_not_slugs(small):
    doc = LexborHTMLParser(small.get("/claims?lab=lab-one").text)
    labs = [s for s in doc.css("aside.facets section.facet") if s.css_first("h2").text() == "Lab"][0]
    assert [a.text(strip=True) for a in labs.css("a")] == ["✓ Lab One"]
    assert "lab Lab One" in doc.css_first(".active-filters").text()
    models = LexborHTMLParser(small.get("/models").text)
    part_of = models.css_first("aside.facets section.facet a").text(strip=True)
    assert part_of == "Lab One"


def test_the_queue_comes_in_pages_most_severe_then_oldest_first(seeded_settings, seeded_engine):
    from sqlmodel import Session
    with Session(seeded_engine) as session:
        make_users(session)
    with TestClient(app=create_app(seeded_settings)) as client:
        login(client, "editor")
        first = LexborHTMLParser(client.get("/verify").text)
        rows = first.css("tr.queue-item")
        assert len(rows) == 50
        nxt = first.css_first(".pager a[rel=next]").attributes["href"]
        assert nxt == "/verify?page=2"
        second = LexborHTMLParser(client.get(nxt).text)
        assert second.css("tr.queue-item") and {r.attributes["data-id"] for r in second.css("tr.queue-item")} \
            .isdisjoint({r.attributes["data-id"] for r in rows})
    from kb.services.queue import QueueFilter, queue_items
    with Session(seeded_engine) as session:
        items = queue_items(session=session, flt=QueueFilter(limit=100_000), user_id=None)
    keys = [(-i.severity, i.created_at) for i in items]
    assert keys == sorted(keys)
