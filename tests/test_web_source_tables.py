"""Markdown tables in a source's text read as tables, with cited quotes still marked inside them."""

from __future__ import annotations

from litestar.testing import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlmodel import Session, select

from kb.models import Source
from kb.web.app import create_app
from kb.web.contexts.source import segments
from kb.web.contexts.source_blocks import TableBlock, blocks, markdown_tables

TEXT = ("Costs compared.\n\n| Model | Cost |\n|---|:---:|\n| V3 | $5.5M |\n| R1 | n/a |\n\nAfter the table.\n")


def test_tables_are_found_with_their_cells():
    [(start, end, rows)] = markdown_tables(TEXT)
    assert TEXT[start:end].startswith("| Model") and TEXT[end:].startswith("\nAfter")
    assert [[TEXT[a:b] for a, b in row] for row in rows] == [["Model", "Cost"], ["V3", "$5.5M"], ["R1", "n/a"]]


def test_a_quote_inside_a_cell_stays_marked():
    at = TEXT.index("$5.5M")
    parts = blocks(TEXT, segments(TEXT, [(at, at + 5, 7)]))
    assert [b.kind for b in parts] == ["text", "table", "text"]
    table = parts[1]
    assert isinstance(table, TableBlock)
    cost = table.rows[0][1]
    assert [(s.text, s.claims, s.starts, s.ends) for s in cost] == [("$5.5M", (7,), (7,), (7,))]
    assert "".join(s.text for s in parts[0].segments) == "Costs compared.\n\n"


def test_text_without_tables_is_one_block():
    assert [b.kind for b in blocks("No tables | here.", segments("No tables | here.", []))] == ["text"]


def test_the_seeded_technical_article_shows_its_tables(seeded_settings, seeded_engine):
    with Session(seeded_engine) as session:
        source_id = session.exec(select(Source.id).where(Source.key == "002")).one()
    with TestClient(app=create_app(seeded_settings)) as client:
        doc = LexborHTMLParser(client.get(f"/sources/{source_id}").text)
    tables = doc.css("table.source-table")
    assert tables and all(t.css("thead th") and t.css("tbody tr") for t in tables)
    assert not any("|---" in node.text() for node in doc.css(".source-text"))
    assert doc.css(".source-table mark") or doc.css(".source-text mark")
