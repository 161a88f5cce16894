"""The extraction pipeline on small made-up texts: sentences, names, figures, subjects, qualifiers."""

from __future__ import annotations

import pytest

from kb.nlp.attributes import AttributeCatalog, AttributeInfo
from kb.nlp.entities import EntityIndex, EntityInfo
from kb.nlp.extract import extract
from kb.nlp.pipeline import split
from kb.nlp.quantities import counting_sentences, sentence_quantities
from tests.ingest_kb import small_vocabulary

ENTITIES, ATTRIBUTES, IDS = small_vocabulary()


def run(text: str):
    return extract(text, entities=ENTITIES, attributes=ATTRIBUTES)


def claims(text: str) -> list[tuple[str, str, str]]:
    """(subject ref, attribute, figure text) for each proposal."""
    refs = {i: e.ref for i, e in ENTITIES.entities.items()}
    return [(refs[p.subject_id], p.attribute.name, p.figure.text if p.figure else "")
            for p in run(text).proposals]


def sentences(text: str) -> list[str]:
    _, found = split(text)
    return [text[s.start:s.end] for s in found]


def test_lines_and_table_rows_are_units_and_abbreviations_do_not_split():
    text = ("Heading without a stop\nThe U.S. lab spent $5.8M. Then it grew (est.) and e.g. more.\n"
            "| Model | Cost (est.) |\n|---|---|\n| Acme-2 | $5.8M. |\n")
    assert sentences(text) == [
        "Heading without a stop", "The U.S. lab spent $5.8M.", "Then it grew (est.) and e.g. more.",
        "| Model | Cost (est.) |", "|---|---|", "| Acme-2 | $5.8M. |",
    ]


def test_a_bracket_after_a_full_stop_opens_the_next_sentence():
    assert sentences("It is opaque. [VERIFY] Reports say so.") == ["It is opaque.", "[VERIFY] Reports say so."]


@pytest.mark.parametrize("written", ["Acme-2", "Acme 2", "acme-2", "ACME 2", "Acme–2"])
def test_aliases_match_across_case_spacing_and_hyphens(written):
    assert claims(f"{written} cost $5 million to train.") == [("model:acme-2", "training_cost", "$5 million")]


def test_a_capitalised_alias_does_not_match_the_plain_word():
    doc, _ = split("The meta discussion, then Meta raised $1 billion.")
    found = [m for m in ENTITIES.mentions(doc) if m.entity_id == IDS["lab:meta"]]
    assert [doc.text[m.start:m.end] for m in found] == ["Meta"]


def test_near_misses_of_an_alias_are_found_but_other_versions_are_not():
    assert ENTITIES.near_miss("Betta Labs") == IDS["lab:beta-labs"]
    assert ENTITIES.near_miss("Minimal") is None
    assert ENTITIES.near_miss("Acme-4") is None  # a different version, not a typo
    assert ENTITIES.near_miss("Gamma Corp") is None


def test_names_the_knowledge_base_lacks_are_proposed_conservatively():
    result = run("Zeta-7 costs $2 per million input tokens, while Kevin Smith said nothing. "
                 "OpenRouter serves 40 models.")
    assert [n.text for n in result.new_names] == ["Zeta-7", "OpenRouter"]
    assert result.new_names[0].kind == "model"


def test_input_and_output_prices_and_the_model_a_lab_stands_for():
    text = ("Acme AI's new flagship, Acme-3, is cheap. Acme charges $0.43 per million input tokens "
            "and $0.87 per million output tokens.")
    assert claims(text) == [
        ("model:acme-3", "input_price_per_mtok", "$0.43 per million input tokens"),
        ("model:acme-3", "output_price_per_mtok", "$0.87 per million output tokens"),
    ]


def test_period_and_counterpart_nation():
    result = run("Chinese AI startups raised $12.4 billion in 2025 compared to $285 billion in the US.")
    refs = {i: e.ref for i, e in ENTITIES.entities.items()}
    assert [(refs[p.subject_id], p.attribute.name, p.period) for p in result.proposals] == [
        ("topic:chinese-ai-startups", "funding_raised", "2025"),
        ("topic:us-ai-startups", "funding_raised", "2025"),
    ]


