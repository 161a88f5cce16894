"""Jinja filters and globals of the reader's site."""

from __future__ import annotations

from litestar.contrib.jinja import JinjaTemplateEngine

from kb.web import urls
from kb.web.formatting import FILTERS


def install(engine: JinjaTemplateEngine) -> None:
    """Register the formatting filters and the URL helpers on the template engine."""
    env = engine.engine
    env.filters.update(FILTERS)
    env.globals.update(
        kind_paths=urls.KIND_PATHS, kind_labels=urls.KIND_LABELS, entity_url=urls.entity_url,
        entity_list_url=urls.entity_list_url, with_query=urls.with_query,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True
