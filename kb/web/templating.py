"""Jinja filters and globals of the reader's site."""

from __future__ import annotations

from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine

from kb.web import urls
from kb.web.formatting import FILTERS
from kb.web.history import SYSTEM_ACTOR, field_changes
from kb.web.snippets import GLOBALS as SNIPPETS


def _flashes(context: dict[str, Any]) -> list[dict[str, str]]:
    """The messages litestar.plugins.flash.flash stored in the session, removed as they are shown."""
    request = context.get("request")
    session = request.scope.get("session") if request is not None else None
    return session.pop("_messages", []) if isinstance(session, dict) else []


def install(engine: JinjaTemplateEngine, *, reload: bool = True) -> None:
    """Register the formatting filters and the URL helpers; `reload` rechecks template files on each use."""
    env = engine.engine
    # Compiled templates stay cached either way; outside development they are never looked up on disk again.
    env.auto_reload = reload
    env.filters.update(FILTERS, field_changes=lambda event: field_changes(event.before, event.after))
    env.globals.update(
        kind_paths=urls.KIND_PATHS, kind_labels=urls.KIND_LABELS, entity_url=urls.entity_url,
        entity_list_url=urls.entity_list_url, with_query=urls.with_query,
        system_actor=SYSTEM_ACTOR, **SNIPPETS,
    )
    # The confirmations a redirect carried (kb.web.forms.see_other): read once, then gone.
    engine.register_template_callable("get_flashes", _flashes)
    env.trim_blocks = True
    env.lstrip_blocks = True
