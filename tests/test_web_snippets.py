"""The Python snippets print exactly what the Jinja macros they replace printed, hostile text included."""

from __future__ import annotations

from datetime import date

import pytest
from jinja2 import Environment

from kb.web.contexts.common import ClaimView, ContradictionRef, EntityRef, SourceRef, CitationView, AttributeRef
from kb.web.formatting import FILTERS
from kb.web.snippets import GLOBALS

# The macros as they were before they called kb/web/snippets.py.
MACROS = """\
{% macro status(value) -%}
<span class="badge status-{{ value }}" title="Status: {{ value|label }}">{{ {"verified": "✓ ", "refuted": "✗ ", "disputed": "! ", "needs_verification": "? "}.get(value, "") }}{{ value|label }}</span>
{%- endmacro %}
{% macro entity(ref) -%}
<a href="{{ ref.url }}" class="entity kind-{{ ref.kind }}">{{ ref.name }}</a>
{%- endmacro %}
{% macro source(ref) -%}
<a href="{{ ref.url }}" class="source">{{ ref.publisher or ref.title }}</a>, <span class="date">{{ ref.published|kbdate(ref.date_precision) }}</span>
{%- endmacro %}
{% macro conflict(claim) -%}
{% for c in claim.open_contradictions %}
<a class="conflict" href="{{ c.url }}" title="{{ c.summary }}"><span aria-hidden="true">⚠</span> conflicts: see contradiction #{{ c.id }}</a>
{% endfor %}
{%- endmacro %}
{% macro figure(claim, link=True) -%}
{% if claim.has_figure %}<span class="figure bound-{{ claim.bound }}" title="{{ claim.figure_text or '' }}">{% if link %}<a href="{{ claim.url }}">{{ claim.figure }}</a>{% else %}{{ claim.figure }}{% endif %}</span>{% elif claim.figure_text %}<span class="figure unparsed" title="Not parsed as a number">{{ claim.figure_text }}</span>{% endif %}
{%- endmacro %}
{% macro qualifiers(claim) -%}
{% if claim.qualifiers %}<span class="qualifiers">{% for k, v in claim.qualifiers %}<span class="q"><span class="q-key">{{ k }}</span> {{ v }}</span>{% endfor %}</span>{% endif %}
{%- endmacro %}
"""
HOSTILE = '<script>alert("x")</script> & \'quoted\''


def _env() -> Environment:
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


def _claim(**changes) -> ClaimView:
    fields = dict(
        id=7, statement=HOSTILE, figure_text=HOSTILE, low=5.5e6, high=5.5e6, unit="USD", bound="approx",
        precision=5e4, method="reported", unparsed_reason=None, period="2024", scope=HOSTILE, asserted_by=HOSTILE,
        status="needs_verification", rank="normal", rank_reason="", confidence=0.5, dataset_confidence="",
        note="", created_at=None, updated_at=None, version=1,
        subject=EntityRef(1, "lab", "a-b", HOSTILE), attribute=AttributeRef(1, "cost", "Cost", "USD", "currency"),
        model=EntityRef(2, "model", "m", HOSTILE),
        citations=[CitationView(1, SourceRef(3, HOSTILE, "", "article", date(2024, 5, 1), "month", "", None),
                                HOSTILE, None, None, None, None, True)],
        contradictions=[ContradictionRef(9, "open", "value", 0.5, HOSTILE), ContradictionRef(10, "open", "value", 0.4, "b")],
    )
    fields.update(changes)
    return ClaimView(**fields)


CLAIMS = [_claim(), _claim(unit=None, low=None, high=None), _claim(unit=None, low=None, high=None, figure_text=""),
          _claim(contradictions=[], period="", scope="", asserted_by="", model=None)]


@pytest.mark.parametrize("claim", CLAIMS)
def test_snippets_print_what_the_macros_printed(claim):
    env = _env()
    old = env.from_string(MACROS + "{{ status(c.status) }}|{{ entity(c.subject) }}|{{ source(c.citations[0].source) }}|"
                                   "{{ conflict(c) }}|{{ figure(c) }}|{{ figure(c, False) }}|{{ qualifiers(c) }}")
    new = env.from_string("{{ status_badge(c.status) }}|{{ entity_link(c.subject) }}|"
                          "{{ source_link(c.citations[0].source) }}|{{ conflicts_html(c) }}|{{ figure_html(c) }}|"
                          "{{ figure_html(c, False) }}|{{ qualifiers_html(c) }}")
    assert new.render(c=claim) == old.render(c=claim)
    assert "<script>" not in new.render(c=claim)


@pytest.mark.parametrize("status", ["verified", "refuted", "disputed", "needs_verification", "unverified", HOSTILE])
def test_status_badges_match(status):
    env = _env()
    assert env.from_string("{{ status_badge(s) }}").render(s=status) == \
        env.from_string(MACROS + "{{ status(s) }}").render(s=status)


def test_marked_text_matches_the_macro():
    env = _env()
    segments = [("Deep", True), (HOSTILE, False), ("", False), ("<b>", True)]
    old = env.from_string("{% macro marked(segments) -%}\n{% for text, hit in segments %}{% if hit %}<mark>{{ text }}"
                          "</mark>{% else %}{{ text }}{% endif %}{% endfor %}\n{%- endmacro %}{{ marked(s) }}")
    assert env.from_string("{{ marked_html(s) }}").render(s=segments) == old.render(s=segments)
