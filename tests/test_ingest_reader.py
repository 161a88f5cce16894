"""Reading uploads: encodings, HTML to text, and clear refusals of what is not an article."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings, strategies as st

from kb.ingest.html import html_to_text
from kb.ingest.reader import IngestError, decode, format_for, read_document

ARTICLE = "DeepSeek charges $0.43 per million input tokens — “cheap”, naïve, ¥2.\n"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
])
def test_unicode_encodings_with_and_without_bom_read_back_the_same_text(encoding, bom):
    document = read_document(bom + ARTICLE.encode(encoding), name="a.txt")
    assert document.text == ARTICLE
    assert "\ufeff" not in document.text


def test_utf16_without_bom_is_recognised_by_its_zero_bytes():
    text, encoding = decode("plain English text".encode("utf-16-le"))
    assert (text, encoding) == ("plain English text", "utf-16-le")


def test_legacy_western_encoding_is_detected():
    text = "Café prices rose — “sharply” — in São Paulo and Zürich, naïvely déjà vu. " * 5
    document = read_document(text.encode("cp1252"), name="old.txt")
    assert document.text == text
    assert document.encoding == "cp1252"


def test_html_meta_charset_is_honoured():
    markup = '<html><head><meta charset="windows-1252"></head><body><p>Prix : 5 € — élevé</p></body></html>'
    document = read_document(markup.encode("cp1252"), name="p.html")
    assert document.text == "Prix : 5 € — élevé"


@pytest.mark.parametrize("data, name, expected", [
    (b"", "empty.txt", "is empty"),
    (b"   \n\t\n", "blank.md", "is empty"),
    (b"\x00\x01\x02\x03binary\x00\xff\xfe\x00" * 50, "blob.txt", "binary"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "paper.txt", "PDF"),
    (b"PK\x03\x04\x14\x00", "doc.docx", "ZIP"),
    (bytes(range(0x80, 0x100)) * 4, "noise.txt", "cannot tell its text encoding"),
    (b"<html><head><script>var a = 1;</script><style>p{}</style></head><body><nav>Home</nav>"
     b"<div> </div></body></html>", "shell.html", "no readable text"),
])
def test_bad_inputs_are_refused_with_a_message_naming_the_file(data, name, expected):
    with pytest.raises(IngestError) as refused:
        read_document(data, name=name)
    assert name in str(refused.value)
    assert expected in str(refused.value)


def test_an_upload_over_the_limit_is_refused_before_it_is_decoded():
    with pytest.raises(IngestError, match=r"50\.0 MB, over the 10\.0 MB limit"):
        read_document(b"a" * (50 * 1024 * 1024), name="huge.txt", max_bytes=10 * 1024 * 1024)


def test_a_bom_that_lies_is_refused():
    with pytest.raises(IngestError, match="byte-order mark"):
        read_document(codecs.BOM_UTF8 + b"caf\xe9", name="liar.txt")


def test_format_comes_from_the_extension_then_the_content():
    assert format_for("a.HTM", b"") == "html"
    assert format_for("notes.md", b"<html>") == "markdown"
    assert format_for("", b"  <!DOCTYPE html><html>") == "html"
    assert format_for("pasted", b"Plain words") == "text"


def test_newlines_are_normalized_and_the_title_is_the_first_line():
    document = read_document(b"# Title line\r\n\r\nBody $5M.\r\n", name="a.md")
    assert document.text == "# Title line\n\nBody $5M.\n"
    assert document.title == "Title line"


PAGE = """<!doctype html><html><head><title>Model prices &amp; plans</title>
<script>var tracking = "SCRIPT-TEXT $99 per million tokens";</script>
<style>.price { color: red }</style></head>
<body><header><nav><a href="/">Home</a> | <a href="/pricing">Pricing</a></nav></header>
<main><h1>API prices</h1><p>Acme&nbsp;AI cut prices by 50&#37; &mdash; see the table.</p>
<table><thead><tr><th>Model</th><th>Input per 1M tokens</th><th>Output per 1M tokens</th></tr></thead>
<tbody><tr><td>Acme-2</td><td>$0.43</td><td>$0.87</td></tr>
<tr><td>Beta | Pro</td><td>$1.00</td><td>$3.20</td></tr></tbody></table>
<noscript>Enable JavaScript</noscript></main>
<footer>© 2026 Example</footer><script>alert("more script")</script></body></html>"""


def test_html_keeps_the_article_and_the_table_and_drops_code_and_chrome():
    page = html_to_text(PAGE)
    assert page.title == "Model prices & plans"
    assert "Acme AI cut prices by 50% — see the table." in page.text
    assert "| Model | Input per 1M tokens | Output per 1M tokens |" in page.text
    assert "| Acme-2 | $0.43 | $0.87 |" in page.text
    assert "| Beta / Pro | $1.00 | $3.20 |" in page.text  # a pipe in a cell cannot split the row
    for chrome in ("SCRIPT-TEXT", "alert", "color: red", "Pricing", "© 2026", "Enable JavaScript"):
        assert chrome not in page.text


def test_html_line_breaks_and_lists_become_lines():
    page = html_to_text("<body><p>one<br>two</p><ul><li>three</li><li>four <b>five</b></li></ul></body>")
    assert page.text.splitlines() == ["one", "two", "three", "four five"]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_cleanly(data):
    try:
        document = read_document(data, name="fuzz.txt")
    except IngestError as exc:
        assert "fuzz.txt" in str(exc)
    else:
        assert document.text.strip()


def test_a_control_character_in_an_article_is_refused_with_where_it_is():
    with pytest.raises(IngestError, match=r"control character \(U\+0001\) at line 2, column 6"):
        read_document(b"Title\nAcme \x01raised $2 billion.\n", name="a.txt")
    with pytest.raises(IngestError, match=r"U\+0007"):
        read_document(b"<p>Acme raised \x07$2 billion.</p>", name="a.html")
