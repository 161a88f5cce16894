"""Ingesting into a real database: sources, proposed claims, idempotence, refusals and drift."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from kb.ingest import IngestError, SourceMeta, ingest_bytes
from kb.models import Citation, Claim, Entity, Event, Source
from tests.ingest_kb import add_small_kb

ARTICLE = """Acme AI and its rivals
Acme AI raised $40 million in 2024, according to public filings.
Acme-2 cost $5.8 million to train. Beta Labs charges $1.00 per million input tokens.
Chip supply is tight. [VERIFY] Reports suggest Acme AI gets subsidized chips.
"""


@pytest.fixture
def kb(session: Session) -> dict[str, int]:
    return add_small_kb(session)


def ingest(session: Session, data: bytes | str, name: str = "article.txt", **meta):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    result = ingest_bytes(session=session, data=raw, name=name, meta=SourceMeta(**meta), actor_id=None)
    session.commit()
    return result


def counts(session: Session) -> dict[str, int]:
    return {model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Source, Claim, Citation, Event, Entity)}


def test_an_article_becomes_a_source_with_proposed_claims_anchored_in_its_text(session, kb):
    result = ingest(session, ARTICLE, title="Acme report", publisher="Example News", published="2025-03")
    source = session.get(Source, result.source_id)
    assert (source.title, source.publisher, source.kind, source.date_precision) == (
        "Acme report", "Example News", "article", "month")
    assert source.text == ARTICLE and source.content_hash
    assert (result.proposed, result.verify_items, result.skipped) == (3, 1, False)
    claims = session.exec(select(Claim).order_by(Claim.id)).all()
    assert [(c.subject_id, c.figure_text, c.status) for c in claims] == [
        (kb["lab:acme-ai"], "$40 million", "proposed"),
        (kb["model:acme-2"], "$5.8 million", "proposed"),
        (kb["lab:beta-labs"], "$1.00 per million input tokens", "proposed"),
        (kb["lab:acme-ai"], None, "needs_verification"),
    ]
    assert (claims[0].period, claims[0].asserted_by, claims[0].attribute_id) == (
        "2024", "public filings", kb["funding_raised"])
    for citation in session.exec(select(Citation)).all():
        assert ARTICLE[citation.start:citation.end] == citation.quote
        assert ARTICLE[:citation.start].endswith(citation.prefix)
        assert ARTICLE[citation.end:].startswith(citation.suffix)
        assert citation.content_hash == source.content_hash and citation.anchored
    proposed_events = session.exec(select(Event).where(Event.action == "propose")).all()
    assert len(proposed_events) == 4


def test_ingesting_the_same_text_twice_changes_nothing(session, kb):
    first = ingest(session, ARTICLE)
    before = counts(session)
    again = ingest(session, ARTICLE, name="copy.txt", title="Another title")
    assert again.skipped and again.source_id == first.source_id
    assert "nothing changed" in again.message
    assert counts(session) == before


def test_a_source_that_already_holds_the_text_gets_the_proposals_once(session, kb):
    source = Source(title="Typed in by hand", text=ARTICLE)
    from kb.services.sources import content_hash
    source.content_hash = content_hash(ARTICLE)
    session.add(source)
    session.commit()
    result = ingest(session, ARTICLE)
    assert result.source_id == source.id and result.proposed == 3
    assert counts(session)["Source"] == 1
    assert ingest(session, ARTICLE).skipped


PRICE_PAGE = b"""<!doctype html><html><head><title>Beta Labs pricing</title>
<script>window.prices = {"Acme-2": "$9.99 per million input tokens"};</script></head>
<body><nav><a href="/">Home</a> <a href="/models">Models</a> $0.01 per million input tokens!</nav>
<h1>Pricing</h1>
<table><tr><th>Model</th><th>Input price per 1M tokens</th><th>Output price per 1M tokens</th></tr>
<tr><td>Beta Pro</td><td>$1.20</td><td>$4.80</td></tr>
<tr><td>Acme-2</td><td>$0.43</td><td>$0.87</td></tr></table></body></html>"""


def test_an_html_price_table_yields_its_figures_and_none_of_the_script(session, kb):
    result = ingest(session, PRICE_PAGE, name="pricing.html")
    source = session.get(Source, result.source_id)
    assert source.title == "Beta Labs pricing"
    assert "window.prices" not in source.text and "$9.99" not in source.text and "$0.01" not in source.text
    claims = session.exec(select(Claim).order_by(Claim.id)).all()
    got = {(c.subject_id, c.attribute_id, c.low, c.unit) for c in claims}
    assert got == {
        (kb["model:beta-pro"], kb["input_price_per_mtok"], 1.2, "USD/Mtok"),
        (kb["model:beta-pro"], kb["output_price_per_mtok"], 4.8, "USD/Mtok"),
        (kb["model:acme-2"], kb["input_price_per_mtok"], 0.43, "USD/Mtok"),
        (kb["model:acme-2"], kb["output_price_per_mtok"], 0.87, "USD/Mtok"),
    }


@pytest.mark.parametrize("data, name, expected", [
    (b"", "empty.txt", "is empty"),
    (b"\x00\x01binary\x00" * 100, "blob.bin", "binary"),
    (bytes(range(0x80, 0x100)) * 4, "noise.txt", "encoding"),
    (b"<html><script>var x = '$5 million';</script><nav>Menu</nav></html>", "shell.html", "no readable text"),
    (b"x" * (11 * 1024 * 1024), "huge.txt", "limit"),
])
def test_bad_input_is_refused_and_nothing_is_stored(session, kb, data, name, expected):
    before = counts(session)
    with pytest.raises(IngestError, match=expected):
        ingest_bytes(session=session, data=data, name=name, meta=SourceMeta(), actor_id=None,
                     max_bytes=10 * 1024 * 1024)
    session.rollback()
    assert counts(session) == before


DRIFTED = """Acme AI and its rivals
Acme AI raised $40 million in 2024, according to public filings!
Acme-2 cost $6.1 million to train, the company now says. Beta Labs charges $1.00 per million input tokens.
"""


def test_reingesting_a_changed_text_reanchors_citations_and_flags_lost_quotes(session, kb):
    first = ingest(session, ARTICLE, url="https://example.com/acme")
    claims = {c.figure_text: c for c in session.exec(select(Claim)).all()}
    for claim in claims.values():  # accepted by an editor, as they would be
        claim.status = "unverified"
    session.commit()
    result = ingest(session, DRIFTED, url="https://example.com/acme")
    assert result.updated and result.source_id == first.source_id
    assert counts(session)["Source"] == 1
    source = session.get(Source, first.source_id)
    assert source.text == DRIFTED and source.version == 2
    by_claim = {c.claim_id: c for c in session.exec(select(Citation)).all()}
    price = by_claim[claims["$1.00 per million input tokens"].id]
    assert price.anchored and DRIFTED[price.start:price.end] == price.quote  # moved, found exactly
    funding = by_claim[claims["$40 million"].id]
    assert funding.anchored and funding.quote.endswith("filings!")  # found again after an edit
    lost = by_claim[claims["$5.8 million"].id]
    assert not lost.anchored
    session.refresh(claims["$5.8 million"])
    assert claims["$5.8 million"].status == "needs_verification"
    drifts = session.exec(select(Event).where(Event.action == "drift")).all()
    assert {(e.object_id, e.from_status, e.to_status) for e in drifts} == {
        (claims["$5.8 million"].id, "unverified", "needs_verification"),
        (claims[None].id, "unverified", "needs_verification")}
    # the new figure is proposed; the unchanged ones are not proposed twice
    assert [c.figure_text for c in session.exec(select(Claim).where(Claim.status == "proposed"))] == [
        "$6.1 million"]
    assert set(result.drifted) == {claims["$5.8 million"].id, claims[None].id}
