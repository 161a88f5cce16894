"""Figures placed by the parse, on an invented vocabulary: holders, measure words, partitives,
examples, objects of control verbs, new attributes and documents as they come."""

from __future__ import annotations

from kb.nlp.extract import extract
from kb.nlp.layout import front_matter, unwrap
from tests.ingest_kb import small_vocabulary

ENTITIES, ATTRIBUTES, IDS = small_vocabulary()


def run(text: str):
    return extract(text, entities=ENTITIES, attributes=ATTRIBUTES).proposals


def claims(text: str) -> list[tuple[str, str, str]]:
    refs = {i: e.ref for i, e in ENTITIES.entities.items()}
    return [(refs[p.subject_id], p.attribute.name, p.figure.text if p.figure else "") for p in run(text)]


def test_the_subject_of_the_governing_verb_holds_the_figure():
    assert claims("Beta Labs employs around 400 researchers.") == [("lab:beta-labs", "headcount", "around 400")]


def test_a_possessor_of_the_measured_noun_beats_the_sentence_subject():
    assert ("lab:meta", "headcount", "roughly 9,000") in claims(
        "Beta Labs employs 400 researchers, far fewer than Meta's headcount of roughly 9,000.")


def test_a_figure_for_someone_kb_does_not_know_is_not_filed_under_the_sentence_subject():
    got = claims("Acme AI raised $2 billion, against $30 billion for its European rivals.")
    assert got == [("lab:acme-ai", "funding_raised", "$2 billion")]


def test_examples_hold_what_their_group_does_and_its_points_to_the_sentence_subject():
    assert claims("Rivals such as Beta Labs cut their prices by 30% in response.")[0][0] == "lab:beta-labs"
    got = claims("Acme-3 charges $0.20 per million input tokens, and its traffic grew by 40% last quarter.")
    assert got[0] == ("model:acme-3", "input_price_per_mtok", "$0.20 per million input tokens")
    assert got[1][:2] == ("model:acme-3", "traffic_growth")


def test_a_new_attribute_is_marked_new_and_named_from_the_text():
    (p,) = [p for p in run("Acme-3 charges little, and its traffic grew by 40% last quarter.")]
    assert p.attribute.proposed and p.attribute.id is None and p.attribute.label == "Traffic growth"


def test_a_partitive_counts_the_noun_of_the_figure_before_it():
    text = "Acme-3 is large. The model has 500 billion parameters in total, of which 20 billion are active."
    assert [(p.figure.unit, p.subject_id) for p in run(text)] == [("parameters", IDS["model:acme-3"])] * 2


def test_the_object_of_a_control_verb_acts():
    got = claims("Acme AI's pricing forced Beta Labs to lower its prices by 50% this year.")
    assert got and got[0][0] == "lab:beta-labs"


def test_the_run_of_a_model_holds_its_cost_when_the_subject_is_no_entity():
    got = claims("Our estimate puts the final training run of Acme-3 at about $3 million.")
    assert got == [("model:acme-3", "training_cost", "about $3 million")]


def test_wrapped_lines_are_read_as_one_paragraph_and_bylines_are_metadata():
    text = ("Acme's year\n\nBy Jane Doe\nMarch 3, 2025\n\nAcme AI said on Monday that it had raised $2\n"
            "billion from investors in a round led by a sovereign fund, its largest so far.\n")
    view = unwrap(text)
    assert len(view) == len(text) and "$2 billion" in view and "March 3" not in view
    assert front_matter(text).author == "Jane Doe" and front_matter(text).published == "2025-03-03"
    assert claims(text) == [("lab:acme-ai", "funding_raised", "$2 billion")]


def test_a_missing_pipeline_is_a_clear_error_not_a_fallback(monkeypatch):
    import pytest
    from kb.nlp import language

    monkeypatch.setenv(language.MODEL_VARIABLE, "en_core_web_nonexistent")
    with pytest.raises(language.ModelMissing, match="is not installed"):
        language.check_installed()


def test_qualifiers_keep_quantities_apart():
    got = {p.figure.text: (p.period, p.scope) for p in extract(
        "Acme AI raised $2 billion in a Series C round in March 2025. Acme-3's traffic grew by 40% in the "
        "first quarter of 2025. Acme AI, founded in 2021, employs 240 people. Acme AI spent $9 million on "
        "servers last year. Acme-3 costs $20 in China and $30 abroad.",
        entities=ENTITIES, attributes=ATTRIBUTES, year=2026).proposals}
    assert got["$2 billion"] == ("2025-03", "Series C round")
    assert got["40%"][0] == "2025-Q1"
    assert got["240"][0] == ""  # the founding year dates the founding, not the headcount
    assert got["$9 million"][0] == "2025"  # "last year", read against the source's year
    assert got["$30"][1] == "abroad"


def test_who_asserts_a_figure_is_named_and_a_dateline_is_no_subject():
    text = ("ACME CITY -- Acme AI said Acme-3 was trained on 18 trillion tokens. Acme AI employs 240 people, "
            "according to the company.")
    by = {p.figure.text: p.asserted_by for p in run(text)}
    assert by == {"18 trillion tokens": "Acme AI", "240": "Acme AI"}
    assert unwrap(text).startswith(" " * len("ACME CITY -- ") + "Acme AI said")
