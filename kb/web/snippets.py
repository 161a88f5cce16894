"""The small pieces of HTML every claim row repeats (badges, links, figures), built in Python.

A list of fifty claims prints each of these a few hundred times; as Jinja macros they cost more than
the rest of the page's rendering. Each function returns exactly what its macro in
templates/_macros/kb.html printed (the macros now call these), escaped as Jinja's autoescape would.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from kb.web.formatting import format_date

STATUS_MARKS = {"verified": "✓ ", "refuted": "✗ ", "disputed": "! ", "needs_verification": "? "}


@lru_cache(maxsize=64)
def status_badge(value: str) -> Markup:
    label = escape((value or "").replace("_", " "))
    return Markup(f'<span class="badge status-{escape(value)}" title="Status: {label}">'
                  f'{STATUS_MARKS.get(value, "")}{label}</span>')


def entity_link(ref) -> Markup:
    return Markup(f'<a href="{escape(ref.url)}" class="entity kind-{escape(ref.kind)}">{escape(ref.name)}</a>')


def source_link(ref) -> Markup:
    return Markup(f'<a href="{escape(ref.url)}" class="source">{escape(ref.publisher or ref.title)}</a>, '
                  f'<span class="date">{escape(format_date(ref.published, ref.date_precision))}</span>')


def sources_list(citations, none: str = "") -> Markup:
    """A claim's sources joined by "; " (`none` when it has none)."""
    if not citations:
        return Markup(none)
    return Markup("; ").join(source_link(c.source) for c in citations)


def figure_html(claim, link: bool = True) -> Markup:
    if claim.has_figure:
        shown = f'<a href="{escape(claim.url)}">{escape(claim.figure)}</a>' if link else escape(claim.figure)
        return Markup(f'<span class="figure bound-{escape(claim.bound)}" title="{escape(claim.figure_text or "")}">'
                      f'{shown}</span>')
    if claim.figure_text:
        return Markup('<span class="figure unparsed" title="Not parsed as a number">'
                      f'{escape(claim.figure_text)}</span>')
    return Markup("")


def qualifiers_html(claim) -> Markup:
    pairs = claim.qualifiers
    if not pairs:
        return Markup("")
    inner = "".join(f'<span class="q"><span class="q-key">{escape(k)}</span> {escape(v)}</span>' for k, v in pairs)
    return Markup(f'<span class="qualifiers">{inner}</span>')


def conflicts_html(claim) -> Markup:
    """A link to each open contradiction the claim is in, one per line."""
    return Markup("".join(
        f'<a class="conflict" href="{escape(c.url)}" title="{escape(c.summary)}"><span aria-hidden="true">⚠</span> '
        f'conflicts: see contradiction #{c.id}</a>\n' for c in claim.open_contradictions))


def marked(segments) -> Markup:
    """Text with the parts that matched a search in <mark>."""
    return Markup("".join(f"<mark>{escape(text)}</mark>" if hit else str(escape(text)) for text, hit in segments))


GLOBALS = {
    "marked_html": marked,
    "status_badge": status_badge, "entity_link": entity_link, "source_link": source_link,
    "sources_list": sources_list, "figure_html": figure_html, "qualifiers_html": qualifiers_html,
    "conflicts_html": conflicts_html,
}
