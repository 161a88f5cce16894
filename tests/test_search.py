"""Full-text search on both engines: claims, quotes, names and aliases, sources; typos; index in sync."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from kb.models import Alias, Claim
from kb.search import highlight, search
from tests.web_factories import make_claim, make_entity, make_source


def _setup(session: Session):
    lab = make_entity(session, name="DeepSeek", slug="deepseek")
    session.add(Alias(entity_id=lab.id, name="深度求索", normalized="深度求索"))
    source = make_source(session, title="What DeepSeek changed", text="It cost around $5.5 million to train.")
    claim = make_claim(session, lab, source=source, quote="around $5.5 million", statement="Training was cheap")
    hidden = make_claim(session, lab, status="proposed", statement="Secret proposal about pelicans")
    session.commit()
    return lab, source, claim, hidden


def test_finds_each_kind_of_thing(session):
    lab, source, claim, _ = _setup(session)
    found = search(session, "deepseek")
    assert found.entities[0] == lab.id and source.id in found.sources
    assert claim.id in search(session, "cheap").claims
    assert search(session, "million").citations, "quotes are searched"
    assert search(session, "深度求索").entities == [lab.id], "aliases are searched"


def test_prefixes_match_and_typos_find_entities(session):
    lab, *_ = _setup(session)
    assert lab.id in search(session, "deeps").entities
    result = search(session, "deepsek")
    assert lab.id in result.entities and result.suggestion == "deepseek"


def test_hidden_claims_are_not_found(session):
    *_, hidden = _setup(session)
    assert search(session, "pelicans").claims == []


def test_index_follows_inserts_updates_and_deletes(session):
    lab, *_ = _setup(session)
    claim = make_claim(session, lab, statement="A walrus appeared")
    session.commit()
    assert search(session, "walrus").claims == [claim.id]
    claim.statement = "A narwhal appeared"
    session.add(claim)
    session.commit()
    assert search(session, "walrus").claims == [] and search(session, "narwhal").claims == [claim.id]
    session.delete(session.exec(select(Claim).where(Claim.id == claim.id)).one())
    session.commit()
    assert search(session, "narwhal").claims == []


def test_any_input_is_safe(session):
    _setup(session)
    for query in ['"', "AND (", "*", "deep* OR", "NEAR(", "'; DROP TABLE claim; --", "a:b", "!!", "", "   "]:
        result = search(session, query)
        assert isinstance(result.claims, list)


def test_highlight_marks_words_starting_with_terms():
    assert highlight("DeepSeek built DeepSeek-V3", ["deeps"]) == [
        ("DeepSeek", True), (" built ", False), ("DeepSeek", True), ("-V3", False)]
    assert highlight("<b>x</b>", ["b"]) == [("<", False), ("b", True), (">x</", False), ("b", True), (">", False)]


def test_search_pages_group_and_mark_results(seeded_settings):
    from litestar.testing import TestClient
    from selectolax.lexbor import LexborHTMLParser
    from kb.web.app import create_app
    with TestClient(app=create_app(seeded_settings)) as client:
        doc = LexborHTMLParser(client.get("/search?q=deepsek").text)
        first = doc.css_first("#r-entities").parent.css_first("a.entity")
        assert first.attributes["href"] == "/labs/deepseek"
        doc = LexborHTMLParser(client.get("/search?q=DeepSeek").text)
        assert {h.attributes["id"] for h in doc.css("h2[id^=r-]")} >= {"r-entities", "r-claims", "r-quotes"}
        assert all(m.text().lower().startswith("deepseek") for m in doc.css("main mark"))
        api = client.get("/api/search?q=deepsek").json()
        assert api["entities"][0]["slug"] == "deepseek"


def test_match_counts_past_the_cap_read_as_more_than_the_cap(session, monkeypatch):
    import kb.search
    from kb.web.contexts.search import search_page
    lab = make_entity(session, name="Quasar", slug="quasar")
    for i in range(3):
        make_claim(session, lab, statement=f"Pelican figure {i}", value=float(i))
    session.commit()
    assert search_page(session, "pelican", limit=2).total_label("claims") == "3"
    monkeypatch.setattr(kb.search, "COUNT_CAP", 2)
    page = search_page(session, "pelican", limit=2)
    assert page.totals["claims"] == 3 and page.total_label("claims") == "more than 2"


def _orion_claims(session, hidden: int, shown: int) -> None:
    """`hidden` proposed claims, then `shown` visible ones, all matching "orion"."""
    from datetime import datetime, timezone
    from sqlalchemy import insert
    from tests.web_factories import make_attribute
    lab = make_entity(session, name="Orion Lab", slug="orion-lab")
    attribute = make_attribute(session)
    now = datetime.now(timezone.utc)

    def rows(n, status):
        return [{"subject_id": lab.id, "attribute_id": attribute.id, "statement": f"Orion figure {i}",
                 "status": status, "rank": "normal", "period": "", "scope": "", "asserted_by": "",
                 "rank_reason": "", "dataset_confidence": "", "note": "", "version": 1,
                 "created_at": now, "updated_at": now} for i in range(n)]
    # Hidden claims first, so the first thousand index hits are mostly ones readers cannot see.
    session.execute(insert(Claim), rows(hidden, "proposed"))
    session.execute(insert(Claim), rows(shown, "unverified"))
    session.commit()


def test_totals_count_visible_matches_past_the_first_thousand(session):
    """The bug this guards: counting the first 1,000 full-text hits, then dropping hidden ones."""
    _orion_claims(session, hidden=900, shown=800)
    assert search(session, "orion").totals["claims"] == 800


def test_more_visible_matches_than_the_cap_read_as_more_than_the_cap(session):
    from kb.web.contexts.search import search_page
    _orion_claims(session, hidden=900, shown=1_200)
    page = search_page(session, "orion")
    assert page.totals["claims"] == 1_001 and page.total_label("claims") == "more than 1,000"


def test_a_total_past_the_cap_reads_more_than_the_cap():
    from kb.search import COUNT_CAP
    from kb.web.contexts.search import SearchPage
    page = SearchPage(query="x", totals={"claims": COUNT_CAP + 1, "sources": 7})
    assert page.total_label("claims") == "more than 1,000" and page.total_label("sources") == "7"


def test_a_misspelt_name_finds_every_entity_with_it_and_offers_the_correction(seeded_settings):
    from litestar.testing import TestClient
    from selectolax.lexbor import LexborHTMLParser
    from kb.web.app import create_app
    with TestClient(app=create_app(seeded_settings)) as client:
        doc = LexborHTMLParser(client.get("/search?q=deepsek").text)
        names = {a.text() for a in doc.css("#r-entities + ul a.entity")}
        assert {"DeepSeek", "DeepSeek-V2", "DeepSeek-V3", "DeepSeek-R1", "DeepSeek V4 Pro", "DeepSeek V4 Flash",
                "DeepSeek R1 7B"} <= names
        assert doc.css("#r-claims + ul li") and doc.css("#r-quotes + ul li")
        offer = doc.css_first(".did-you-mean a")
        assert offer.text() == "deepseek" and offer.attributes["href"] == "/search?q=deepseek"
        assert client.get("/api/search?q=deepsek").json()["suggestion"] == "deepseek"
        plain = LexborHTMLParser(client.get("/search?q=DeepSeek").text)
        assert plain.css_first(".did-you-mean") is None


def test_a_prefix_search_leaves_the_planner_as_it_found_it(session):
    """On PostgreSQL a prefix search turns off two scan kinds for its own statement only: the rest of
    the request's transaction (the page's other queries) plans as usual."""
    _setup(session)
    assert search(session, "deeps").entities, "a prefix that only finds by prefix"
    if session.get_bind().dialect.name != "postgresql":
        return
    settings = session.connection().exec_driver_sql(
        "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')").one()
    assert tuple(settings) == ("on", "on")


def test_every_search_statement_on_postgresql_carries_its_settings(session, monkeypatch):
    """A page that only reads runs each statement as its own transaction: settings sent before one
    statement would not hold for the next, so each of search's scripts sends its own."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: its planner settings (CI runs it there)")
    import kb.search

    _setup(session)
    sent, run_script = [], kb.search._run_script

    def recording(session, sql, params):
        sent.append(sql)
        return run_script(session, sql, params)

    monkeypatch.setattr(kb.search, "_run_script", recording)
    assert search(session, "deeps").entities, "whole words, then prefixes"
    assert search(session, "deepsek").suggestion == "deepseek", "and the check for typos"
    assert len(sent) >= 5
    assert all(sql.startswith(kb.search.PG_SEARCH_SETTINGS) for sql in sent)
