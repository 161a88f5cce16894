"""The reader pages' prebuilt statements bind only what a request supplies; their own constants (an
order of preference, the hidden statuses, page sizes) are written into the text.

PostgreSQL plans a prepared statement once for all its executions: a constant bound as a parameter
leaves that plan guessing, and the lab page's table of models ran a third slower for it.
"""

from __future__ import annotations

import pytest

from kb.serialize import ATTRIBUTE_NAMES, CITATIONS, ENTITY_NAMES
from kb.web.contexts import common, entity, models_table
from kb.web.contexts.claims import LAB_NAMES, Shape, _count_of, _facet_statements, _page_of
from kb.web.listing import ColumnOrder

PREBUILT = {
    "entity row": (entity.ENTITY_ROW, {"kind", "slug"}),
    "aliases": (entity.ALIASES, {"id"}),
    "relations": (entity.RELATIONS, {"id"}),
    "related": (entity.RELATED, {"id", "ids"}),
    "own ranked": (entity.OWN_RANKED, {"subject"}),
    "attention claims": (entity.ATTENTION_CLAIMS, {"subjects"}),
    "attention contradictions": (entity.ATTENTION_CONTRADICTIONS, {"subject", "subjects"}),
    "rivals": (entity.RIVALS, {"groups", "shown"}),
    "model cells": (models_table.CELLS, {"subjects"}),
    "cell conflicts": (models_table.CONFLICTS, {"ids"}),
    "lab names": (LAB_NAMES, {"slugs"}),
    "entities": (common.ENTITIES_BY_ID, {"ids"}),
    "sources": (common.SOURCES_BY_ID, {"ids"}),
    "attributes": (common.ATTRIBUTES, set()),
    "claims' contradictions": (common.CONTRADICTIONS_OF_CLAIMS, {"ids"}),
    "claims' citations": (common.CITATIONS_OF_CLAIMS, {"ids"}),
    "entity names (JSON)": (ENTITY_NAMES, {"ids"}),
    "attribute names (JSON)": (ATTRIBUTE_NAMES, {"ids"}),
    "citations (JSON)": (CITATIONS, {"ids"}),
}

EVERY_FILTER = Shape(subject=True, attribute=True, statuses=2, source=True, lab=True, kind=True, conflict=True)
FILTER_PARAMS = {"subject_id", "attribute_id", "status_0", "status_1", "source_id", "lab_id", "kind"}


@pytest.mark.parametrize("name", sorted(PREBUILT))
def test_prebuilt_statements_bind_only_request_values(name):
    statement, wanted = PREBUILT[name]
    assert set(statement.compile().params) == wanted


@pytest.mark.parametrize("shape", [Shape(), Shape(statuses=1), EVERY_FILTER], ids=["all", "one status", "every filter"])
def test_claim_list_statements_bind_only_the_filters_values(shape):
    filters = {p for p in FILTER_PARAMS if p in set(_page_of(shape, ColumnOrder("id", True)).compile().params)}
    cells, sources = _facet_statements(shape)
    assert set(_page_of(shape, ColumnOrder("id", True)).compile().params) == filters | {"offset", "limit"}
    assert set(_count_of(shape).compile().params) == filters | {"cap_plus_one"}
    assert set(cells.compile().params) == filters
    assert set(sources.compile().params) == filters
    if shape == EVERY_FILTER:
        assert filters == FILTER_PARAMS
