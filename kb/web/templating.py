"""Jinja filters and globals of the reader's site."""

from __future__ import annotations

from litestar.plugins.jinja import JinjaTemplateEngine

from kb.web import urls
from kb.web.formatting import FILTERS


def install(engine: JinjaTemplateEngine, *, reload: bool = True) -> None:
    """Register the formatting filters and the URL helpers; `reload` rechecks template files on each use."""
    env = engine.engine
    # Compiled templates stay cached either way; outside development they are never looked up on disk again.
    env.auto_reload = reload
    env.filters.update(FILTERS)
    env.globals.update(
        kind_paths=urls.KIND_PATHS, kind_labels=urls.KIND_LABELS, entity_url=urls.entity_url,
        entity_list_url=urls.entity_list_url, with_query=urls.with_query,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True
