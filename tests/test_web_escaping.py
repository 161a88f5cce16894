"""Markup stored in any text is shown as text on every page, never run or parsed as HTML."""

from __future__ import annotations

import json

import pytest
from litestar.testing import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlmodel import Session

from kb.exports import json_ld
from kb.web.app import create_app
from tests.web_factories import make_claim, make_contradiction, make_entity, make_source

EVIL_TITLE = '"><img src=x onerror=alert(1)>'
EVIL_QUOTE = "<script>alert('quote')</script> cost $5.5M"


@pytest.fixture
def evil(settings, engine):
    with Session(engine, expire_on_commit=False) as session:
        lab = make_entity(session, name=EVIL_TITLE, kind="lab", slug="evil",
                          description="<b onmouseover=alert(2)>bold</b>")
        source = make_source(session, title=EVIL_TITLE, text=f"Intro. {EVIL_QUOTE} Outro.",
                             publisher="<i>pub</i>", url="javascript:alert(3)")
        a = make_claim(session, lab, source=source, quote=EVIL_QUOTE, statement=f"{EVIL_TITLE} {EVIL_QUOTE}",
                       status="verified", asserted_by="</script><script>alert(4)</script>")
        b = make_claim(session, lab, source=source, quote=EVIL_QUOTE, value=9e6, scope='"><svg onload=alert(5)>')
        group = make_contradiction(session, [a, b])
        session.commit()
        ids = {"claim": a.id, "source": source.id, "contradiction": group.id}
    with TestClient(app=create_app(settings)) as client:
        yield client, ids


def _assert_inert(text: str) -> None:
    doc = LexborHTMLParser(text)
    assert not doc.css("img"), "an <img> was injected"
    assert not doc.css("svg[onload]") and not doc.css("b[onmouseover]") and not doc.css("main i")
    for script in doc.css("script"):
        assert script.attributes.get("type") == "application/ld+json"
    for node in doc.css("*"):
        assert not any(k.startswith("on") for k in node.attributes), node.html
    for node in doc.css("[href], [src], [cite]"):
        for attr in ("href", "src", "cite"):
            assert not (node.attributes.get(attr) or "").strip().lower().startswith("javascript:")


def test_markup_is_text_on_every_page(evil):
    client, ids = evil
    paths = ["/", "/labs", "/labs/evil", "/claims", f"/claims/{ids['claim']}", "/sources", f"/sources/{ids['source']}",
             "/contradictions", f"/contradictions/{ids['contradiction']}", "/changes", "/search?q=alert",
             "/search?q=" + EVIL_TITLE, "/charts?attribute=training_cost"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_inert(response.text)
    page = LexborHTMLParser(client.get("/labs/evil").text)
    assert page.css_first("h1").text().startswith(EVIL_TITLE), "the title is shown, as text"
    source_page = LexborHTMLParser(client.get(f"/sources/{ids['source']}").text)
    assert EVIL_QUOTE in source_page.css_first(".source-text mark").text()


def test_external_links_are_not_made_of_script_urls(evil):
    client, ids = evil
    doc = LexborHTMLParser(client.get(f"/sources/{ids['source']}").text)
    hrefs = [a.attributes["href"] for a in doc.css("a[href]")]
    assert all("<" not in h and not h.startswith("javascript:") for h in hrefs)
    assert "javascript:alert(3)" in doc.css_first("dl.facts").text(), "the stored address is shown as text"


def test_claimreview_json_ld_cannot_close_its_script(evil):
    client, ids = evil
    text = client.get(f"/claims/{ids['claim']}").text
    doc = LexborHTMLParser(text)
    scripts = doc.css('script[type="application/ld+json"]')
    assert len(scripts) == 1
    body = scripts[0].text()
    assert "</script" not in body.lower() and "<" not in body
    review = json.loads(body)
    assert review["@type"] == "ClaimReview"
    assert EVIL_QUOTE in review["claimReviewed"]
    assert review["reviewRating"]["alternateName"] == "True"


def test_json_ld_escapes_angle_brackets_ampersands_and_line_separators():
    out = str(json_ld({"a": "</script>&\u2028"}))
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == {"a": "</script>&\u2028"}