def test_two_authorities_in_one_sentence_each_assert_their_own_figure():
    text = ("Chinese AI startups are three to six months behind, according to Acme AI, "
            "and 8 months according to Beta Labs.")
    result = run(text)
    assert [(p.figure.text, p.asserted_by) for p in result.proposals] == [
        ("three to six months", "Acme AI"), ("8 months", "Beta Labs")]
    assert {p.subject_id for p in result.proposals} == {IDS["topic:chinese-ai-startups"]}


def test_a_claimed_figure_for_a_named_model():
    result = run("Acme claimed training costs around $5.5 million for Acme-2, a figure many doubt.")
    (p,) = result.proposals
    assert (p.subject_id, p.attribute.name, p.asserted_by) == (IDS["model:acme-2"], "training_cost", "Acme")


def test_vs_pairs_follow_the_names_in_order():
    assert claims("Acme-2 matches Beta Pro on MMLU (88.5% vs. 88.7%).") == [
        ("model:acme-2", "mmlu", "88.5%"), ("model:beta-pro", "mmlu", "88.7%")]


def test_a_possessor_owns_its_figure_and_a_pronoun_points_back():
    text = ("Beta Labs runs an open repository. Hosted on GitHub with over 15,000 stars, "
            "it is popular. The company employs 300 engineers.")
    assert claims(text) == [("lab:beta-labs", "github_stars", "over 15,000"),
                            ("lab:beta-labs", "headcount", "300")]


def test_a_count_no_attribute_fits_gets_a_new_attribute_named_from_its_noun_not_a_catch_all():
    (p,) = run("Acme AI listed three factors over the past six months in 2024.").proposals
    assert (p.attribute.id, p.attribute.proposed, p.attribute.label) == (None, True, "factors".capitalize())
    assert p.figure.text == "three"  # "the past six months" and "2024" date it; they are no claims


def test_table_rows_take_their_subject_from_the_row_and_their_attribute_from_the_header():
    text = ("| Model | MMLU Score | Training Cost (est.) | Inference Cost/1M tokens |\n"
            "|---|---|---|---|\n| Acme-2 | 88.5% | $5.8M | $0.14 |\n")
    result = run(text)
    got = [(p.attribute.name, p.figure.text, p.figure.unit, p.scope) for p in result.proposals]
    assert got[:2] == [("mmlu", "88.5%", "%", ""), ("training_cost", "$5.8M", "USD", "estimate")]
    assert got[2][1:3] == ("$0.14", "USD/Mtok")
    assert {p.subject_id for p in result.proposals} == {IDS["model:acme-2"]}


def test_column_headers_name_the_nation_whose_sector_a_figure_is_for():
    text = "| Metric | China (2024) |\n|---|---|\n| Average inference cost per 1M tokens | $0.30 |\n"
    (p,) = run(text).proposals
    assert (p.subject_id, p.period, p.figure.unit) == (IDS["topic:chinese-ai-sector"], "2024", "USD/Mtok")


def test_verify_markers_scope_the_figures_after_them_and_stand_alone_without_one():
    text = ("Acme AI is growing. Acme-2 cost $3M to train, and [VERIFY] Acme-3 cost $9M to train. "
            "[VERIFY] Reports suggest Acme AI gets subsidized chips.")
    result = run(text)
    marked = [(p.figure.text if p.figure else None, p.verify) for p in result.proposals]
    assert marked == [("$3M", False), ("$9M", True), (None, True)]
    assert result.proposals[2].note.startswith("[VERIFY] in the source: Reports suggest")


def test_quote_offsets_point_at_the_sentence_in_the_original_text():
    text = "Intro line\nBeta Labs raised $40 million in 2023. More text follows."
    (p,) = run(text).proposals
    assert text[p.start:p.end] == "Beta Labs raised $40 million in 2023."
    assert text[p.figure_start:p.figure_end] == "$40 million"


