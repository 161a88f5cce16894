"""Re-finding a quote in a changed text: exact, by prefix and suffix, fuzzily, never across numbers."""

from __future__ import annotations

from kb.ingest.anchors import relocate

OLD = "An introduction of some length. Acme-2 cost $5.8 million to train, a record. Beta raised $40 million. Outro."
QUOTE = "Acme-2 cost $5.8 million to train, a record."
PREFIX, SUFFIX = "An introduction of some length. ", " Beta raised $40 million. Outro."


def test_a_moved_quote_is_found_exactly():
    text = "A new first paragraph.\n" + OLD
    found = relocate(text, QUOTE, prefix=PREFIX, suffix=SUFFIX, near=32)
    assert (found.method, text[found.start:found.end]) == ("exact", QUOTE)


def test_an_edited_quote_is_found_between_its_old_prefix_and_suffix():
    text = OLD.replace("a record.", "a record for the lab.")
    found = relocate(text, QUOTE, prefix=PREFIX, suffix=SUFFIX)
    assert found.method == "context"
    assert found.quote == "Acme-2 cost $5.8 million to train, a record for the lab."


def test_a_reworded_sentence_elsewhere_is_found_fuzzily():
    text = "Everything changed.\nBeta raised $40 million!\nAcme-2 cost $5.8 million to train - a record.\n"
    found = relocate(text, QUOTE, prefix=PREFIX, suffix=SUFFIX)
    assert found.method == "fuzzy"
    assert found.quote == "Acme-2 cost $5.8 million to train - a record."


def test_a_changed_figure_does_not_anchor():
    text = OLD.replace("$5.8 million", "$6.1 million")
    assert relocate(text, QUOTE, prefix=PREFIX, suffix=SUFFIX) is None
    assert relocate("Nothing like it at all.", QUOTE) is None