@pytest.mark.parametrize("sentence, expected", [
    ("Founded in 2023 by engineers", [("2023", "founded")]),
    ("It launched in late December 2024.", [("late December 2024", "launched")]),
    ("Within a month it shipped.", [("Within a month", "")]),
    ("It reached the top 10 quickly.", [("top 10", "")]),
    ("Indonesia is its third-largest market.", [("third-largest", "")]),
    ("Stored in 4 bits instead of the usual 16 or 32.", [("4", "")]),
    ("Demand grew a million-fold in two years.", [("a million-fold", "")]),
])
def test_quantities_read_in_their_sentence(sentence, expected):
    assert [(sentence[q.start:q.end], q.event) for q in sentence_quantities(sentence)] == expected


def test_a_bound_carries_over_a_list_and_a_bare_number_takes_the_unit_it_is_compared_with():
    listed = sentence_quantities("It hosts over 10,000 models and 2,000 datasets.")
    assert [(q.figure.low, q.figure.high) for q in listed] == [(10000.0, None), (2000.0, None)]
    compared = sentence_quantities("~9 quadrillion tokens a month – compared to ~4 quadrillion.")
    assert [q.figure.unit for q in compared] == ["tokens/month", "tokens/month"]


def test_a_possessive_inside_a_name_still_matches_the_whole_name():
    doc, _ = split("Acme’s 2 model is cheap, and Acme AI’s staff agree.")
    refs = [(doc.text[m.start:m.end], ENTITIES.entities[m.entity_id].ref) for m in ENTITIES.mentions(doc)]
    assert refs == [("Acme’s 2", "model:acme-2"), ("Acme AI", "lab:acme-ai")]


# --- reading the discourse: a second vocabulary with nations' topics ----------------------------

STORY_ATTRIBUTES = [
    # name, unit, label, description
    ("event_duration", "month", "Duration", "How long an event or activity lasted."),
    ("labs_visited", "count", "Labs visited", "Number of labs a delegation or trip visited."),
    ("compute_gap", "x", "Compute gap", "Deployed compute of one side divided by the other's."),
    ("release_date", "date", "Release date", "When a product, chip or model was released."),
    ("leaderboard_rank", "count", "Leaderboard rank", "Position on a public leaderboard."),
    ("downloads", "count", "Downloads", "Times a model was pulled or downloaded."),
    ("price_ratio", "x", "Price ratio", "One price divided by another."),
    ("chips_stockpiled", "count", "Chips stockpiled", "High-end GPUs accumulated before export rules."),
    ("lag_behind_frontier", "month", "Lag behind the frontier", "How far behind the frontier models are."),
    ("market_users", "count", "Market users", "Users in a market or on a platform."),
]
STORY_ENTITIES = [
    # kind, slug, name, parent slug, aliases
    ("lab", "acme-ai", "Acme AI", None, ["Acme"]),
    ("model", "acme-2", "Acme-2", "acme-ai", ["Acme 2"]),
    ("lab", "beta-labs", "Beta Labs", None, []),
    ("product", "hubly", "Hubly", None, []),
    ("topic", "korea-lab-tour", "Korea lab tour", None, []),
    ("topic", "korean-ai-labs", "Korean AI labs", None, ["Korean labs", "Korean companies"]),
    ("topic", "korean-ai-models", "Korean AI models", None, ["Korean models"]),
    ("topic", "korean-ai-compute", "Korean AI compute", None, []),
    ("topic", "korean-ai-sector", "Korean AI sector", None, []),
    ("topic", "us-ai-sector", "US AI sector", None, []),
    ("topic", "us-ai-compute", "US AI compute", None, []),
    ("topic", "ai-api-pricing", "AI API pricing", None, []),
]


def story_vocabulary() -> tuple[EntityIndex, AttributeCatalog, dict[int, str]]:
    attributes = [AttributeInfo(i, name, unit, unit, label, description)
                  for i, (name, unit, label, description) in enumerate(STORY_ATTRIBUTES, 1)]
    ids: dict[str, int] = {}
    infos, aliases = [], []
    for i, (kind, slug, name, parent, names) in enumerate(STORY_ENTITIES, 100):
        ids[f"{kind}:{slug}"] = i
        infos.append(EntityInfo(i, kind, slug, name, ids[f"lab:{parent}"] if parent else None))
        aliases.extend((i, alias) for alias in names)
    index = EntityIndex.build(infos, aliases)
    return index, AttributeCatalog.build(attributes), {i: e.ref for i, e in index.entities.items()}


STORY, STORY_CATALOG, STORY_REFS = story_vocabulary()


def subjects(text: str) -> list[tuple[str, str]]:
    """(subject ref, figure text) for each proposal, against the second vocabulary."""
    result = extract(text, entities=STORY, attributes=STORY_CATALOG)
    return [(STORY_REFS[p.subject_id], p.figure.text) for p in result.proposals if p.figure]


@pytest.mark.parametrize("text, expected", [
    # a duration said as an adjective, and a count inside a topic read loosely around it
    ("A ten-day tour of 9 labs across Seoul and Busan, including Acme AI and Beta Labs, ended.",
     [("topic:korea-lab-tour", "ten-day"), ("topic:korea-lab-tour", "9")]),
    # the one topic in the sentence, however far; then a sentence naming nobody carries it on,
    # and the names in a list of examples are members of what is counted
    ("We spent a week in Seoul, touring AI labs. We met people from 9 labs, including Acme AI "
     "and Beta Labs.", [("topic:korea-lab-tour", "a week"), ("topic:korea-lab-tour", "9")]),
])
def test_a_topic_named_loosely_holds_its_figures(text, expected):
    assert subjects(text) == expected


def test_a_sector_narrows_to_what_the_figure_measures_and_the_next_sentence_goes_on_about_it():
    text = ("In 2023, the US AI sector had triple the amount of deployable compute. "
            "By this year, that gap was closer to eightfold.")
    assert subjects(text) == [("topic:us-ai-compute", "triple"),
                              ("topic:us-ai-compute", "closer to eightfold")]


def test_a_sentence_that_brings_in_someone_new_carries_nothing_over():
    text = ("In 2023, the US AI sector had triple the amount of deployable compute. "
            "A lab with 2,000 GPUs can match one with 20,000.")
    assert subjects(text) == [("topic:us-ai-compute", "triple")]


@pytest.mark.parametrize("text, expected", [
    ("Korean AI API pricing will be 20x cheaper than elsewhere.", "topic:korean-ai-sector"),
    ("The performance of models from Korean labs is two years behind the frontier.",
     "topic:korean-ai-models"),
    ("Korean companies stockpiled over 50,000 high-end GPUs before the rules changed.",
     "topic:korean-ai-compute"),
])
def test_a_nation_word_turns_a_topic_into_that_nations_own(text, expected):
    assert [s for s, _ in subjects(text)] == [expected]


def test_a_launch_date_is_the_release_of_the_model_named():
    assert subjects("Acme introduced Acme-2 in May 2024 to cut costs.") == [("model:acme-2", "May 2024")]


def test_a_rank_goes_to_a_name_of_the_kind_it_ranks():
    text = "Acme-2 has been pulled 5 million times on Hubly, the second-most-downloaded local model."
    assert dict((figure, subject) for subject, figure in subjects(text))["second-most-downloaded"] == \
        "model:acme-2"  # not Hubly, the download site named right before it


def test_the_model_of_a_lab_carries_through_sentences_that_name_nobody():
    text = ("Acme-2 added a wrinkle to the field. Acme released it openly. Within weeks, the model "
            "was running on laptops. Within a month, distilled versions were everywhere.")
    assert subjects(text) == [("model:acme-2", "Within a month")]


def test_sentences_worth_reading_for_figures_are_those_with_digits_or_number_words():
    tokens, found = split("No figures here. It cost $5M. Twenty labs came. A week-long trip. "
                          "An hour-long talk. Models are cheap.")
    assert counting_sentences(tokens, found) == {1, 2, 3, 4}
